package dana

import (
	"errors"
	"net/http"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// errState marks an action refused because of the order's state. It is the
// shared sentinel: the control API answers it 409, and the engine judges it
// as the merchant's doing (a FAILED check), not as a run that could not judge.
var errState = emulator.ErrOrderState

// orderActions are the actions the control API exposes per order.
var orderActions = []string{actPay, actFail, actExpire, actNotify, actReturnShopper}

// control serves the /_uatrun/ actions. Its results name the merchant's
// code responseCode, as DANA's own API does.
func (e *Emulator) control() emulator.Control {
	return emulator.Control{Act: e.Act, View: func(r emulator.Result) any { return resultView(r) }, Status: errorStatus}
}

// errorStatus maps an Act error to an HTTP status for the control API.
func errorStatus(err error) int {
	if errors.Is(err, errState) {
		return http.StatusConflict
	}
	return emulator.ActStatus(err)
}

// deliveryView is a Delivery as the control API shows it.
type deliveryView struct {
	Order        string `json:"order"`
	Variant      string `json:"variant"`
	Attempt      int    `json:"attempt"`
	Status       int    `json:"status"`
	ResponseCode string `json:"responseCode,omitempty"`
	Acked        bool   `json:"acked"`
	Error        string `json:"error,omitempty"`
	Exchange     string `json:"exchange"`
}

type resultJSON struct {
	Detail     string              `json:"detail"`
	Deliveries []deliveryView      `json:"deliveries,omitempty"`
	Exchanges  []evidence.Exchange `json:"exchanges,omitempty"`
}

func resultView(r emulator.Result) resultJSON {
	out := resultJSON{Detail: r.Detail, Exchanges: r.Exchanges}
	for _, d := range r.Deliveries {
		out.Deliveries = append(out.Deliveries, deliveryView{Order: d.Order, Variant: d.Variant, Attempt: d.Attempt,
			Status: d.Status, ResponseCode: d.ResponseCode, Acked: d.Acked, Error: d.Error, Exchange: d.Exchange.ID})
	}
	return out
}

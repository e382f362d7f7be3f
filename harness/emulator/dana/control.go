package dana

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// controlPrefix is where the manual-UAT control API lives.
const controlPrefix = "/_uatrun"

// maxControlBody bounds control request bodies.
const maxControlBody = 64 << 10

// errState marks an action refused because of the order's state.
var errState = errors.New("order state does not allow this action")

// orderActions are the actions the control API exposes per order.
var orderActions = []string{actPay, actFail, actExpire, actNotify, actReturnShopper}

// controlAction serves POST /_uatrun/orders/:ref/:action.
func (e *Emulator) controlAction(c *gin.Context) {
	name := c.Param("action")
	if !contains(orderActions, name) {
		controlError(c, http.StatusNotFound, fmt.Sprintf("unknown order action %q; valid: %v", name, orderActions))
		return
	}
	e.runControl(c, emulator.Action{Name: name, Order: c.Param("ref")})
}

// controlRespondNext serves POST /_uatrun/respond_next.
func (e *Emulator) controlRespondNext(c *gin.Context) {
	e.runControl(c, emulator.Action{Name: actRespondNext})
}

func (e *Emulator) runControl(c *gin.Context, a emulator.Action) {
	params, err := controlParams(c.Request)
	if err != nil {
		controlError(c, http.StatusBadRequest, err.Error())
		return
	}
	a.Params = params
	res, err := e.Act(c.Request.Context(), a)
	if err != nil {
		controlError(c, errorStatus(err), err.Error())
		return
	}
	c.JSON(http.StatusOK, resultView(res))
}

// errorStatus maps an Act error to an HTTP status for the control API.
func errorStatus(err error) int {
	switch {
	case errors.Is(err, emulator.ErrUnknownOrder), errors.Is(err, emulator.ErrUnknownAction):
		return http.StatusNotFound
	case errors.Is(err, errState):
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// controlParams merges query parameters with a JSON object or form body
// (the body wins); JSON numbers and booleans become their text.
func controlParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxControlBody+1))
	if err != nil || len(body) > maxControlBody {
		return nil, fmt.Errorf("control body unreadable or over %d KiB", maxControlBody>>10)
	}
	if len(body) == 0 {
		return out, nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		return formParams(out, string(body))
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("control body must be a JSON object of params or a form: %v", err)
	}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		} else {
			out[k] = fmt.Sprint(v)
		}
	}
	return out, nil
}

func formParams(out map[string]string, body string) (map[string]string, error) {
	v, err := url.ParseQuery(body)
	if err != nil {
		return nil, fmt.Errorf("control form: %v", err)
	}
	for k, vs := range v {
		out[k] = vs[0]
	}
	return out, nil
}

func controlError(c *gin.Context, status int, msg string) {
	c.JSON(status, gin.H{"error": msg})
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

package dana

import (
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// OrderView is a read-only snapshot of an order for reports and the control
// API. Times are X-TIMESTAMP strings ("" when the event has not happened).
type OrderView struct {
	PartnerReferenceNo string       `json:"partnerReferenceNo"`
	ReferenceNo        string       `json:"referenceNo"`
	MerchantID         string       `json:"merchantId"`
	Amount             string       `json:"amount"`
	Currency           string       `json:"currency"`
	Title              string       `json:"title,omitempty"`
	Scenario           string       `json:"scenario"`
	Status             string       `json:"status"`                  // INIT, SUCCESS, CLOSED, CANCELLED
	StatusCode         string       `json:"latestTransactionStatus"` // 01, 00, 05
	CloseReason        string       `json:"closeReason,omitempty"`
	Refunded           string       `json:"refunded"` // total refunded, "0.00" when none
	Refunds            []RefundView `json:"refunds,omitempty"`
	CreatedTime        string       `json:"createdTime"`
	ValidUpTo          string       `json:"validUpTo"`
	PaidTime           string       `json:"paidTime,omitempty"`
	FinishedTime       string       `json:"finishedTime,omitempty"`
	CancelledTime      string       `json:"cancelledTime,omitempty"`
	ReturnURL          string       `json:"returnUrl,omitempty"`
	NotifyURL          string       `json:"notifyUrl,omitempty"`
	Deliveries         int          `json:"deliveries"`
}

// RefundView is one accepted refund.
type RefundView struct {
	PartnerRefundNo string `json:"partnerRefundNo"`
	RefundNo        string `json:"refundNo"`
	Amount          string `json:"amount"`
	RefundTime      string `json:"refundTime"`
}

// Orders returns every order, in creation order.
func (e *Emulator) Orders() []OrderView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]OrderView, 0, e.st.orders.Len())
	e.st.orders.Each(func(o *order) { out = append(out, o.view()) })
	return out
}

func (o *order) view() OrderView {
	v := OrderView{
		PartnerReferenceNo: o.partnerRef, ReferenceNo: o.referenceNo, MerchantID: o.merchantID,
		Amount: o.amount.Value, Currency: o.amount.Currency, Title: o.title, Scenario: o.scenario,
		Status: o.status, StatusCode: statusCodes[o.status], CloseReason: o.closeReason,
		Refunded: bisnap.FormatCents(o.refundedCents), CreatedTime: stamp(o.created),
		ValidUpTo: stamp(o.validUpTo), PaidTime: stamp(o.paid), FinishedTime: stamp(o.finished),
		CancelledTime: stamp(o.cancelled), ReturnURL: o.returnURL, NotifyURL: o.notifyURL,
		Deliveries: len(o.deliveries),
	}
	for _, r := range o.refunds {
		v.Refunds = append(v.Refunds, RefundView{PartnerRefundNo: r.partnerRefundNo,
			RefundNo: r.refundNo, Amount: r.amount.Value, RefundTime: stamp(r.at)})
	}
	return v
}

// stamp formats t as an X-TIMESTAMP, or "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return snap.FormatTimestamp(t)
}

// Exchanges returns every recorded exchange, both directions, in the order
// they completed.
func (e *Emulator) Exchanges() []evidence.Exchange {
	return e.rec.Exchanges()
}

// Calls returns the merchant's calls to one API, oldest first. The name
// "unknown_path" returns calls to paths DANA does not serve.
func (e *Emulator) Calls(api string) []emulator.Call {
	return e.rec.Calls(api)
}

// Deliveries returns every notify attempt for an order (by
// partnerReferenceNo or referenceNo), oldest first; nil for an unknown order.
func (e *Emulator) Deliveries(ref string) []emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, err := e.st.lookup(ref)
	if err != nil {
		return nil
	}
	return append([]emulator.Delivery(nil), o.deliveries...)
}

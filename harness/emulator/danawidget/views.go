package danawidget

import (
	"sort"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
)

// OrderView is a read-only snapshot of a widget payment.
type OrderView struct {
	PartnerReferenceNo string `json:"partnerReferenceNo"`
	ReferenceNo        string `json:"referenceNo"`
	Amount             string `json:"amount"`
	Status             string `json:"status"`
	StatusCode         string `json:"latestTransactionStatus"`
	Payer              string `json:"payer,omitempty"` // masked
	Refunded           string `json:"refunded"`
	CreatedTime        string `json:"createdTime"`
	PaidTime           string `json:"paidTime,omitempty"`
	Deliveries         int    `json:"deliveries"`
}

// BindingView is a read-only snapshot of an account binding (tokens
// never shown).
type BindingView struct {
	ID                string `json:"id"`
	User              string `json:"user"` // masked phone
	AccessExpires     string `json:"accessTokenExpiry"`
	RefreshExpires    string `json:"refreshTokenExpiry"`
	Ended             string `json:"ended,omitempty"`
	RefusedAfterEnded int    `json:"refusedAfterEnded,omitempty"`
}

// Orders lists the kept widget payments (the newest KeptOrders), in
// creation order.
func (e *Emulator) Orders() []OrderView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]OrderView, 0, e.st.orders.Len())
	e.st.orders.Each(func(o *order) {
		v := OrderView{PartnerReferenceNo: o.partnerRef, ReferenceNo: o.referenceNo, Amount: o.amount.Value, Status: o.status,
			StatusCode: statusCodes[o.status], Refunded: bisnap.FormatCents(o.refundedCents), CreatedTime: stamp(o.created),
			PaidTime: stamp(o.paid), Deliveries: len(o.deliveries)}
		if o.payer != "" {
			v.Payer = mask(o.payer)
		}
		out = append(out, v)
	})
	return out
}

// Bindings lists the kept account bindings (the newest KeptBindings),
// tokens left out.
func (e *Emulator) Bindings() []BindingView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]BindingView, 0, e.st.bindings.Len())
	e.st.bindings.Each(func(b *binding) {
		out = append(out, BindingView{ID: b.id, User: mask(b.phone), AccessExpires: stamp(b.accessExp), RefreshExpires: stamp(b.refreshExp),
			Ended: b.revoked, RefusedAfterEnded: b.refusedAfterRevoke})
	})
	return out
}

// Calls returns the merchant's calls to one API, oldest first.
// Calls to a Payment Gateway API on this host (create_order, consult_pay,
// and the Payment Gateway's query, cancel and refund paths) follow the
// Widget's own calls of the same name.
func (e *Emulator) Calls(api string) []emulator.Call {
	return append(e.rec.Calls(api), e.pg.Calls(api)...)
}

// Exchanges returns every recorded exchange, the Payment Gateway API's on
// this host included, in the order they happened.
func (e *Emulator) Exchanges() []evidence.Exchange {
	out := append(e.rec.Exchanges(), e.pg.Exchanges()...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Real.Before(out[j].At.Real) })
	return out
}

// Deliveries returns every notify attempt for an order.
func (e *Emulator) Deliveries(ref string) []emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, err := e.st.lookup(ref)
	if err != nil && e.pgHas(ref) {
		e.mu.Unlock()
		defer e.mu.Lock()
		return e.pg.Deliveries(ref)
	}
	if err != nil {
		return nil
	}
	return append([]emulator.Delivery(nil), o.deliveries...)
}

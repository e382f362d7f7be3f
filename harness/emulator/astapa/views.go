package astapa

import (
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// PaymentView is a read-only snapshot of a shop payment.
type PaymentView struct {
	OrderID    string `json:"order_id"`
	PurchaseID string `json:"purchase_id"`
	Amount     int64  `json:"amount"`
	Status     string `json:"status"`
	BuyerEmail string `json:"buyer_email"`
	ItemName   string `json:"item_name,omitempty"`
	StoreSlug  string `json:"store_slug,omitempty"`
	CreatedAt  string `json:"created_at"`
	ExpiresAt  string `json:"expires_at"`
	PaidAt     string `json:"paid_at,omitempty"`
	Deliveries int    `json:"deliveries"`
}

// Payments returns the kept payments (the newest KeptPayments), in
// creation order.
func (e *Emulator) Payments() []PaymentView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]PaymentView, 0, e.st.payments.Len())
	e.st.payments.Each(func(p *payment) { out = append(out, p.view()) })
	return out
}

func (p *payment) view() PaymentView {
	v := PaymentView{OrderID: p.orderID, PurchaseID: p.purchaseID, Amount: p.amount, Status: p.status,
		BuyerEmail: p.buyerEmail, ItemName: p.item, StoreSlug: metaString(p, "store_slug"),
		CreatedAt: isoUTC(p.created), ExpiresAt: isoUTC(p.expiresAt), Deliveries: len(p.deliveries)}
	if !p.paidAt.IsZero() {
		v.PaidAt = isoUTC(p.paidAt)
	}
	return v
}

func (e *Emulator) paymentView(id string) (PaymentView, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, err := e.st.lookup(id)
	if err != nil {
		return PaymentView{}, false
	}
	return p.view(), true
}

// Exchanges returns every recorded exchange in the order they completed.
func (e *Emulator) Exchanges() []evidence.Exchange {
	return e.rec.Exchanges()
}

// Calls returns the merchant's calls to one API, oldest first.
func (e *Emulator) Calls(api string) []emulator.Call {
	return e.rec.Calls(api)
}

// Deliveries returns every webhook attempt for a payment, oldest first.
func (e *Emulator) Deliveries(id string) []emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, err := e.st.lookup(id)
	if err != nil {
		return nil
	}
	return append([]emulator.Delivery(nil), p.deliveries...)
}

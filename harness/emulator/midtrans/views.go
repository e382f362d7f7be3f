package midtrans

import (
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// TransactionView is a read-only snapshot of a transaction for reports and
// the control API. Times are Midtrans' "YYYY-MM-DD HH:mm:ss" (WIB).
type TransactionView struct {
	OrderID           string       `json:"order_id"`
	TransactionID     string       `json:"transaction_id"`
	Token             string       `json:"token"`
	GrossAmount       string       `json:"gross_amount"`
	TransactionStatus string       `json:"transaction_status"`
	PaymentType       string       `json:"payment_type"`
	Refunded          string       `json:"refunded"`
	Refunds           []RefundView `json:"refunds,omitempty"`
	TransactionTime   string       `json:"transaction_time"`
	ExpiryTime        string       `json:"expiry_time"`
	SettlementTime    string       `json:"settlement_time,omitempty"`
	FinishURL         string       `json:"finish_url,omitempty"`
	NotifyURLs        []string     `json:"notify_header_urls,omitempty"` // from X-Override/X-Append-Notification
	CustomerEmail     string       `json:"customer_email,omitempty"`
	Deliveries        int          `json:"deliveries"`
	Denials           int          `json:"denials,omitempty"` // denied attempts in the Snap session
	SnapCanceled      bool         `json:"snap_canceled,omitempty"`
}

// RefundView is one accepted refund; Pending is a refund answered 201
// whose money has not moved yet.
type RefundView struct {
	RefundKey string `json:"refund_key"`
	Amount    string `json:"refund_amount"`
	CreatedAt string `json:"created_at"`
	Pending   bool   `json:"pending,omitempty"`
}

// Transactions returns every transaction, in creation order.
func (e *Emulator) Transactions() []TransactionView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]TransactionView, 0, len(e.st.txns))
	for _, t := range e.st.txns {
		out = append(out, t.view())
	}
	return out
}

func (t *txn) view() TransactionView {
	v := TransactionView{OrderID: t.orderID, TransactionID: t.transactionID, Token: t.token,
		GrossAmount: amount(t.gross), TransactionStatus: t.status, PaymentType: t.paymentTypeOr(),
		Refunded: amount(t.refunded), TransactionTime: wib(t.created), ExpiryTime: wib(t.expiresAt),
		SettlementTime: wib(t.settled), FinishURL: t.finishURL, NotifyURLs: append(t.override, t.appendURLs...),
		CustomerEmail: t.email, Deliveries: len(t.deliveries), Denials: t.denials, SnapCanceled: t.snapCanceled}
	for _, r := range t.refunds {
		v.Refunds = append(v.Refunds, RefundView{RefundKey: r.key, Amount: amount(r.amount), CreatedAt: wib(r.at)})
	}
	for _, r := range t.pendingRefunds {
		v.Refunds = append(v.Refunds, RefundView{RefundKey: r.key, Amount: amount(r.amount), CreatedAt: wib(r.at), Pending: true})
	}
	return v
}

// transactionView finds one transaction by order_id, transaction_id or token.
func (e *Emulator) transactionView(id string) (TransactionView, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(id)
	if err != nil {
		return TransactionView{}, false
	}
	return t.view(), true
}

// Exchanges returns every recorded exchange, both directions, in the order
// they completed.
func (e *Emulator) Exchanges() []evidence.Exchange {
	return e.rec.Exchanges()
}

// Calls returns the merchant's calls to one API, oldest first.
func (e *Emulator) Calls(api string) []emulator.Call {
	return e.rec.Calls(api)
}

// Deliveries returns every notification attempt for a transaction (by
// order_id, transaction_id or token), oldest first; nil when unknown.
func (e *Emulator) Deliveries(id string) []emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(id)
	if err != nil {
		return nil
	}
	return append([]emulator.Delivery(nil), t.deliveries...)
}

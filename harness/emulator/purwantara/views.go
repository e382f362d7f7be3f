package purwantara

import (
	"fmt"
	"sort"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// jakarta reads expiries given without an offset.
var jakarta = snap.Jakarta

// laravelLayout is how Laravel serialises dates: UTC with microseconds.
const laravelLayout = "2006-01-02T15:04:05.000000Z"

// laravelTime formats t as Purwantara does, or null for the zero time.
func laravelTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(laravelLayout)
}

// formatAmount writes ten-thousandths with Purwantara's 4 decimals.
func formatAmount(n int64) string { return fmt.Sprintf("%d.%04d", n/10000, n%10000) }

// displayTitle is what the webhook calls the transaction: the payment
// link's title, else the description, else the display name, else the
// reference.
func (t *tx) displayTitle() string {
	for _, s := range []string{t.title, t.description, t.name} {
		if s != "" {
			return s
		}
	}
	return t.ref
}

// view is the transaction as the create and inquiry answers show it.
// Field names per channel follow Purwantara's PHP client (⚠ see doc.go).
func (t *tx) view() obj {
	o := obj{{"uuid", t.uuid}, {"external_id", t.ref}}
	if t.merchantTrxID != "" {
		o = append(o, field{"merchant_trx_id", t.merchantTrxID})
	}
	switch t.ch.path {
	case "virtual-account":
		o = append(o, field{"name", t.name}, field{"bank", t.provider}, field{"va_number", t.instrument})
	case "counter":
		o = append(o, field{"name", t.name}, field{"payment_channel", t.provider}, field{"payment_code", t.instrument})
	case "qris":
		o = append(o, field{"qr_string", t.instrument}, field{"qr_url", t.link})
	case "ewallet/ovo":
		o = append(o, field{"customer_phone", t.customerPhone})
	case "ewallet/shopeepay", "ewallet/dana":
		o = append(o, field{"checkout_url", t.instrument})
	case "payment-link":
		o = append(o, field{"title", t.title}, field{"payment_link_url", t.instrument}, field{"return_url", orNull(t.returnURL)})
	}
	o = append(o, field{"amount", formatAmount(t.amount)}, field{"description", orNull(t.description)},
		field{"status", t.status}, field{"paid_at", laravelTime(t.paid)}, field{"created_at", laravelTime(t.created)})
	expiryKey := t.ch.expiryField
	if t.ch.path == "qris" {
		expiryKey = "expired_time" // the name Purwantara's QRIS answer uses
	} else if expiryKey == "" {
		expiryKey = "expired_at"
	}
	return append(o, field{expiryKey, laravelTime(t.expires)})
}

// TransactionView is a read-only snapshot of a transaction for reports
// and the control API. Times are RFC 3339 ("" when it has not happened).
type TransactionView struct {
	UUID       string `json:"uuid"`
	Channel    string `json:"channel"` // the create path, e.g. "virtual-account"
	Reference  string `json:"external_id"`
	Provider   string `json:"provider,omitempty"`
	Amount     string `json:"amount"`
	Status     string `json:"status"`
	Instrument string `json:"instrument,omitempty"`
	Simulator  string `json:"simulator"`
	CreatedAt  string `json:"created_at"`
	ExpiresAt  string `json:"expires_at"`
	PaidAt     string `json:"paid_at,omitempty"`
	ClosedAt   string `json:"closed_at,omitempty"`
	Deliveries int    `json:"deliveries"`
}

// Transactions returns the kept transactions (the newest
// KeptTransactions), in creation order.
func (e *Emulator) Transactions() []TransactionView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]TransactionView, 0, e.st.txs.Len())
	e.st.txs.Each(func(t *tx) {
		out = append(out, TransactionView{UUID: t.uuid, Channel: t.ch.path, Reference: t.ref,
			Provider: t.provider, Amount: formatAmount(t.amount), Status: t.status, Instrument: t.instrument,
			Simulator: t.link, CreatedAt: rfc(t.created), ExpiresAt: rfc(t.expires), PaidAt: rfc(t.paid),
			ClosedAt: rfc(t.closed), Deliveries: len(t.deliveries)})
	})
	return out
}

func rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// Exchanges returns every recorded exchange, both directions, in the order
// they completed.
func (e *Emulator) Exchanges() []evidence.Exchange {
	return e.rec.Exchanges()
}

// Calls returns the merchant's calls to one API, oldest first: a channel's
// create ("create_virtual_account", …), "create" for all of them,
// "inquiry", "cancel" or "unknown_path".
func (e *Emulator) Calls(api string) []emulator.Call {
	return e.rec.CallsMatching(func(a string) bool { return a == api || (api == APICreate && isCreate(a)) })
}

// Deliveries returns every webhook attempt for a transaction (by uuid,
// external_id or order_id), oldest first; nil for an unknown one.
func (e *Emulator) Deliveries(ref string) []emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(ref)
	if err != nil {
		return nil
	}
	return append([]emulator.Delivery(nil), t.deliveries...)
}

func sortStrings(s []string) { sort.Strings(s) }

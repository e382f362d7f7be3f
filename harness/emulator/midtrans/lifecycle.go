package midtrans

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// paymentTypePattern bounds the payment_type param to Midtrans-looking words.
var paymentTypePattern = regexp.MustCompile(`^[a-z][a-z_]{1,31}$`)

// transitions maps a control action to the status it leaves the
// transaction in and the statuses it may start from. choose keeps a Snap
// transaction pending but makes it known to the Core API and sends the
// pending notification Midtrans sends once the shopper picks a method.
// pay may follow a deny: Snap lets the shopper try again (another card or
// method) on the same order_id until the Snap token expires. challenge is
// a card capture held by fraud detection; accept and deny decide it, as
// the merchant does in the dashboard (or with the approve / deny API).
var transitions = map[string]struct {
	next string
	from []string
}{
	actChoose:    {StatusPending, []string{StatusPending}},
	actPay:       {StatusSettlement, []string{StatusPending, StatusDeny, StatusCapture}},
	actDeny:      {StatusDeny, []string{StatusPending, StatusCapture, StatusDeny}},
	actExpire:    {StatusExpire, []string{StatusPending}},
	actChallenge: {StatusCapture, []string{StatusPending}},
	actAccept:    {StatusCapture, []string{StatusCapture}},
}

// transition runs a control action and returns the notification jobs for
// the event (none when a Snap token expires before any method was chosen:
// the Core API never knew the transaction). A closed transaction does not
// move: a real gateway cannot pay a cancelled or expired one either.
func (e *Emulator) transition(id, action, paymentType, bank, store string) (*txn, []notifyJob, error) {
	if paymentType != "" && !paymentTypePattern.MatchString(paymentType) {
		return nil, nil, fmt.Errorf("midtrans: payment_type %q: want a Midtrans payment type such as bank_transfer, gopay, qris, credit_card", paymentType)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(id)
	if err != nil {
		return nil, nil, err
	}
	tr := transitions[action]
	if err := e.allowed(t, action, tr.from); err != nil {
		return nil, nil, err
	}
	pt := paymentType
	if pt == "" {
		pt = t.paymentTypeOr()
	}
	if err := checkChannel(pt, bank, store); err != nil {
		return nil, nil, err
	}
	if (action == actPay || action == actDeny) && t.status == StatusDeny {
		// A new attempt in the same Snap session is a new charge.
		t.transactionID = newUUID()
		e.st.byID[t.transactionID] = t
		t.fraud, t.captured = FraudAccept, time.Time{}
	}
	if action == actChallenge {
		paymentType = "credit_card"
	}
	if paymentType != "" && paymentType != t.paymentType {
		t.paymentType, t.detail = paymentType, ""
	}
	if bank+store != "" {
		t.detail = bank + store
	}
	if action == actExpire && !t.chosen {
		t.status = StatusExpire
		t.stopExpiry()
		return t, nil, nil
	}
	t.chosen = true
	t.status = tr.next
	switch action {
	case actChoose:
		e.armPaymentWindow(t)
	case actPay:
		t.fraud = FraudAccept
		t.stopExpiry()
		if t.paymentTypeOr() == "credit_card" && t.captured.IsZero() {
			// A card payment is captured (fraud_status accept) and
			// settles later, in Midtrans' batch (status cycle: capture →
			// settlement); pay on the capture settles it now.
			t.status, t.captured = StatusCapture, e.clockOf(t).Now()
			e.armCardSettlement(t)
			break
		}
		t.settled = e.clockOf(t).Now()
	case actChallenge:
		t.fraud = FraudChallenge
		t.stopExpiry()
	case actAccept:
		t.fraud, t.captured = FraudAccept, e.clockOf(t).Now()
		e.armCardSettlement(t)
	case actDeny:
		t.denials++
		if t.fraud == FraudChallenge {
			t.fraud = FraudDeny
		}
	case actExpire:
		t.stopExpiry()
	}
	// deny keeps the expiry timer: the Snap session stays open for another try.
	return t, e.eventLocked(t, t.status), nil
}

// armPaymentWindow restarts t's expiry when the shopper confirms a
// method: unless the request's expiry had a start_time, the payment
// window counts from now and lasts the request's expiry duration or the
// method's default (channels.go, paymentWindow); e.mu is held.
func (e *Emulator) armPaymentWindow(t *txn) {
	if t.expiry != nil {
		t.expiry.Stop()
	}
	w := t.paymentWindow()
	if t.expiryFixed {
		// start_time fixed one deadline; page_expiry may have closed the
		// page sooner, but the payment follows the deadline.
		w = t.deadline.Sub(e.clockOf(t).Now())
	}
	t.expiresAt = e.clockOf(t).Now().Add(w)
	t.expiry = e.clockOf(t).AfterFunc(w, func() { e.expireByTimer(t) })
}

// armCardSettlement settles an accepted card capture CardSettlement
// later on the test clock, with its settlement notification; e.mu is held.
func (e *Emulator) armCardSettlement(t *txn) {
	if t.settle != nil {
		t.settle.Stop()
	}
	t.settle = e.clockOf(t).AfterFunc(e.o.CardSettlement, func() {
		e.mu.Lock()
		if t.status != StatusCapture || t.fraud != FraudAccept {
			e.mu.Unlock()
			return
		}
		t.status, t.settled, t.settle = StatusSettlement, e.clockOf(t).Now(), nil
		jobs := e.eventLocked(t, StatusSettlement)
		e.mu.Unlock()
		e.deliverAll(context.Background(), jobs)
	})
}

// allowed says why action cannot run on t, or nil; e.mu is held.
func (e *Emulator) allowed(t *txn, action string, from []string) error {
	ok := slices.Contains(from, t.status)
	switch {
	case t.snapCanceled && !t.chosen:
		return fmt.Errorf("midtrans: %w: cannot %s transaction %s: the merchant cancelled its Snap session", errState, action, t.orderID)
	case action == actAccept || (action == actDeny && t.status == StatusCapture):
		ok = t.status == StatusCapture && t.fraud == FraudChallenge
	case action == actPay && t.status == StatusCapture:
		ok = t.fraud == FraudAccept
	case (action == actPay || action == actDeny) && t.status == StatusDeny:
		ok = e.clockOf(t).Now().Before(t.expiresAt)
	}
	if ok {
		return nil
	}
	return fmt.Errorf("midtrans: %w: cannot %s transaction %s: it is %s (fraud_status %s); %s",
		errState, action, t.orderID, t.status, t.fraud, allowedHint[action])
}

var allowedHint = map[string]string{
	actChoose:    "only a pending Snap transaction can have its method chosen",
	actPay:       "only pending, denied (a new try in the same Snap session, before expiry) or accepted card captures can be paid",
	actDeny:      "only pending transactions, a new try after a denial (before expiry) or challenged card captures can be denied",
	actExpire:    "only pending transactions expire",
	actChallenge: "only a pending transaction can be challenged by fraud detection",
	actAccept:    "only a card capture with fraud_status challenge can be accepted",
}

// expireByTimer is the expiry timer: a transaction still pending expires
// and its notification is delivered (with retries). A Snap token whose
// shopper never chose a method just lapses: the Core API never knew it,
// so nothing is sent.
func (e *Emulator) expireByTimer(t *txn) {
	e.mu.Lock()
	if t.status != StatusPending {
		e.mu.Unlock()
		return
	}
	t.status, t.expiry = StatusExpire, nil
	if !t.chosen {
		e.mu.Unlock()
		return
	}
	jobs := e.eventLocked(t, StatusExpire)
	e.mu.Unlock()
	e.deliverAll(context.Background(), jobs)
}

package midtrans

import (
	"context"
	"fmt"
	"regexp"
)

// paymentTypePattern bounds the payment_type param to Midtrans-looking words.
var paymentTypePattern = regexp.MustCompile(`^[a-z][a-z_]{1,31}$`)

// transitions maps a control action to the status it leaves a pending
// transaction in. choose keeps it pending but sends the pending
// notification Midtrans sends once the shopper picks a method.
var transitions = map[string]string{
	actChoose: StatusPending, actPay: StatusSettlement, actDeny: StatusDeny, actExpire: StatusExpire,
}

// transition runs a control action on a pending transaction and returns
// the notification jobs for the event. Only pending transactions move: a
// real gateway cannot pay a cancelled or expired one either.
func (e *Emulator) transition(id, action, paymentType string) (*txn, []notifyJob, error) {
	if paymentType != "" && !paymentTypePattern.MatchString(paymentType) {
		return nil, nil, fmt.Errorf("midtrans: payment_type %q: want a Midtrans payment type such as bank_transfer, gopay, qris, credit_card", paymentType)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(id)
	if err != nil {
		return nil, nil, err
	}
	if t.status != StatusPending {
		return nil, nil, fmt.Errorf("midtrans: %w: cannot %s transaction %s: it is %s, and only pending transactions can be chosen, paid, denied or expired",
			errState, action, t.orderID, t.status)
	}
	if paymentType != "" {
		t.paymentType = paymentType
	}
	next := transitions[action]
	if next != StatusPending {
		t.status = next
		t.stopExpiry()
	}
	if next == StatusSettlement {
		t.settled = e.clk.Now()
	}
	return t, e.eventLocked(t, next), nil
}

// expireByTimer is the expiry timer: a transaction still pending expires
// and its notification is delivered (with retries).
func (e *Emulator) expireByTimer(t *txn) {
	e.mu.Lock()
	if t.status != StatusPending {
		e.mu.Unlock()
		return
	}
	t.status, t.expiry = StatusExpire, nil
	jobs := e.eventLocked(t, StatusExpire)
	e.mu.Unlock()
	e.deliverAll(context.Background(), jobs)
}

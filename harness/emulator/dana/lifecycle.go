package dana

import (
	"context"
	"fmt"
	"time"
)

// Close reasons recorded on CLOSED orders.
const (
	reasonExpired = "EXPIRED"
	reasonFailed  = "PAYMENT_FAILED"
)

// cancelWindow is how long after payment a merchant may still cancel (§1.9).
const cancelWindow = 24 * time.Hour

// expire is the validUpTo timer: an order still INIT is closed and its 05
// notify is delivered (with retries).
func (e *Emulator) expire(o *order) {
	e.mu.Lock()
	if o.status != StatusInit {
		e.mu.Unlock()
		return
	}
	e.closeLocked(o, reasonExpired)
	job := e.eventLocked(o, "05", "valid")
	e.mu.Unlock()
	e.deliver(context.Background(), job, 1)
}

// closeLocked moves an INIT order to CLOSED; e.mu is held.
func (e *Emulator) closeLocked(o *order, reason string) {
	o.status, o.closeReason, o.finished = StatusClosed, reason, e.clk.Now()
	o.stopExpiry()
}

func (o *order) stopExpiry() {
	if o.expiry != nil {
		o.expiry.Stop()
		o.expiry = nil
	}
}

// settle runs a control transition on an INIT order and returns the 00 or
// 05 event to deliver. It refuses orders that are no longer INIT, since a
// real gateway cannot pay or close them either.
func (e *Emulator) settle(ref, action string) (notifyJob, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, err := e.st.lookup(ref)
	if err != nil {
		return notifyJob{}, err
	}
	if o.status != StatusInit {
		return notifyJob{}, fmt.Errorf("dana: %w: cannot %s order %s: it is %s, and only INIT orders can be paid, failed or expired "+
			"(did the merchant reuse the reference of an earlier order?)", errState, action, ref, o.status)
	}
	switch action {
	case actPay:
		now := e.clk.Now()
		o.status, o.paid, o.finished = StatusSuccess, now, now
		o.stopExpiry()
		return e.eventLocked(o, "00", "valid"), nil
	case actFail:
		e.closeLocked(o, reasonFailed)
	default:
		e.closeLocked(o, reasonExpired)
	}
	return e.eventLocked(o, "05", "valid"), nil
}

// agreeLocked makes o agree with a legitimate notify of status before it
// is sent, so the notify and Query Payment never contradict each other,
// as in every BI-SNAP emulator: a paid (00) notify for an INIT order pays
// it first, a closed (05) one closes it (payment failed). One that
// contradicts a final state is refused; only the adversarial variants
// lie. It returns what it did, "" when the order already agreed; e.mu is
// held.
func (e *Emulator) agreeLocked(o *order, status string) (string, error) {
	now := e.clk.Now()
	switch {
	case status == "00" && o.status == StatusSuccess, status == "05" && (o.status == StatusClosed || o.status == StatusCancelled):
		return "", nil
	case status == "00" && o.status == StatusInit:
		o.status, o.paid, o.finished = StatusSuccess, now, now
		o.stopExpiry()
		return "order " + o.partnerRef + " paid first, so Query Payment answers 00 as the notify says; ", nil
	case status == "05" && o.status == StatusInit:
		e.closeLocked(o, reasonFailed)
		return "order " + o.partnerRef + " closed (payment failed) first, so Query Payment answers 05 as the notify says; ", nil
	}
	return "", fmt.Errorf("dana: %w: a legitimate notify says %s but Query Payment answers order %s as %s; "+
		"DANA only notifies what it would answer, so use an adversarial variant (wrong_amount, replay, …) to send one that disagrees",
		errState, status, o.partnerRef, o.status)
}

package midtrans

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
)

// Pending refunds. Midtrans forwards a refund to the payment provider
// (Refund Transaction: "Midtrans will then forward it to payment
// providers"); the standard process "may take one to two days", and the
// transaction is updated, and notified, when the provider's result
// arrives (Direct Refund Transaction). status_code 201 is Midtrans' code
// for pending. So a refund call may be answered 201 with nothing refunded
// yet; the refund or partial_refund notification (status_code 200) says
// when the money moved. A pending refund that the provider later declines
// is not documented and not emulated.

// pendingMessage is the status_message of a refund answered pending (⚠
// wording is a choice: Midtrans publishes no pending refund sample).
const pendingMessage = "Success, refund request is received and is being processed"

// maxSettleAfter bounds refund_pending's settle_after.
const maxSettleAfter = 30 * 24 * time.Hour

// addPendingRefund records a refund answered 201: it holds its amount
// (nothing more than what remains can be asked meanwhile) but moves no
// money and leaves the transaction's status as it was. With a settle
// delay it settles itself that long later on the test clock; e.mu is
// held.
func (e *Emulator) addPendingRefund(t *txn, key, reason string, n int64) *refund {
	r := e.newRefund(t, key, reason, n)
	t.pendingRefunds = append(t.pendingRefunds, r)
	if t.pendingAfter > 0 {
		r.settle = e.clockOf(t).AfterFunc(t.pendingAfter, func() { e.settleByTimer(t, r) })
	}
	return r
}

// pendingReply is the refund answer for a pending refund: HTTP 200,
// status_code "201", the transaction's unchanged status and the refund's
// identifiers, in the shape of coreapi.RefundResponse.
func (e *Emulator) pendingReply(t *txn, r *refund) *reply {
	rep := e.refundReply(t, r)
	rep.body["status_code"], rep.body["status_message"] = "201", pendingMessage
	rep.code = "201"
	rep.hint = "the refund of " + amount(r.amount) + " is pending (status_code 201): no money has moved and transaction_status is still " +
		t.status + "; book it only when the refund or partial_refund notification (status_code 200) arrives"
	return rep
}

func (t *txn) isPending(r *refund) bool { return slices.Contains(t.pendingRefunds, r) }

// settleLocked moves the money of t's pending refunds (all of them, or
// only the one given) and returns the notification jobs for the
// new state, or nil when nothing was pending; e.mu is held.
func (e *Emulator) settleLocked(t *txn, only *refund) []notifyJob {
	var keep, settled []*refund
	for _, r := range t.pendingRefunds {
		if only != nil && r != only {
			keep = append(keep, r)
			continue
		}
		settled = append(settled, r)
	}
	if len(settled) == 0 {
		return nil
	}
	t.pendingRefunds = keep
	for _, r := range settled {
		if r.settle != nil {
			r.settle.Stop()
			r.settle = nil
		}
		t.book(r)
	}
	e.confirmLater(t)
	return e.eventLocked(t, t.status)
}

// refundMethod is refunds[].refund_method of a refund made through the
// API (the samples show "online"; "offline" is a refund made outside it).
const refundMethod = "online"

// confirmLater arms the bank's confirmation of t's refunds: Midtrans
// sends "2 refund post notifications to merchant - without and with
// bank_confirmed_at" (Refund Transaction, Direct Refund Transaction). The
// second one goes out BankConfirmDelay after the first, on the test
// clock, with bank_confirmed_at on every refund confirmed by then; e.mu
// is held.
func (e *Emulator) confirmLater(t *txn) {
	e.st.events = append(e.st.events, e.clockOf(t).AfterFunc(e.o.BankConfirmDelay, func() {
		e.mu.Lock()
		now, changed := e.clockOf(t).Now(), false
		for _, r := range t.refunds {
			if r.bankConfirmed.IsZero() {
				r.bankConfirmed, changed = now, true
			}
		}
		var jobs []notifyJob
		if changed {
			jobs = e.eventLocked(t, t.status)
		}
		e.mu.Unlock()
		e.deliverAll(context.Background(), jobs)
	}))
}

// settleByTimer is a pending refund's own timer: it settles and its
// notification is delivered, with retries.
func (e *Emulator) settleByTimer(t *txn, r *refund) {
	e.mu.Lock()
	jobs := e.settleLocked(t, r)
	e.mu.Unlock()
	if jobs != nil {
		e.deliverAll(context.Background(), jobs)
	}
}

// actRefundPending makes the next refund call(s) for an order answer
// pending, optionally settling each settle_after later on the test clock.
func (e *Emulator) actRefundPending(a emulator.Action) (emulator.Result, error) {
	count := 1
	if v := a.Params["count"]; v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= emulator.MaxInjected {
			count = n
		} else {
			return emulator.Result{}, fmt.Errorf("midtrans: refund_pending count %q: want 1 to %d", v, emulator.MaxInjected)
		}
	}
	var after time.Duration
	var err error
	if v := a.Params["settle_after"]; v != "" {
		if after, err = time.ParseDuration(v); err != nil || after <= 0 || after > maxSettleAfter {
			return emulator.Result{}, fmt.Errorf("midtrans: refund_pending settle_after %q: want a positive duration up to %s, e.g. 1h", v, maxSettleAfter)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(a.Order)
	if err != nil {
		return emulator.Result{}, err
	}
	t.pendingNext, t.pendingAfter = count, after
	when := "until refund_settle"
	if after > 0 {
		when = "and settles " + after.String() + " later on the test clock, with its notification"
	}
	return emulator.Result{Detail: fmt.Sprintf("the next %d refund call(s) for %s will be answered status_code 201 (pending), moving no money %s",
		count, t.orderID, when)}, nil
}

// actRefundSettle settles an order's pending refunds now: the money moves
// and the refund or partial_refund notification is delivered (unless
// notify: drop).
func (e *Emulator) actRefundSettle(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	drop, err := actions.Drop(a)
	if err != nil {
		return emulator.Result{}, err
	}
	e.mu.Lock()
	t, err := e.st.lookup(a.Order)
	if err != nil {
		e.mu.Unlock()
		return emulator.Result{}, err
	}
	jobs := e.settleLocked(t, nil)
	status, refunded := t.status, amount(t.refunded)
	e.mu.Unlock()
	if jobs == nil {
		return emulator.Result{}, fmt.Errorf("midtrans: %w: cannot settle a refund of %s: it has no pending refund (make one with refund_pending before the refund call)",
			errState, a.Order)
	}
	verb := fmt.Sprintf("pending refund(s) of %s settled: %s, %s refunded", a.Order, status, refunded)
	if drop {
		return emulator.Result{Detail: verb + "; the notification was dropped (never sent, no retries)"}, nil
	}
	ds := e.deliverAll(ctx, jobs)
	return emulator.Delivered(ds, verb+"; notification "+describeAll(ds)), nil
}

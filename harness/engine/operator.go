package engine

import (
	"context"
	"fmt"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// Operators act on what they can see. After the gateway tells the merchant
// an order is paid, a merchant that fulfils from a queue shows it PAID a
// moment later; an operator refunds or cancels only once it does. So when
// a scenario's payment was acknowledged and a later step asks the merchant
// to act, the engine first lets the merchant's state settle to PAID
// (bounded by run.settle, not judged): a queue-based merchant is never
// asked to refund an order it has not booked yet, on any gateway. When the
// payment was a step of the scenario's setup: and the merchant never reads
// PAID, the later step cannot proceed: the setup step is ERRORED with
// that reason (setup.go), rather than the refund judged on an unpaid order.

// paymentNotifies are the notify variants that tell the merchant, truly,
// that the order is paid.
var paymentNotifies = map[string]bool{"valid": true, "duplicate": true, "concurrent": true, "redelivery": true}

// notePayment remembers that the merchant acknowledged a payment.
func (s *ScenarioRun) notePayment(st scenario.Step, ds []emulator.Delivery) {
	paying := (st.Kind == scenario.KindGateway && st.Target == "pay") ||
		(st.Kind == scenario.KindNotify && paymentNotifies[st.Target])
	if !paying {
		return
	}
	for _, d := range ds {
		if d.Acked {
			s.paidPending = true
			return
		}
	}
}

// settlePayment runs after step i passed: it lets the merchant's state
// settle to PAID (awaitPaid), keeping the reads as the step's exchanges. A
// setup step whose payment the merchant never books cannot proceed.
func (s *ScenarioRun) settlePayment(ctx context.Context, ev *evidence.Step, st scenario.Step, i int) {
	w, unpaid := s.awaitPaid(ctx, i)
	if w == nil {
		return
	}
	ev.Exchanges = append(ev.Exchanges, w.exchanges...)
	if unpaid != "" && st.Setup {
		ev.Verdict, ev.Reason = evidence.Errored, unpaid
		ev.Remedy = "Book a payment once you acknowledge its notify, so order_status reads it PAID within run.settle; this scenario's own rule was not reached."
	}
}

// awaitPaid runs after step i: when a payment is pending and a later step
// has the merchant act, it polls the merchant's order state until it reads
// PAID or run.settle passes. The scenario gives the floor up while it
// waits. The reads are kept as the step's exchanges. unpaid says why the
// later step cannot act on a paid order when the merchant answered every
// read and never read PAID; a setup step (setup.go) is ERRORED with it.
func (s *ScenarioRun) awaitPaid(ctx context.Context, i int) (out *result, unpaid string) {
	next := s.laterMerchantAct(i)
	if !s.paidPending || next < 0 || s.stopped != nil { // nothing acts after a step that did not pass
		return nil, ""
	}
	s.paidPending = false
	if !s.e.t.Merchant.Has(statusAction) {
		return nil, ""
	}
	if _, ok := s.vars["order"]; !ok {
		return nil, ""
	}
	s.release()
	read := scenario.Step{Kind: scenario.KindMerchant, Target: statusAction}
	paid := s.e.status("PAID")
	out = &result{}
	last, answered := "", false
	poll(ctx, s.e.t.Settle, func() bool {
		ar, res := s.callAction(ctx, read)
		out.exchanges = append(out.exchanges[:0], res.exchanges...)
		v, ok := ar.Captures["status"]
		last, answered = v, res.err == "" && ok
		return !answered || scenario.Match(paid, v, true)
	})
	if answered && !scenario.Match(paid, last, true) {
		st := s.sc.Steps[next]
		unpaid = fmt.Sprintf("the merchant acknowledged the payment, but %s still read %q after run.settle (%s), so step %d (%s) cannot act on a paid order",
			statusAction, last, s.e.t.Settle, next+1, st.Display())
	}
	return out, unpaid
}

// statusAction is the merchant action that reads an order's state.
const statusAction = "order_status"

// laterMerchantAct is the index of the first step after i that has the
// merchant act, or -1.
func (s *ScenarioRun) laterMerchantAct(i int) int {
	for j := i + 1; j < len(s.sc.Steps); j++ {
		if st := s.sc.Steps[j]; st.Kind == scenario.KindMerchant && acts(st) {
			return j
		}
	}
	return -1
}

package engine

import (
	"context"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/scenario"
)

// Operators act on what they can see. After the gateway tells the merchant
// an order is paid, a merchant that fulfils from a queue shows it PAID a
// moment later; an operator refunds or cancels only once it does. So when
// a scenario's payment was acknowledged and a later step asks the merchant
// to act, the engine first lets the merchant's state settle to PAID
// (bounded by run.settle, not judged): a queue-based merchant is never
// asked to refund an order it has not booked yet, on any gateway.

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

// awaitPaid runs after step i: when a payment is pending and a later step
// has the merchant act, it polls the merchant's order state until it reads
// PAID or run.settle passes. The scenario gives the floor up while it
// waits. The reads are kept as the step's exchanges.
func (s *ScenarioRun) awaitPaid(ctx context.Context, i int) *result {
	if !s.paidPending || !s.laterMerchantAct(i) {
		return nil
	}
	s.paidPending = false
	if !s.e.t.Merchant.Has(statusAction) {
		return nil
	}
	if _, ok := s.vars["order"]; !ok {
		return nil
	}
	s.release()
	read := scenario.Step{Kind: scenario.KindMerchant, Target: statusAction}
	paid := s.e.status("PAID")
	out := &result{}
	poll(ctx, s.e.t.Settle, func() bool {
		ar, res := s.callAction(ctx, read)
		out.exchanges = append(out.exchanges[:0], res.exchanges...)
		v, ok := ar.Captures["status"]
		return res.err != "" || !ok || scenario.Match(paid, v, true)
	})
	return out
}

// statusAction is the merchant action that reads an order's state.
const statusAction = "order_status"

// laterMerchantAct reports whether a step after i has the merchant act.
func (s *ScenarioRun) laterMerchantAct(i int) bool {
	for _, st := range s.sc.Steps[min(i+1, len(s.sc.Steps)):] {
		if st.Kind == scenario.KindMerchant && acts(st) {
			return true
		}
	}
	return false
}

package engine

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// lazyBooker acknowledges the notify at once and books the payment 80 ms
// later from its queue; until then a refund is refused with 409, as a
// careful merchant does for an order it has not seen paid.
type lazyBooker struct {
	fakeMerchant
	paidAt  atomic.Int64 // unix nanos; 0: not yet
	refunds atomic.Int32
	// neverBooks: the queue never books the payment.
	neverBooks bool
}

func (m *lazyBooker) Call(ctx context.Context, a string, vars map[string]any) (ActionResult, error) {
	booked := m.paidAt.Load() != 0 && time.Now().UnixNano() >= m.paidAt.Load() && !m.neverBooks
	switch a {
	case "refund":
		m.refunds.Add(1)
		if !booked {
			return ActionResult{Status: 409, Body: []byte(`{"error":"order is not paid yet"}`)}, nil
		}
		return ActionResult{Status: 200}, nil
	case "order_status":
		status := "pending"
		if booked {
			status = "paid"
		}
		return ActionResult{Status: 200, Captures: map[string]string{"status": status, "fulfilments": "1"}}, nil
	}
	return m.fakeMerchant.Call(ctx, a, vars)
}

// payingGateway starts the merchant's queue when it delivers the notify.
type payingGateway struct {
	*fakeGateway
	m *lazyBooker
}

func (g *payingGateway) Act(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	g.m.paidAt.Store(time.Now().Add(80 * time.Millisecond).UnixNano())
	return g.fakeGateway.Act(ctx, a)
}

const refundSrc = `id: E-REFUND
title: refund a paid order
gateway: fake
mandatory: true
steps:
  - merchant: checkout
    with: {amount: "15000.00"}
    capture: [order]
  - gateway_received: create_order
    capture: {ref: body.partnerReferenceNo}
  - gateway: pay
    order: "{{.ref}}"
  - merchant: refund
    with: {order: "{{.order}}"}
    expect: {status: 2xx}
`

// A queue-based merchant is refunded only once it shows the order PAID:
// the refund is asked once, and passes, serially and concurrently.
func TestOperator_RefundsOnlyWhatTheMerchantShowsPaid(t *testing.T) {
	for _, parallel := range []int{1, 4} {
		scs, errs := scenario.Parse("refund.yaml", []byte(refundSrc))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		g := &fakeGateway{deliveries: map[string][]emulator.Delivery{}, ack: true}
		m := &lazyBooker{fakeMerchant: fakeMerchant{g: g, actions: map[string]bool{"checkout": true, "order_status": true, "refund": true}}}
		e := New(Target{Gateway: &payingGateway{g, m}, Merchant: m, Parallel: parallel, Settle: 2 * time.Second})
		ev := e.Run(context.Background(), scs, Plan{}, Hooks{})[0]
		if ev.Verdict != evidence.Passed {
			t.Errorf("parallel %d: %s (%s)", parallel, ev.Verdict, ev.Reason)
		}
		if n := m.refunds.Load(); n != 1 {
			t.Errorf("parallel %d: the refund was asked %d times, want once", parallel, n)
		}
	}
}

// Without a way to read the order's state the engine cannot wait, and the
// merchant's refusal is judged as before.
func TestOperator_WithoutOrderStatusTheRefusalIsJudged(t *testing.T) {
	scs, errs := scenario.Parse("refund.yaml", []byte(refundSrc))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	g := &fakeGateway{deliveries: map[string][]emulator.Delivery{}, ack: true}
	m := &lazyBooker{fakeMerchant: fakeMerchant{g: g, actions: map[string]bool{"checkout": true, "refund": true}}}
	m.actions["order_status"] = false
	e := New(Target{Gateway: &payingGateway{g, m}, Merchant: &noStatus{m}, Settle: time.Second})
	if ev := e.Run(context.Background(), scs, Plan{}, Hooks{})[0]; ev.Verdict != evidence.Failed {
		t.Errorf("%s (%s), want FAILED on the 409", ev.Verdict, ev.Reason)
	}
}

type noStatus struct{ *lazyBooker }

func (n *noStatus) Has(a string) bool { return a != "order_status" }

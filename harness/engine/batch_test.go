package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// busyGateway is a thread-safe gateway that records merchant calls by
// arrival, each naming its order, as the emulators do.
type busyGateway struct {
	mu    sync.Mutex
	seq   int
	calls []emulator.Call
}

func (g *busyGateway) Name() string      { return "fake" }
func (g *busyGateway) APIs() []string    { return []string{"create_order", "refund_order"} }
func (g *busyGateway) Actions() []string { return []string{"pay"} }
func (g *busyGateway) Calls(api string) []emulator.Call {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []emulator.Call
	for _, c := range g.calls {
		if c.API == api {
			out = append(out, c)
		}
	}
	return out
}
func (g *busyGateway) Deliveries(string) []emulator.Delivery { return nil }
func (g *busyGateway) Act(context.Context, emulator.Action) (emulator.Result, error) {
	return emulator.Result{}, nil
}

func (g *busyGateway) call(api, order string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seq++
	g.calls = append(g.calls, emulator.Call{Seq: g.seq, API: api, Order: order,
		Exchange: evidence.Exchange{Request: evidence.Message{Body: `{"originalPartnerReferenceNo":"` + order + `"}`}}})
}

// queueMerchant answers at once and does the work later, from a queue:
// the refund reaches the gateway and the fulfilment webhook reaches the
// receiver after a delay, while other scenarios are acting.
type queueMerchant struct {
	g        *busyGateway
	rcv      *busyReceiver
	n        atomic.Int64
	reading  atomic.Int64 // order_status reads in flight
	overlaps atomic.Int64 // reads that began while another was in flight
}

func (m *queueMerchant) Has(string) bool { return true }
func (m *queueMerchant) Call(_ context.Context, a string, vars map[string]any) (ActionResult, error) {
	order, _ := vars["order"].(string)
	switch a {
	case "checkout":
		id := fmt.Sprintf("ORDER-%04d", m.n.Add(1))
		m.g.call("create_order", "REF-"+id)
		return ActionResult{Status: 200, Captures: map[string]string{"order": id}}, nil
	case "refund_later":
		go func() {
			time.Sleep(30 * time.Millisecond)
			m.g.call("refund_order", "REF-"+order)
			m.rcv.add("/hooks/fulfilment", `{"order_id":"`+order+`"}`)
		}()
		return ActionResult{Status: 202}, nil
	case "order_status":
		if m.reading.Add(1) > 1 {
			m.overlaps.Add(1)
		}
		defer m.reading.Add(-1)
		time.Sleep(5 * time.Millisecond)
		return ActionResult{Status: 200, Captures: map[string]string{"status": "refunded", "fulfilments": "1"}}, nil
	}
	return ActionResult{}, fmt.Errorf("no action %s", a)
}

type busyReceiver struct {
	mu  sync.Mutex
	cbs []Callback
}

func (r *busyReceiver) add(path, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cbs = append(r.cbs, Callback{Seq: len(r.cbs) + 1, Method: "POST", Path: path, Body: body})
}

func (r *busyReceiver) Callbacks() []Callback {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Callback(nil), r.cbs...)
}

const queueSrc = `id: Q-%02d
title: refund from a queue %d
gateway: fake
mandatory: true
steps:
  - merchant: checkout
    capture: [order]
    expect: {status: 2xx}
  - gateway_received: create_order
    capture: {ref: originalPartnerReferenceNo}
  - merchant: refund_later
    with: {order: "{{.order}}"}
  - gateway_received: refund_order
    within: 2s
    expect: {count: 1, body: {originalPartnerReferenceNo: "{{.ref}}"}}
  - receiver_got: /hooks/fulfilment
    within: 1s
    expect: {count: 1, body: {order_id: "{{.order}}"}}
  - merchant: order_status
    with: {order: "{{.order}}"}
    expect: {status_not: PAID, fulfilments: 1}
`

func queueScenarios(t *testing.T, n int) []*scenario.Scenario {
	t.Helper()
	var out []*scenario.Scenario
	for i := 1; i <= n; i++ {
		scs, errs := scenario.Parse(fmt.Sprintf("q%d.yaml", i), []byte(fmt.Sprintf(queueSrc, i, i)))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		out = append(out, scs...)
	}
	return out
}

func queueEngine(parallel int) (*Engine, *queueMerchant) {
	g := &busyGateway{}
	m := &queueMerchant{g: g, rcv: &busyReceiver{}}
	e := New(Target{Gateway: g, Merchant: m, Receiver: m.rcv, Parallel: parallel,
		Clocks: clock.NewTestClocks(clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))),
		Settle: time.Second, Hold: 80 * time.Millisecond})
	return e, m
}

// Scenarios running at once judge only what they caused: the refund call
// and the webhook a queue sends later land while other scenarios act, and
// each is still attributed to its own scenario by the order it names.
func TestLaunch_AttributesLateCallsAndCallbacksByOrderNotArrival(t *testing.T) {
	t.Parallel() // its own engines
	for _, parallel := range []int{1, 8} {
		t.Run(fmt.Sprintf("parallel %d", parallel), func(t *testing.T) {
			e, m := queueEngine(parallel)
			scs := queueScenarios(t, 12)
			var started []string
			out := e.Run(context.Background(), scs, Plan{}, Hooks{ScenarioStarted: func(sc *scenario.Scenario) { started = append(started, sc.ID) }})
			for i, ev := range out {
				if ev.Verdict != evidence.Passed {
					t.Errorf("%s: %s (%s)", ev.ID, ev.Verdict, ev.Reason)
				}
				if ev.ID != scs[i].ID || started[i] != scs[i].ID {
					t.Errorf("evidence %d is %s (hooks saw %s), want catalogue order %s", i, ev.ID, started[i], scs[i].ID)
				}
			}
			if parallel > 1 && m.overlaps.Load() == 0 {
				t.Error("no two scenarios ever watched the merchant's state at the same time: they did not run concurrently")
			}
			if parallel == 1 && m.overlaps.Load() != 0 {
				t.Errorf("--parallel 1 overlapped %d state reads", m.overlaps.Load())
			}
		})
	}
}

// A merchant whose queue refunds every order twice is caught by every
// scenario, concurrently as serially: attribution never hides a call.
func TestLaunch_ADoubleRefundFailsEveryScenario(t *testing.T) {
	t.Parallel() // it waits out receiver windows, on its own engines
	for _, parallel := range []int{1, 4} {
		t.Run(fmt.Sprintf("parallel %d", parallel), func(t *testing.T) {
			t.Parallel()
			e, m := queueEngine(parallel)
			e.t.Merchant = &doubleMerchant{queueMerchant: m}
			for _, ev := range e.Run(context.Background(), queueScenarios(t, 4), Plan{}, Hooks{}) {
				if ev.Verdict != evidence.Failed || !strings.Contains(ev.Reason, "refund_order calls: expected 1, got 2") {
					t.Errorf("%s: %s (%s), want FAILED at the refund", ev.ID, ev.Verdict, ev.Reason)
				}
			}
		})
	}
}

// doubleMerchant's queue sends each refund twice.
type doubleMerchant struct{ *queueMerchant }

func (m *doubleMerchant) Call(ctx context.Context, a string, vars map[string]any) (ActionResult, error) {
	if a == "refund_later" {
		order, _ := vars["order"].(string)
		go func() {
			time.Sleep(20 * time.Millisecond)
			m.g.call("refund_order", "REF-"+order)
			m.g.call("refund_order", "REF-"+order)
		}()
		return ActionResult{Status: 202}, nil
	}
	return m.queueMerchant.Call(ctx, a, vars)
}

// With fail-fast, scenarios not yet started when one fails are SKIPPED
// with the reason; the ones running finish; none is lost.
func TestLaunch_FailFastSkipsWhatHasNotStarted(t *testing.T) {
	t.Parallel() // its own engine
	e, m := queueEngine(2)
	e.t.Merchant = &doubleMerchant{queueMerchant: m}
	scs := queueScenarios(t, 8)
	out := e.Run(context.Background(), scs, Plan{FailFast: true}, Hooks{})
	if len(out) != len(scs) {
		t.Fatalf("%d results for %d scenarios", len(out), len(scs))
	}
	skipped := 0
	for _, ev := range out {
		switch {
		case ev.Verdict == evidence.Skipped && strings.Contains(ev.Reason, "--fail-fast"):
			skipped++
		case ev.Verdict != evidence.Failed:
			t.Errorf("%s: %s (%s)", ev.ID, ev.Verdict, ev.Reason)
		}
	}
	if skipped == 0 {
		t.Error("fail-fast skipped nothing")
	}
}

// Cancelling the run skips what has not started and reports the rest.
func TestLaunch_CancelledRunSkipsTheRest(t *testing.T) {
	e, _ := queueEngine(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, ev := range e.Run(ctx, queueScenarios(t, 3), Plan{}, Hooks{}) {
		if ev.Verdict != evidence.Skipped || ev.Reason != "run interrupted" {
			t.Errorf("%s: %s (%s), want SKIPPED: run interrupted", ev.ID, ev.Verdict, ev.Reason)
		}
	}
}

// A merchant may name one canonical state with several words (Midtrans
// "challenge" and "review" are both PENDING to uatrun).
func TestStatus_SeveralWordsPerState(t *testing.T) {
	e := New(Target{Statuses: map[string][]string{"PENDING": {"pending", "review", "chall.enge"}, "PAID": {"settled"}}})
	for _, tc := range []struct {
		state, word string
		want        bool
	}{
		{"PENDING", "review", true}, {"PENDING", "pending", true}, {"PENDING", "chall.enge", true},
		{"PENDING", "challenge", false}, {"PENDING", "reviewed", false}, {"PAID", "settled", true},
		{"paid", "settled", true}, {"EXPIRED", "expired", true}, {"PAID", "paid", false},
	} {
		if got := scenario.Match(e.status(tc.state), tc.word, true); got != tc.want {
			t.Errorf("%s matches %q: %v, want %v (matcher %q)", tc.state, tc.word, got, tc.want, e.status(tc.state))
		}
	}
}

// aloneMerchant counts state reads in flight; the exclusive scenario's
// reads (action status_alone) must never have company.
type aloneMerchant struct {
	*queueMerchant
	company atomic.Int64
}

func (m *aloneMerchant) Call(ctx context.Context, a string, vars map[string]any) (ActionResult, error) {
	if a != "status_alone" {
		return m.queueMerchant.Call(ctx, a, vars)
	}
	if m.reading.Add(1) > 1 {
		m.company.Add(1)
	}
	defer m.reading.Add(-1)
	time.Sleep(5 * time.Millisecond)
	return ActionResult{Status: 200, Captures: map[string]string{"status": "refunded", "fulfilments": "1"}}, nil
}

// An exclusive scenario (it changes gateway state every scenario shares)
// runs alone: it starts after the others running have finished, and none
// starts beside it.
func TestLaunch_AnExclusiveScenarioRunsAlone(t *testing.T) {
	e, m := queueEngine(8)
	alone := &aloneMerchant{queueMerchant: m}
	e.t.Merchant = alone
	scs := queueScenarios(t, 10)
	x, errs := scenario.Parse("x.yaml", []byte(`id: X-01
title: alone
gateway: fake
mandatory: true
exclusive: true
steps:
  - merchant: checkout
    capture: [order]
  - merchant: status_alone
    with: {order: "{{.order}}"}
    expect: {status_not: PAID, fulfilments: 1}
`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	scs = append(scs[:5:5], append(x, scs[5:]...)...)
	for _, ev := range e.Run(context.Background(), scs, Plan{}, Hooks{}) {
		if ev.Verdict != evidence.Passed {
			t.Errorf("%s: %s (%s)", ev.ID, ev.Verdict, ev.Reason)
		}
	}
	if n := alone.company.Load(); n != 0 {
		t.Errorf("the exclusive scenario's state reads had company %d times", n)
	}
	if m.overlaps.Load() == 0 {
		t.Error("the other scenarios did not run concurrently")
	}
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// fakeGateway records creates and answers pay with one delivery whose
// answer the test controls.
type fakeGateway struct {
	calls      []emulator.Call
	deliveries map[string][]emulator.Delivery
	ack        bool
}

func (g *fakeGateway) Name() string      { return "fake" }
func (g *fakeGateway) APIs() []string    { return []string{"create_order"} }
func (g *fakeGateway) Actions() []string { return []string{"pay"} }
func (g *fakeGateway) Calls(api string) []emulator.Call {
	return g.calls
}
func (g *fakeGateway) Deliveries(order string) []emulator.Delivery { return g.deliveries[order] }
func (g *fakeGateway) Act(_ context.Context, a emulator.Action) (emulator.Result, error) {
	if a.Name != "pay" && a.Name != "notify" {
		return emulator.Result{}, fmt.Errorf("%w %q", emulator.ErrUnknownAction, a.Name)
	}
	d := emulator.Delivery{Order: a.Order, Variant: "valid", Attempt: 1, Status: 200, Acked: g.ack, ResponseCode: "2005600"}
	if !g.ack {
		d.ResponseCode = "200"
	}
	g.deliveries[a.Order] = append(g.deliveries[a.Order], d)
	return emulator.Result{Deliveries: []emulator.Delivery{d}}, nil
}

// fakeMerchant creates an order on checkout and reports status.
type fakeMerchant struct {
	g          *fakeGateway
	actions    map[string]bool
	down       bool
	fulfilment string
	// state, when set, answers order_status by poll number (from 1), as a
	// merchant that fulfils from a queue would.
	state func(poll int) (status, fulfilments string)
	polls int
	// refusedWith, when set, makes the gateway refuse the create order
	// with this code and the merchant answer 502, as a shop does.
	refusedWith string
	notJSON     bool // order_status answers HTML
}

func (m *fakeMerchant) Has(a string) bool { return m.actions[a] }
func (m *fakeMerchant) Call(_ context.Context, a string, vars map[string]any) (ActionResult, error) {
	if m.down {
		return ActionResult{}, fmt.Errorf("%w: connection refused", ErrUnjudgeable)
	}
	switch a {
	case "checkout":
		seq := len(m.g.calls) + 1
		if m.refusedWith != "" {
			m.g.calls = append(m.g.calls, emulator.Call{Seq: seq, API: "create_order", ResponseCode: m.refusedWith,
				Hint: "validUpTo 2026-01-01T00:00:00+07:00 is not in the future",
				Exchange: evidence.Exchange{Response: &evidence.Message{Status: 400,
					Body: `{"responseCode":"` + m.refusedWith + `","responseMessage":"Invalid Field Format validUpTo"}`}}})
			return ActionResult{Status: 502, Body: []byte(`{"error":"gateway refused"}`)}, nil
		}
		m.g.calls = append(m.g.calls, emulator.Call{Seq: seq, API: "create_order", ResponseCode: "2005400",
			Signature: &evidence.SignatureCheck{Valid: true},
			Exchange:  evidence.Exchange{Request: evidence.Message{Body: fmt.Sprintf(`{"partnerReferenceNo":"ORD-%d","amount":{"value":"%s"}}`, seq, vars["amount"])}}})
		return ActionResult{Status: 200, Body: []byte(`{"order_id":"x"}`), Captures: map[string]string{"order": fmt.Sprintf("ORD-%d", seq)}}, nil
	case "order_status":
		if m.notJSON {
			return ActionResult{Status: 200, Body: []byte("<html>ok</html>")}, errors.New(`answer is not JSON (Content-Type text/html, starts "<html>ok</html>")`)
		}
		m.polls++
		status, n := "paid", m.fulfilment
		if m.state != nil {
			status, n = m.state(m.polls)
		}
		return ActionResult{Status: 200, Captures: map[string]string{"status": status, "fulfilments": n}}, nil
	}
	return ActionResult{}, fmt.Errorf("no action %s", a)
}

const paySrc = `id: E-PAY
title: pay
gateway: fake
family: pay
mandatory: true
steps:
  - merchant: checkout
    with: {amount: "15000.00"}
    capture: [order]
    expect: {status: 2xx}
  - gateway_received: create_order
    capture: {ref: body.partnerReferenceNo}
    expect: {signature: valid, response_code: "2005400", body: {amount.value: "~^\\d+\\.\\d{2}$"}}
  - gateway: pay
    order: "{{.ref}}"
  - notify_answered:
      order: "{{.order}}"
      expect: {acked: true, response_code: "2005600"}
  - clock: 24h
  - merchant: order_status
    if_missing: review
    with: {order: "{{.order}}"}
    expect: {status_is: PAID, fulfilments: 1}
`

func runPay(t *testing.T, tweak func(*fakeGateway, *fakeMerchant)) evidence.Scenario {
	t.Helper()
	scs, errs := scenario.Parse("pay.yaml", []byte(paySrc))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	g := &fakeGateway{deliveries: map[string][]emulator.Delivery{}, ack: true}
	m := &fakeMerchant{g: g, actions: map[string]bool{"checkout": true, "order_status": true}, fulfilment: "1"}
	tweak(g, m)
	e := New(Target{Gateway: g, Merchant: m, Clocks: clock.NewTestClocks(clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))),
		WaitWithin: 20 * time.Millisecond, Settle: 300 * time.Millisecond, Hold: 60 * time.Millisecond})
	return e.Run(context.Background(), scs, Plan{}, Hooks{})[0]
}

func TestRun_VerdictsFollowTheMerchantsBehaviour(t *testing.T) {
	for _, tc := range []struct {
		name       string
		tweak      func(*fakeGateway, *fakeMerchant)
		want       evidence.Verdict
		reasonHas  string
		failedStep int
	}{
		{"conforming merchant passes", func(*fakeGateway, *fakeMerchant) {}, evidence.Passed, "", -1},
		{"wrong ack fails at notify_answered", func(g *fakeGateway, _ *fakeMerchant) { g.ack = false }, evidence.Failed, "pay.yaml:16", 3},
		{"double fulfilment fails at order_status", func(_ *fakeGateway, m *fakeMerchant) { m.fulfilment = "2" }, evidence.Failed, "fulfilments: expected 1, got 2", 5},
		{"unreachable merchant is ERRORED", func(_ *fakeGateway, m *fakeMerchant) { m.down = true }, evidence.Errored, "connection refused", 0},
		{"no status action is REVIEW", func(_ *fakeGateway, m *fakeMerchant) { delete(m.actions, "order_status") }, evidence.Review, "a person must check", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := runPay(t, tc.tweak)
			if ev.Verdict != tc.want || !strings.Contains(ev.Reason, tc.reasonHas) {
				t.Fatalf("verdict %s (%s), want %s containing %q", ev.Verdict, ev.Reason, tc.want, tc.reasonHas)
			}
			for i, st := range ev.Steps {
				switch {
				case tc.failedStep < 0 || i < tc.failedStep:
					if st.Verdict != evidence.Passed {
						t.Errorf("step %d %s = %s (%s)", i, st.Name, st.Verdict, st.Reason)
					}
				case i > tc.failedStep && st.AfterFailure:
					// a state check judged after a FAILED step (outcome_test.go)
				case i > tc.failedStep && st.Verdict != evidence.Skipped:
					t.Errorf("step %d after the failure = %s, want SKIPPED", i, st.Verdict)
				}
			}
		})
	}
}

func TestSelect_LabelsAndRegexp(t *testing.T) {
	scs, _ := scenario.Parse("pay.yaml", []byte(paySrc))
	sel, err := Select(scs, Filter{Labels: "!pay"})
	if err == nil || !strings.Contains(err.Error(), `--labels "!pay" selects none of the 1 scenarios`) || !strings.Contains(sel.Skipped["E-PAY"], "--labels !pay") {
		t.Fatalf("a filter that selects nothing must be an error naming it: %+v %v", sel, err)
	}
	sel, _ = Select(scs, Filter{Labels: "mandatory && pay", Scenario: "^E-"})
	if len(sel.Run) != 1 {
		t.Fatalf("want E-PAY selected, got %+v", sel)
	}
	if _, err := Select(scs, Filter{Labels: "(("}); err == nil {
		t.Fatal("bad label expression accepted")
	}
}

// lateGateway has no delivery the first time it is asked and one after,
// as when a gateway notifies just after answering a merchant call.
type lateGateway struct {
	fakeGateway
	asked atomic.Int32
}

func (g *lateGateway) Deliveries(order string) []emulator.Delivery {
	if g.asked.Add(1) == 1 {
		return nil
	}
	return []emulator.Delivery{{Order: order, Variant: "valid", Attempt: 1, Status: 200, Acked: true, ResponseCode: "2005600"}}
}

func TestNotifyAnswered_WithinWaitsForALateDelivery(t *testing.T) {
	for _, tc := range []struct {
		within string
		want   evidence.Verdict
	}{
		{"\n      within: 2s", evidence.Passed},
		{"", evidence.Failed}, // no wait asked: the late delivery is missed
	} {
		src := "id: E-LATE\ntitle: late\ngateway: fake\nsteps:\n  - notify_answered:\n      order: ORD-1" +
			tc.within + "\n      expect: {acked: true}\n"
		scs, errs := scenario.Parse("late.yaml", []byte(src))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		g := &lateGateway{fakeGateway: fakeGateway{deliveries: map[string][]emulator.Delivery{}}}
		e := New(Target{Gateway: g, Merchant: &fakeMerchant{g: &g.fakeGateway}})
		if ev := e.Run(context.Background(), scs, Plan{}, Hooks{})[0]; ev.Verdict != tc.want {
			t.Errorf("within %q: %s (%s), want %s", tc.within, ev.Verdict, ev.Reason, tc.want)
		}
	}
}

// slowMerchant reports "pending" until its status has been read `after` times.
type slowMerchant struct {
	after int32
	reads atomic.Int32
}

func (m *slowMerchant) Has(string) bool { return true }
func (m *slowMerchant) Call(context.Context, string, map[string]any) (ActionResult, error) {
	status := "pending"
	if m.reads.Add(1) > m.after {
		status = "paid"
	}
	return ActionResult{Status: 200, Captures: map[string]string{"status": status}}, nil
}

func TestWait_PollsUntilTheMerchantCatchesUpOrTheBoundPasses(t *testing.T) {
	src := `id: E-WAIT
title: wait
gateway: fake
steps:
  - wait: order_status
    within: 1s
    until: {status_is: PAID}
`
	for _, tc := range []struct {
		after int32
		want  evidence.Verdict
	}{
		{2, evidence.Passed},       // paid on the third read
		{1 << 30, evidence.Failed}, // never paid: bounded, then FAILED
	} {
		scs, errs := scenario.Parse("wait.yaml", []byte(src))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		m := &slowMerchant{after: tc.after}
		e := New(Target{Gateway: &fakeGateway{deliveries: map[string][]emulator.Delivery{}}, Merchant: m})
		ev := e.Run(context.Background(), scs, Plan{}, Hooks{})[0]
		if ev.Verdict != tc.want {
			t.Errorf("after %d reads: %s (%s), want %s", tc.after, ev.Verdict, ev.Reason, tc.want)
		}
		if tc.want == evidence.Passed && m.reads.Load() != 3 {
			t.Errorf("read the status %d times, want 3 (stop as soon as it holds)", m.reads.Load())
		}
	}
}

func TestMerchantState_IsJudgedOnceItSettles(t *testing.T) {
	for _, tc := range []struct {
		name      string
		state     func(poll int) (string, string)
		want      evidence.Verdict
		reasonHas string
	}{
		{"fulfilled from a queue a few polls later", func(p int) (string, string) {
			if p < 4 {
				return "pending", "0"
			}
			return "paid", "1"
		}, evidence.Passed, ""},
		{"a late second fulfilment is caught while holding", func(p int) (string, string) {
			if p < 3 {
				return "paid", "1"
			}
			return "paid", "2"
		}, evidence.Failed, "merchant state held"},
		{"never settles", func(int) (string, string) { return "pending", "0" }, evidence.Failed, "merchant state settled"},
		{"fulfilled twice is final at once", func(int) (string, string) { return "paid", "2" }, evidence.Failed, "fulfilments: expected 1, got 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m *fakeMerchant
			got := runPay(t, func(_ *fakeGateway, fm *fakeMerchant) { m = fm; fm.state = tc.state })
			if got.Verdict != tc.want || !strings.Contains(got.Reason, tc.reasonHas) {
				t.Fatalf("verdict %s (%s), want %s containing %q", got.Verdict, got.Reason, tc.want, tc.reasonHas)
			}
			if tc.want == evidence.Passed && m.polls < 5 {
				t.Fatalf("passed after %d polls: the hold should have re-read the state", m.polls)
			}
			if strings.Contains(tc.name, "final at once") && m.polls != 1 {
				t.Fatalf("a fulfilment count above the expected one is final, yet the state was read %d times", m.polls)
			}
		})
	}
}

func TestFailedStep_NamesTheGatewaysRefusalAndASetupHint(t *testing.T) {
	got := runPay(t, func(_ *fakeGateway, m *fakeMerchant) { m.refusedWith = "4005401" })
	if got.Verdict != evidence.Failed {
		t.Fatalf("verdict %s, want FAILED", got.Verdict)
	}
	want := "Create Order answered 4005401 Invalid Field Format validUpTo: validUpTo 2026-01-01T00:00:00+07:00 is not in the future"
	if !strings.Contains(got.Reason, want) || !strings.Contains(got.Reason, "expected 2xx, got 502") {
		t.Fatalf("reason %q\nwant the gateway's answer %q and the merchant's 502", got.Reason, want)
	}
	fix := got.Steps[0].Remedy
	if !strings.Contains(fix, "Fix the refused gateway call first") || !strings.Contains(fix, "4005401") {
		t.Fatalf("remedy %q: a failed setup step should point at the refused call, not at the scenario's rule", fix)
	}
}

// A clock step whose triggered work hangs (a merchant that never answers a
// notify retry) is bounded by the step's time and ERRORED, not PASSED.
func TestClockStep_IsBoundedByTheStepTimeout(t *testing.T) {
	src := "id: E-CLOCK\ntitle: clock\ngateway: fake\nsteps:\n  - clock: 168h1m\n"
	scs, errs := scenario.Parse("clock.yaml", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	clocks := clock.NewTestClocks(clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	g := &fakeGateway{deliveries: map[string][]emulator.Delivery{}}
	e := New(Target{Gateway: g, Merchant: &fakeMerchant{g: g}, Clocks: clocks, StepTimeout: 50 * time.Millisecond})
	release := make(chan struct{})
	defer close(release)
	r := e.Start(scs[0])
	// A retry armed on this scenario's clock that blocks like an HTTP call
	// to a hanging notify endpoint.
	clocks.AfterFunc(time.Hour, func() { <-release })
	r.RunAll(context.Background())
	got := r.Finish(context.Background())
	if got.Verdict != evidence.Errored || !strings.Contains(got.Reason, "did not finish within the step's time") {
		t.Fatalf("verdict %s (%s), want ERRORED naming the unfinished work", got.Verdict, got.Reason)
	}
}

func TestMerchantStep_AnAnswerThatIsNotJSONIsNamedAsSuch(t *testing.T) {
	got := runPay(t, func(_ *fakeGateway, m *fakeMerchant) { m.notJSON = true })
	if got.Verdict != evidence.Errored || !strings.Contains(got.Reason, "not JSON") || strings.Contains(got.Reason, "add capture") {
		t.Fatalf("verdict %s (%s), want ERRORED saying the answer is not JSON, not advice to add a capture", got.Verdict, got.Reason)
	}
}

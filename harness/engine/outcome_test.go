package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

const forgedSrc = `id: E-FORGED
title: a forged notify is rejected and changes nothing
gateway: fake
family: signature
remedy: Verify the notify's signature and reject it when it does not verify.
steps:
  - merchant: checkout
    with: {amount: "15000.00"}
    capture: [order]
    expect: {status: 2xx}
  - notify: wrong_key
    order: "{{.order}}"
    expect: {acked: false}
  - clock: 1m
  - gateway_received: create_order
    expect: {count: 1}
  - merchant: order_status
    if_missing: review
    with: {order: "{{.order}}"}
    expect: {status_not: PAID, fulfilments: 0}
`

func runForged(t *testing.T, tweak func(*fakeGateway, *fakeMerchant)) evidence.Scenario {
	t.Helper()
	scs, errs := scenario.Parse("forged.yaml", []byte(forgedSrc))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	g := &fakeGateway{deliveries: map[string][]emulator.Delivery{}, ack: true}
	m := &fakeMerchant{g: g, actions: map[string]bool{"checkout": true, "order_status": true}}
	tweak(g, m)
	e := New(Target{Gateway: g, Merchant: m, Clocks: clock.NewTestClocks(clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))),
		Settle: 150 * time.Millisecond, Hold: 30 * time.Millisecond})
	return e.Run(context.Background(), scs, Plan{}, Hooks{})[0]
}

// A merchant that acknowledged a forged notify but changed nothing and one
// that fulfilled it both fail the acknowledgement rule, and the evidence
// tells them apart: the state check still runs after the failure.
func TestOutcome_IsJudgedAfterAFailedAcknowledgement(t *testing.T) {
	for _, tc := range []struct {
		name    string
		state   func(int) (string, string)
		outcome string
		step4   evidence.Verdict
		note    string
	}{
		{"acked but changed nothing", func(int) (string, string) { return "pending", "0" }, evidence.OutcomeHeld, evidence.Passed,
			"the outcome held: step 5 (merchant: order_status) passed"},
		{"acked and fulfilled", func(int) (string, string) { return "paid", "1" }, evidence.OutcomeWrong, evidence.Failed,
			"the outcome was wrong too: step 5 (merchant: order_status): order status: expected !paid, got paid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runForged(t, func(_ *fakeGateway, m *fakeMerchant) { m.state = tc.state })
			if got.Verdict != evidence.Failed || !strings.HasPrefix(got.Reason, "step 2 (notify: wrong_key") {
				t.Fatalf("verdict %s (%s), want FAILED naming the acknowledgement", got.Verdict, got.Reason)
			}
			if got.Outcome != tc.outcome || !strings.Contains(got.Reason, tc.note) {
				t.Errorf("outcome %q, reason %q; want %q and %q", got.Outcome, got.Reason, tc.outcome, tc.note)
			}
			want := []evidence.Verdict{evidence.Passed, evidence.Failed, evidence.Skipped, evidence.Skipped, tc.step4}
			for i, st := range got.Steps {
				if st.Verdict != want[i] || st.AfterFailure != (i == 4) {
					t.Errorf("step %d %s: %s after_failure=%v (%s); want %s, after_failure only on the state check",
						i+1, st.Name, st.Verdict, st.AfterFailure, st.Reason, want[i])
				}
			}
			if got.Fix() != "Verify the notify's signature and reject it when it does not verify." {
				t.Errorf("fix %q: the failed acknowledgement decides what to fix", got.Fix())
			}
			if st := got.Steps[4]; st.Remedy != "" || !strings.Contains(st.Reason, "does not decide the verdict") {
				t.Errorf("the state check after the failure: remedy %q reason %q", st.Remedy, st.Reason)
			}
		})
	}
}

// Acting steps never run after a failure: the clock does not move.
func TestOutcome_ActingStepsAfterAFailureDoNotRun(t *testing.T) {
	got := runForged(t, func(_ *fakeGateway, m *fakeMerchant) { m.state = func(int) (string, string) { return "pending", "0" } })
	if st := got.Steps[2]; st.Verdict != evidence.Skipped || !strings.HasPrefix(st.Reason, "not run: step 2") || len(st.Checks) != 0 {
		t.Fatalf("clock after the failure: %s (%s) %v", st.Verdict, st.Reason, st.Checks)
	}
}

// A state check that cannot be judged after the failure is SKIPPED with
// its reason; it is never REVIEW or ERRORED for a scenario already failed.
func TestOutcome_AStateCheckThatCannotBeJudgedIsSkipped(t *testing.T) {
	got := runForged(t, func(_ *fakeGateway, m *fakeMerchant) { delete(m.actions, "order_status") })
	st := got.Steps[4]
	if st.Verdict != evidence.Skipped || !strings.Contains(st.Reason, "not judged after step 2") || !st.AfterFailure {
		t.Fatalf("step 5: %s (%s) after_failure=%v", st.Verdict, st.Reason, st.AfterFailure)
	}
	if got.Verdict != evidence.Failed || got.Outcome != "" {
		t.Fatalf("verdict %s outcome %q (%s)", got.Verdict, got.Outcome, got.Reason)
	}
}

// When the run could not judge a step, nothing after it is judged.
func TestOutcome_NothingIsJudgedAfterAnErroredStep(t *testing.T) {
	got := runForged(t, func(_ *fakeGateway, m *fakeMerchant) { m.down = true })
	if got.Verdict != evidence.Errored || got.Outcome != "" {
		t.Fatalf("verdict %s outcome %q", got.Verdict, got.Outcome)
	}
	for _, st := range got.Steps[1:] {
		if st.Verdict != evidence.Skipped || st.AfterFailure {
			t.Errorf("step %s: %s after_failure=%v", st.Name, st.Verdict, st.AfterFailure)
		}
	}
}

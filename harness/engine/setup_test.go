package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

const setupRefundSrc = `id: E-SETUP
title: a paid order is refunded
gateway: fake
family: refund
remedy: Refund through Refund Order with a unique partnerRefundNo.
setup:
  - merchant: checkout
    with: {amount: "15000.00"}
    capture: [order]
    expect: {status: 2xx}
  - gateway_received: create_order
    capture: {ref: body.partnerReferenceNo}
  - gateway: pay
    order: "{{.ref}}"
steps:
  - merchant: refund
    with: {order: "{{.order}}"}
    expect: {status: 2xx}
`

func runSetup(t *testing.T, src string, tweak func(*lazyBooker)) evidence.Scenario {
	t.Helper()
	scs, errs := scenario.Parse("setup.yaml", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	g := &fakeGateway{deliveries: map[string][]emulator.Delivery{}, ack: true}
	m := &lazyBooker{fakeMerchant: fakeMerchant{g: g, actions: map[string]bool{"checkout": true, "order_status": true, "refund": true}}}
	tweak(m)
	e := New(Target{Gateway: &payingGateway{g, m}, Merchant: m, Settle: 300 * time.Millisecond})
	return e.Run(context.Background(), scs, Plan{}, Hooks{})[0]
}

// A refund scenario whose order cannot even be created says nothing about
// refunds: ERRORED, naming the setup step and the gateway's refusal.
func TestSetup_AStepThatCannotProceedIsErroredNotFailed(t *testing.T) {
	got := runSetup(t, setupRefundSrc, func(m *lazyBooker) { m.refusedWith = "4005401" })
	if got.Verdict != evidence.Errored || !strings.HasPrefix(got.Reason, "step 1 (merchant: checkout at setup.yaml:7)") ||
		!strings.Contains(got.Reason, setupPrefix) || !strings.Contains(got.Reason, "Create Order answered 4005401") {
		t.Fatalf("verdict %s (%s), want ERRORED naming the setup step and the refusal", got.Verdict, got.Reason)
	}
	st := got.Steps[0]
	if !st.Setup || len(st.Checks) == 0 || st.Checks[0].OK {
		t.Errorf("the setup step keeps its failed check and is marked setup: %+v", st)
	}
	if !strings.Contains(got.Fix(), "Fix the refused gateway call first") || strings.Contains(got.Fix(), "partnerRefundNo") {
		t.Errorf("fix %q: a setup step's fix is to get the scenario going, not the scenario's rule", got.Fix())
	}
	if rest := got.Steps[3]; rest.Verdict != evidence.Skipped || rest.Setup {
		t.Errorf("the rule's step: %s setup=%v", rest.Verdict, rest.Setup)
	}
}

// The same steps without a setup: section keep today's verdict: the
// failed checkout is FAILED.
func TestSetup_WithoutASetupSectionAFailedStepIsFailed(t *testing.T) {
	src := strings.Replace(strings.Replace(setupRefundSrc, "setup:\n", "steps:\n", 1), "steps:\n  - merchant: refund", "  - merchant: refund", 1)
	got := runSetup(t, src, func(m *lazyBooker) { m.refusedWith = "4005401" })
	if got.Verdict != evidence.Failed || got.Steps[0].Setup {
		t.Fatalf("verdict %s (%s), want FAILED", got.Verdict, got.Reason)
	}
}

// A setup payment the merchant acknowledges but never shows PAID cannot
// lead to a refund of a paid order: ERRORED with that reason, the refund
// not asked.
func TestSetup_APaymentTheMerchantNeverBooksIsErrored(t *testing.T) {
	got := runSetup(t, setupRefundSrc, func(m *lazyBooker) { m.neverBooks = true })
	if got.Verdict != evidence.Errored || !strings.Contains(got.Reason, "step 3 (gateway: pay") ||
		!strings.Contains(got.Reason, `order_status still read "pending"`) || !strings.Contains(got.Reason, "step 4 (merchant: refund) cannot act on a paid order") {
		t.Fatalf("verdict %s (%s), want ERRORED naming the unbooked payment", got.Verdict, got.Reason)
	}
	if got.Steps[3].Verdict != evidence.Skipped {
		t.Errorf("the refund ran: %s", got.Steps[3].Verdict)
	}
	if !strings.Contains(got.Fix(), "Book a payment once you acknowledge its notify") {
		t.Errorf("fix %q", got.Fix())
	}
}

func TestSetup_AConformingMerchantPasses(t *testing.T) {
	if got := runSetup(t, setupRefundSrc, func(*lazyBooker) {}); got.Verdict != evidence.Passed {
		t.Fatalf("verdict %s (%s)", got.Verdict, got.Reason)
	}
}

const setupHoldSrc = `id: E-SETUP-HOLD
title: a setup state read waits for the state but does not hold it
gateway: fake
family: refund
%s:
  - merchant: order_status
    with: {order: "o-1"}
    expect: {status_is: PAID, fulfilments: 1}
steps:
  - merchant: order_status
    with: {order: "o-1"}
    expect: {status_is: PAID}
`

// A "fulfilled once" read in setup only reaches the state; holding it is
// the rule of the scenarios about fulfilment. The same read as a judged
// step holds it for run.hold and fails when a second fulfilment lands.
func TestSetup_AStateReadInSetupIsNotHeld(t *testing.T) {
	run := func(section string) evidence.Scenario {
		src := strings.Replace(setupHoldSrc, "%s", section, 1)
		if section == "steps" { // one steps: list holding both reads
			src = strings.Replace(src, "steps:\n  - merchant: order_status\n    with: {order: \"o-1\"}\n    expect: {status_is: PAID}\n",
				"  - merchant: order_status\n    with: {order: \"o-1\"}\n    expect: {status_is: PAID}\n", 1)
		}
		scs, errs := scenario.Parse("hold.yaml", []byte(src))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		m := &fakeMerchant{actions: map[string]bool{"order_status": true}, state: func(poll int) (string, string) {
			if poll == 1 {
				return "paid", "1"
			}
			return "paid", "2" // a second fulfilment lands after the first read
		}}
		e := New(Target{Gateway: &fakeGateway{deliveries: map[string][]emulator.Delivery{}}, Merchant: m,
			Settle: 300 * time.Millisecond, Hold: 60 * time.Millisecond})
		return e.Run(context.Background(), scs, Plan{}, Hooks{})[0]
	}
	if got := run("setup"); got.Verdict != evidence.Passed || !got.Steps[0].Setup {
		t.Errorf("in setup: %s (%s), want PASSED without a hold", got.Verdict, got.Reason)
	}
	if got := run("steps"); got.Verdict != evidence.Failed || !strings.Contains(got.Reason, "run.hold") {
		t.Errorf("judged: %s (%s), want FAILED by the hold", got.Verdict, got.Reason)
	}
}

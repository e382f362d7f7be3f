package reporters

import (
	"github.com/uatrun/uatrun/harness/evidence"
)

// targetSecret and querySecret stand for credentials a merchant base URL
// could carry; no report may show them.
const (
	targetSecret = "hunter2-base-url-password"
	querySecret  = "tok-9f8e7d6c5b4a"
)

const (
	notifyFix = "Answer the finish_notify with responseCode 4015600 in the JSON body, the code the gateway documents for this case (it answered 2005600)."
	statusFix = "Your app answered status \"settled\", which merchant.statuses maps to no state: if it means PAID, add it (merchant.statuses: {PAID: [paid, settled]}); otherwise the order did not reach PAID."
)

// findingsRun is a run with every field added since the first format: the
// merchant build, a shuffled order, programs the config runs, setup steps,
// checks judged after a failure, a FAILED scenario whose outcome was wrong
// too and one whose outcome held, a scenario ERRORED by its setup, and
// per-check fixes (all of a step's failed checks with one, and only some).
func findingsRun() *evidence.Run {
	run := fixtureRun()
	run.ID = "run-20260302-101500-f1nd"
	m := &run.Meta
	m.MerchantVersion = "v2.3.1 (commit 4e5f6a7)"
	m.Order = "shuffled, seed 42"
	m.Filter = ""
	m.Target = "http://shop:" + targetSecret + "@127.0.0.1:8080/?token=" + querySecret
	m.Commands = []evidence.Command{
		{Action: "checkout", Program: "php", Env: []string{"SHOP_DB_URL"}, At: "uatrun.yaml:12:5"},
		{Action: "order_status", Program: "./bin/status"},
	}
	run.Scenarios = []evidence.Scenario{forgedNotifyScenario(), heldScenario(), setupErroredScenario(), mixedFixScenario()}
	run.Summary = evidence.Summarise(run.Scenarios)
	return run
}

// setupCheckout is a passing setup step.
func setupCheckout(at int) evidence.Step {
	s := step(0, "merchant", "merchant: checkout", evidence.Passed, 200, at)
	s.Setup = true
	s.Checks = []evidence.Check{{What: "status", Expected: "2xx", Actual: "201", OK: true}}
	s.Exchanges = []evidence.Exchange{checkoutExchange(at)}
	return s
}

func forgedNotifyScenario() evidence.Scenario {
	sc := scenario("DANA-SIG-04", "Forged finish notify is refused and changes nothing", "bad-signature", true, evidence.Failed, 190, 100)
	sc.Outcome = evidence.OutcomeWrong
	sc.Reason = "notify_answered: the merchant acknowledged a forged notify; the outcome was wrong too: step 3 (merchant: order_status): order is PAID, want PENDING"
	s1 := step(1, "notify", "notify: forged", evidence.Failed, 204, 120)
	s1.Reason = "notify_answered: responseCode 2005600, want 4015600"
	s1.Remedy = notifyFix
	s1.Checks = []evidence.Check{
		{What: "status", Expected: "4xx", Actual: "200", OK: false, Fix: notifyFix},
	}
	s2 := step(2, "merchant", "merchant: order_status", evidence.Failed, 210, 140)
	s2.AfterFailure = true
	s2.Reason = "status_is: order is PAID, want PENDING (judged after step 2 (notify: forged) failed, to record the outcome; it does not decide the verdict)"
	s2.Checks = []evidence.Check{{What: "status_is", Expected: "PENDING", Actual: "PAID", OK: false}}
	sc.Steps = []evidence.Step{setupCheckout(110), s1, s2}
	return sc
}

func heldScenario() evidence.Scenario {
	sc := scenario("DANA-REFUND-04", "A refund beyond the paid amount is refused", "refund", true, evidence.Failed, 230, 300)
	sc.Outcome = evidence.OutcomeHeld
	sc.Reason = "the merchant answered the refund it should have refused; the outcome held: step 3 (merchant: order_status) passed"
	s1 := step(1, "merchant", "merchant: refund", evidence.Failed, 240, 320)
	s1.Reason = "status: 200, want 4xx"
	s1.Remedy = "Refuse a refund whose amount exceeds what is left to refund on the order."
	s1.Checks = []evidence.Check{{What: "status", Expected: "4xx", Actual: "200", OK: false}}
	s2 := step(2, "merchant", "merchant: order_status", evidence.Passed, 246, 340)
	s2.AfterFailure = true
	s2.Reason = "judged after step 2 (merchant: refund) failed, to record the outcome; it does not decide the verdict"
	s2.Checks = []evidence.Check{{What: "refunded", Expected: "0.00", Actual: "0.00", OK: true}}
	sc.Steps = []evidence.Step{setupCheckout(310), s1, s2}
	return sc
}

func setupErroredScenario() evidence.Scenario {
	sc := scenario("DANA-CANCEL-02", "Cancel within 24 hours voids the order", "cancel", true, evidence.Errored, 260, 500)
	sc.Reason = "setup could not proceed, so the rule under test was not reached: step 1 (merchant: checkout): status 500, want 2xx"
	s0 := step(0, "merchant", "merchant: checkout", evidence.Errored, 264, 510)
	s0.Setup = true
	s0.Reason = "setup could not proceed, so the rule under test was not reached: status 500, want 2xx"
	s0.Remedy = "Make checkout succeed: the cancel rule is judged on a paid order."
	s0.Checks = []evidence.Check{{What: "status", Expected: "2xx", Actual: "500", OK: false}}
	s1 := step(1, "merchant", "merchant: cancel", evidence.Skipped, 270, 520)
	s1.Reason = "not run: setup could not proceed"
	sc.Steps = []evidence.Step{s0, s1}
	return sc
}

func mixedFixScenario() evidence.Scenario {
	sc := scenario("DANA-PAY-07", "Paid order shows as paid", "pay", true, evidence.Failed, 280, 700)
	sc.Reason = "status_is: order is \"settled\", want PAID"
	s0 := step(0, "merchant", "merchant: order_status", evidence.Failed, 284, 710)
	s0.Reason = "status_is: order is \"settled\", want PAID"
	s0.Remedy = statusFix + " Also: Mark the order paid when the finish notify says 00."
	s0.Checks = []evidence.Check{
		{What: "status_is", Expected: "PAID", Actual: "settled", OK: false, Fix: statusFix},
		{What: "fulfilments", Expected: "1", Actual: "0", OK: false},
	}
	sc.Steps = []evidence.Step{s0}
	return sc
}

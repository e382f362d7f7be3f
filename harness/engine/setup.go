package engine

import (
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// A scenario's setup: section only reaches the state under test: an order
// created, paid, notified. When a setup step cannot proceed, the rule
// under test was never reached, so the scenario is ERRORED naming the step
// and its reason, never FAILED: a refund scenario whose checkout the
// merchant refuses says nothing about refunds (the pack's create
// scenarios judge that). A setup step is judged as any other step; only
// the verdict of one that does not pass changes. REVIEW and SKIPPED keep
// their own meaning.

// setupPrefix starts the reason of a setup step that could not proceed.
const setupPrefix = "setup could not proceed, so the rule under test was not reached: "

// cannotProceed turns a setup step that failed into ERRORED, keeping its
// checks and its remedy (what to fix to get the scenario going).
func cannotProceed(ev *evidence.Step, st scenario.Step) {
	if !st.Setup || (ev.Verdict != evidence.Failed && ev.Verdict != evidence.Errored) {
		return
	}
	ev.Verdict = evidence.Errored
	ev.Reason = setupPrefix + ev.Reason
}

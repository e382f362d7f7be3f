package demo

import (
	"strings"

	"github.com/uatrun/uatrun/harness/evidence"
)

// setupReason starts the reason of a setup: step that could not proceed
// (harness/engine/setup.go); the scenario's reason quotes it.
const setupReason = "setup could not proceed, so the rule under test was not reached: "

// setupStopped reports whether an ERRORED scenario stopped in its setup:
// section: the first step that did not pass is a setup step, ERRORED with
// the engine's setup reason. Such a scenario never reached its rule, so
// under a fault of the reference merchant (a broken checkout, a payment
// never booked) ERRORED is its right verdict; the fault's own scenario
// judges the fault.
func setupStopped(sc evidence.Scenario) bool {
	if sc.Verdict != evidence.Errored {
		return false
	}
	for _, st := range sc.Steps {
		if st.Verdict == evidence.Passed {
			continue
		}
		return st.Setup && st.Verdict == evidence.Errored && strings.HasPrefix(st.Reason, setupReason) &&
			strings.Contains(sc.Reason, setupReason)
	}
	return false
}

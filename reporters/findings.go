package reporters

import (
	"fmt"
	"strings"

	"github.com/uatrun/uatrun/harness/evidence"
)

// What the engine records beside the verdicts (docs/evidence.md, "How a
// scenario's steps are recorded"): the outcome a FAILED scenario's later
// state checks found, the steps that only reach the state under test, the
// checks judged after the failure and the fix of each failed check. Every
// one is optional: a document written before them renders as it did.

// Labels the reports give those findings, the same in every format.
const (
	labelOutcomeWrong = "outcome also wrong"
	labelOutcomeHeld  = "outcome held: acknowledgement only"
	labelSetup        = "setup"
	labelSetupErrored = "rule not reached: setup could not proceed"
	labelAfterFailure = "judged after the failure, informational"
)

// OutcomeLabel names what a FAILED scenario's outcome checks found:
// "outcome also wrong" when the merchant's state was wrong too, "outcome
// held: acknowledgement only" when only the acknowledgement was; "" when
// the scenario did not fail or no outcome was judged.
func OutcomeLabel(sc *evidence.Scenario) string {
	if sc == nil || sc.Verdict != evidence.Failed {
		return ""
	}
	switch sc.Outcome {
	case evidence.OutcomeWrong:
		return labelOutcomeWrong
	case evidence.OutcomeHeld:
		return labelOutcomeHeld
	}
	return ""
}

// outcomeClass is the CSS class of the outcome badge.
func outcomeClass(sc *evidence.Scenario) string {
	switch OutcomeLabel(sc) {
	case labelOutcomeWrong:
		return "outcome-wrong"
	case labelOutcomeHeld:
		return "outcome-held"
	}
	return ""
}

// decidingStep is the step that decided a scenario's verdict: the first
// that neither passed nor was skipped (nil when none).
func decidingStep(sc *evidence.Scenario) *evidence.Step {
	for i := range sc.Steps {
		if v := sc.Steps[i].Verdict; v != evidence.Passed && v != evidence.Skipped {
			return &sc.Steps[i]
		}
	}
	return nil
}

// setupErrored reports a scenario ERRORED because a setup step could not
// proceed: the rule it tests was never reached, so it says nothing about
// that rule.
func setupErrored(sc *evidence.Scenario) bool {
	if sc.Verdict != evidence.Errored {
		return false
	}
	st := decidingStep(sc)
	return st != nil && st.Setup
}

// stepLabels are the tags a step carries besides its verdict.
func stepLabels(st *evidence.Step) []string {
	var out []string
	if st.Setup {
		out = append(out, labelSetup)
	}
	if st.AfterFailure {
		out = append(out, labelAfterFailure)
	}
	return out
}

// ownFixes reports whether every failed check of st carries its own fix:
// the step's remedy, built from them, then says nothing more.
func ownFixes(st *evidence.Step) bool {
	bad := failedChecks(st)
	if len(bad) == 0 {
		return false
	}
	for _, c := range bad {
		if c.Fix == "" {
			return false
		}
	}
	return true
}

// stepRemedy is the step's "what to fix" block: its remedy, less the
// fixes already shown beside its failed checks. The engine builds the
// remedy from those fixes, joined by " Also: ", each failed check without
// one standing for the scenario's remedy; what is left is that remedy. A
// remedy not built that way is shown whole.
func stepRemedy(st *evidence.Step) string {
	if ownFixes(st) || st.Remedy == "" {
		return ""
	}
	shown := map[string]bool{}
	for _, c := range failedChecks(st) {
		if c.Fix != "" {
			shown[c.Fix] = true
		}
	}
	if len(shown) == 0 {
		return st.Remedy
	}
	var rest []string
	for _, part := range strings.Split(st.Remedy, remedySep) {
		if !shown[part] {
			rest = append(rest, part)
		}
	}
	return strings.Join(rest, remedySep)
}

// remedySep joins the fixes a step's remedy is built from.
const remedySep = " Also: "

// orderWord is how the scenarios were ordered: as the packs list them
// unless the run says it shuffled them (with the seed to repeat it).
func orderWord(m evidence.Meta) string {
	if m.Order == "" {
		return "file order"
	}
	return m.Order
}

// merchantVersion is the merchant build under test, or says it was not
// named: a sign-off that names no build proves nothing about a release.
func merchantVersion(m evidence.Meta) string {
	if m.MerchantVersion == "" {
		return "not given (uatrun run --merchant-version)"
	}
	return m.MerchantVersion
}

// commandLine describes one program the config runs.
func commandLine(c evidence.Command) string {
	s := fmt.Sprintf("%s → %s", firstNonEmpty(c.Action, "action"), c.Program)
	if len(c.Env) > 0 {
		s += " (env: " + strings.Join(c.Env, ", ") + ")"
	}
	if c.At != "" {
		s += " at " + c.At
	}
	return s
}

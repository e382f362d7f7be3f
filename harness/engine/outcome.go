package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// Acknowledgement and outcome are separate rules, and the evidence keeps
// both. When a step FAILS (the merchant acknowledged a forged notify,
// answered a refund it should have refused), the scenario's later checks
// of the merchant's own state still run: the merchant that acked a forged
// notify but changed nothing must read differently from the one that
// fulfilled it. Those checks are marked AfterFailure, never decide the
// verdict (the first failed step does, and its remedy is the scenario's
// fix) and say in the scenario's reason whether the outcome was wrong too.
//
// Only reads of the merchant's state run (merchant state checks, wait,
// receiver_got): a step that acts (a notify, a clock move, a merchant
// action) would build on a state the scenario never meant to reach, and a
// check of the route (gateway_received, notify_answered) adds nothing to
// the failure already found. After a step that is ERRORED, REVIEW or
// SKIPPED nothing is judged: the run could not judge the merchant.

// judgesOutcome reports whether step st still runs after the scenario
// stopped: a read of the merchant's state after a FAILED step.
func (r *ScenarioRun) judgesOutcome(st scenario.Step) bool {
	if r.stopped.Verdict != evidence.Failed {
		return false
	}
	switch st.Kind {
	case scenario.KindWait, scenario.KindReceiverGot:
		return true
	case scenario.KindMerchant:
		return !acts(st)
	}
	return false
}

// outcome runs a state check after the failure. It is PASSED or FAILED as
// judged; a check that cannot be judged (an action the config lacks, a
// capture the failed step never took) is SKIPPED with its reason.
func (r *ScenarioRun) outcome(ctx context.Context, st scenario.Step, i int) evidence.Step {
	ev := r.exec(ctx, st, i)
	ev.AfterFailure, ev.Remedy = true, ""
	after := fmt.Sprintf("judged after step %d (%s) failed, to record the outcome; it does not decide the verdict",
		r.stopped.Index+1, r.stopped.Name)
	switch ev.Verdict {
	case evidence.Passed:
		ev.Reason = after
	case evidence.Failed:
		r.wrong = append(r.wrong, fmt.Sprintf("step %d (%s): %s", i+1, ev.Name, ev.Reason))
		ev.Reason += " (" + after + ")"
	default:
		ev.Verdict = evidence.Skipped
		ev.Reason = fmt.Sprintf("not judged after step %d (%s) failed: %s", r.stopped.Index+1, r.stopped.Name, ev.Reason)
	}
	return ev
}

// outcomeFound is the scenario's Outcome: what the checks judged after the
// failure found.
func (r *ScenarioRun) outcomeFound() string {
	switch {
	case len(r.wrong) > 0:
		return evidence.OutcomeWrong
	case len(r.held()) > 0:
		return evidence.OutcomeHeld
	}
	return ""
}

// outcomeNote is what the scenario's reason adds about the outcome.
func (r *ScenarioRun) outcomeNote() string {
	if len(r.wrong) > 0 {
		return "the outcome was wrong too: " + strings.Join(r.wrong, "; ")
	}
	if held := r.held(); len(held) > 0 {
		return "the outcome held: " + strings.Join(held, ", ") + " passed"
	}
	return ""
}

// held lists the steps judged after the failure that passed.
func (r *ScenarioRun) held() []string {
	var out []string
	for _, st := range r.out.Steps {
		if st.AfterFailure && st.Verdict == evidence.Passed {
			out = append(out, fmt.Sprintf("step %d (%s)", st.Index+1, st.Name))
		}
	}
	return out
}

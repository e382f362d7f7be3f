package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// ScenarioRun is one scenario in progress. Call Step for each step in
// order (or RunAll), then Finish, which runs the teardown and returns the
// evidence. A step that does not pass decides the verdict and stops the
// scenario: later steps are SKIPPED with a reason, except that after a
// FAILED step the later checks of the merchant's state still run, to
// record the outcome (outcome.go); teardown always runs.
type ScenarioRun struct {
	e        *Engine
	sc       *scenario.Scenario
	vars     map[string]any
	callMark int
	cbMark   int
	out      evidence.Scenario
	stopped  *evidence.Step // the step that stopped the scenario
	// wrong: state checks judged after a FAILED step that failed too
	// (outcome.go), as "step N (name): reason".
	wrong   []string
	started time.Time
	clk     *clock.Fake // this scenario's test clock; nil without Clocks
	// whole: the scenario holds one attribution window from Start to
	// Finish (Parallel 1), so no step takes the floor.
	whole   bool
	holding bool // the scenario holds the floor (floor.go)
	// paidPending: the merchant acknowledged a payment and has not been
	// seen PAID yet (operator.go).
	paidPending bool
}

// Start begins a scenario on a test clock of its own, starting at the wall
// clock, so nothing an earlier scenario did to time carries over.
func (e *Engine) Start(sc *scenario.Scenario) *ScenarioRun {
	vars := map[string]any{"scenario_id": sc.ID, "run_id": e.t.RunID}
	for k, v := range sc.Vars {
		vars[k] = v
	}
	r := &ScenarioRun{e: e, sc: sc, vars: vars, callMark: e.callMark(), cbMark: e.callbackMark(), started: time.Now()}
	if e.t.Clocks != nil {
		r.clk = e.t.Clocks.New()
	}
	if e.t.Parallel <= 1 {
		r.whole = true
		e.open(r)
	}
	r.out = evidence.Scenario{
		ID: sc.ID, Title: sc.Title, Gateway: sc.Gateway, Family: sc.Family, Mandatory: sc.Mandatory, Tier: sc.Tier,
		Labels: sc.AllLabels(), MapsTo: sc.MapsTo, File: sc.Pos.File, Line: sc.Pos.Line, At: r.stamp(),
	}
	return r
}

// Scenario is the scenario being run.
func (r *ScenarioRun) Scenario() *scenario.Scenario { return r.sc }

// Step runs step i (0-based) and returns its evidence.
func (r *ScenarioRun) Step(ctx context.Context, i int) evidence.Step {
	st := r.sc.Steps[i]
	var ev evidence.Step
	switch {
	case r.stopped == nil:
		ev = r.exec(ctx, st, i)
		if ev.Verdict != evidence.Passed {
			r.stopped = &ev
		}
	case r.judgesOutcome(st):
		ev = r.outcome(ctx, st, i)
	default:
		ev = r.skipped(st, i, fmt.Sprintf("not run: step %d (%s) did not pass", r.stopped.Index+1, r.stopped.Name))
	}
	r.out.Steps = append(r.out.Steps, ev)
	return ev
}

// RunAll runs every step in order.
func (r *ScenarioRun) RunAll(ctx context.Context) {
	for i := range r.sc.Steps {
		r.Step(ctx, i)
	}
}

// Finish runs the teardown (always) and returns the scenario's evidence
// with its verdict.
func (r *ScenarioRun) Finish(ctx context.Context) evidence.Scenario {
	// A runner may stop calling Step after a failure (Ginkgo's Ordered
	// containers do); the evidence still lists every step.
	for i := len(r.out.Steps); i < len(r.sc.Steps); i++ {
		r.Step(ctx, i)
	}
	for i, st := range r.sc.Teardown {
		ev := r.exec(ctx, st, len(r.sc.Steps)+i)
		ev.Name = "teardown: " + ev.Name
		r.out.Steps = append(r.out.Steps, ev)
	}
	r.release()
	if r.whole {
		r.e.close(r)
	}
	r.out.Verdict, r.out.Reason = r.verdict()
	r.out.Outcome = r.outcomeFound()
	r.out.DurationMS = ms(time.Since(r.started))
	return r.out
}

// verdict is the one place that decides a scenario's outcome: the first
// step that did not pass decides it, and the reason says whether the
// state checks judged after it found the outcome wrong too; neither those
// nor the teardown ever change it.
func (r *ScenarioRun) verdict() (evidence.Verdict, string) {
	if r.stopped == nil {
		return evidence.Passed, ""
	}
	reason := fmt.Sprintf("step %d (%s at %s:%d): %s",
		r.stopped.Index+1, r.stopped.Name, r.stopped.File, r.stopped.Line, r.stopped.Reason)
	if note := r.outcomeNote(); note != "" {
		reason += "; " + note
	}
	return r.stopped.Verdict, reason
}

// exec runs one step with a timeout and fills the common evidence fields.
func (r *ScenarioRun) exec(ctx context.Context, st scenario.Step, i int) evidence.Step {
	ctx, cancel := context.WithTimeout(ctx, r.e.t.StepTimeout+st.Within)
	defer cancel()
	if r.clk != nil {
		ctx = clock.NewContext(ctx, r.clk)
	}
	start := time.Now()
	ev := evidence.Step{Index: i, Kind: st.Kind, Name: st.Display(), File: st.Pos.File, Line: st.Pos.Line, Col: st.Pos.Col,
		Setup: st.Setup, At: r.stamp()}
	mark := r.e.callMark()
	res := r.act(ctx, st)
	if st.Or != nil && res.err == "" && res.failed() {
		res = either(st, res, r.act(ctx, *st.Or))
	}
	ev.Checks, ev.Exchanges = res.checks, res.exchanges
	ev.Verdict, ev.Reason = res.verdict()
	if ev.Verdict == evidence.Failed || ev.Verdict == evidence.Errored {
		var refusals []string
		if st.Kind == scenario.KindMerchant || st.Kind == scenario.KindWait {
			refusals = r.refusals(mark)
			explain(&ev, refusals)
		}
		if ev.Verdict == evidence.Failed {
			ev.Remedy = r.remedy(st, ev.Checks, refusals)
		}
	}
	ev.DurationMS = ms(time.Since(start))
	r.keepFloor(i, ev.Verdict == evidence.Passed)
	if ev.Verdict == evidence.Passed {
		r.settlePayment(ctx, &ev, st, i)
	}
	cannotProceed(&ev, st)
	return ev
}

func (r *ScenarioRun) skipped(st scenario.Step, i int, why string) evidence.Step {
	return evidence.Step{Index: i, Kind: st.Kind, Name: st.Display(), File: st.Pos.File, Line: st.Pos.Line,
		Col: st.Pos.Col, Verdict: evidence.Skipped, Reason: why, At: r.stamp()}
}

// act dispatches a step, holding the floor while it acts (see floor.go).
// A scenario keeps the floor across consecutive acting steps, so what one
// step arms for the merchant's next call (respond_next) is met by this
// scenario's next step, never by another scenario's.
func (r *ScenarioRun) act(ctx context.Context, st scenario.Step) *result {
	if r.whole {
		return r.dispatch(ctx, st)
	}
	if !acts(st) {
		r.release()
		return r.dispatch(ctx, st)
	}
	if !r.holding {
		if err := r.e.enter(ctx, r); err != nil {
			return errored("waiting for another scenario to finish acting: %v", err)
		}
		r.holding = true
	}
	return r.dispatch(ctx, st)
}

// release gives the floor up if this scenario holds it.
func (r *ScenarioRun) release() {
	if r.holding {
		r.holding = false
		r.e.leave(r)
	}
}

// keepFloor releases the floor after step i unless the scenario's next
// step acts too.
func (r *ScenarioRun) keepFloor(i int, passed bool) {
	if !r.holding {
		return
	}
	steps := append(r.sc.Steps[:len(r.sc.Steps):len(r.sc.Steps)], r.sc.Teardown...)
	if passed && i+1 < len(steps) && acts(steps[i+1]) {
		return
	}
	r.release()
}

// acts reports whether a step changes something (and so holds the floor):
// a gateway action, a notify, a clock move, or a merchant action that is
// not a read of the merchant's order state.
func acts(st scenario.Step) bool {
	switch st.Kind {
	case scenario.KindGateway, scenario.KindNotify, scenario.KindClock:
		return true
	case scenario.KindMerchant:
		return !anyKey(st.Expect, stateKeys)
	}
	return false
}

func (r *ScenarioRun) dispatch(ctx context.Context, st scenario.Step) *result {
	switch st.Kind {
	case scenario.KindMerchant:
		return r.merchant(ctx, st)
	case scenario.KindWait:
		return r.wait(ctx, st)
	case scenario.KindGatewayReceived:
		return r.gatewayReceived(ctx, st)
	case scenario.KindGateway:
		return r.gateway(ctx, st)
	case scenario.KindNotify:
		return r.notify(ctx, st)
	case scenario.KindNotifyAnswered:
		return r.notifyAnswered(ctx, st)
	case scenario.KindClock:
		return r.clock(ctx, st)
	case scenario.KindReceiverGot:
		return r.receiverGot(ctx, st)
	}
	return errored("unknown step kind %q", st.Kind)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

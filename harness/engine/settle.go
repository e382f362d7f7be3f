package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/scenario"
)

// Merchant state is eventual: a merchant that acknowledges a notify and
// fulfils from a queue reaches its final state some time later. A step
// that checks the merchant's own order state therefore polls until its
// expectations hold (bounded by Target.Settle), and then "never" and
// "exactly once" claims must keep holding for Target.Hold, so a late
// second fulfilment or a forged notify processed late is still caught.

// stateKeys are the expectations on the merchant's own order state.
var stateKeys = map[string]bool{"status_is": true, "status_not": true, "fulfilments": true, "refunded": true}

// holdKeys are the claims that must stay true, not merely become true:
// "fulfilled exactly N times" and "never in this state".
var holdKeys = map[string]bool{"status_not": true, "fulfilments": true}

func anyKey(exps []scenario.Expectation, keys map[string]bool) bool {
	for _, e := range exps {
		if keys[e.Key] {
			return true
		}
	}
	return false
}

// settle runs a state-checking merchant step: poll until the expectations
// hold or Settle passes, then watch the hold claims for Hold.
func (s *ScenarioRun) settle(ctx context.Context, st scenario.Step) (ActionResult, *result) {
	bound := s.e.t.Settle
	var ar ActionResult
	var res *result
	poll(ctx, bound, func() bool {
		ar, res = s.callAction(ctx, st)
		if res.err != "" {
			return true // unreachable or misconfigured: waiting will not help
		}
		s.checkAction(st, ar, res)
		return !res.failed() || alreadyBroken(res)
	})
	if res.err != "" {
		return ar, res
	}
	if res.failed() {
		if !alreadyBroken(res) {
			res.checks = append(res.checks, falseCheck("merchant state settled",
				"within "+bound.String()+" (run.settle)", "it did not; the last answer is shown"))
		}
		return ar, res
	}
	// A setup step only reaches the state the scenario's rule is about:
	// it waits for that state but does not hold it (whether it stays is
	// another scenario's rule), so setups cost no hold window.
	if hold := s.e.t.Hold; hold > 0 && !st.Setup && anyKey(st.Expect, holdKeys) {
		return s.hold(ctx, st, ar, res, hold)
	}
	return ar, res
}

// hold re-reads the merchant's state until hold has passed since the
// claims first held; the first change fails the step.
func (s *ScenarioRun) hold(ctx context.Context, st scenario.Step, ar ActionResult, res *result, hold time.Duration) (ActionResult, *result) {
	start := time.Now()
	pause := min(hold/5, 100*time.Millisecond)
	for time.Since(start) < hold {
		select {
		case <-ctx.Done():
			res.err = "the step's time ran out while watching the merchant's state: " + ctx.Err().Error()
			return ar, res
		case <-time.After(pause):
		}
		again, r := s.callAction(ctx, st)
		if r.err != "" {
			return again, r
		}
		s.checkAction(st, again, r)
		if r.failed() {
			r.exchanges = append(res.exchanges, r.exchanges...)
			r.checks = append(r.checks, falseCheck("merchant state held",
				"unchanged for "+hold.String()+" (run.hold)", fmt.Sprintf("it changed %s after it first held", time.Since(start).Round(time.Millisecond))))
			return again, r
		}
		ar = again
	}
	res.checks = append(res.checks, checkOf("merchant state held", "unchanged for "+hold.String()+" (run.hold)", "unchanged", true))
	return ar, res
}

// alreadyBroken reports whether a failed state check can no longer come
// right, so waiting for it to settle is pointless: the order is in a state
// it must never be in, or it was fulfilled more often than expected
// (fulfilments only ever go up).
func alreadyBroken(res *result) bool {
	for _, c := range res.checks {
		if c.OK {
			continue
		}
		switch c.What {
		case "order status":
			if strings.HasPrefix(c.Expected, "!") {
				return true
			}
		case "fulfilments":
			if got, err := strconv.Atoi(c.Actual); err == nil && scenario.CountPast(c.Expected, got) {
				return true
			}
		}
	}
	return false
}

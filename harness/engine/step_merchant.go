package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// merchant calls one merchant action and checks its answer.
func (s *ScenarioRun) merchant(ctx context.Context, st scenario.Step) *result {
	if res := s.missingAction(st); res != nil {
		return res
	}
	var ar ActionResult
	var res *result
	if anyKey(st.Expect, stateKeys) {
		ar, res = s.settle(ctx, st)
	} else {
		ar, res = s.callAction(ctx, st)
		if res.err == "" {
			s.checkAction(st, ar, res)
		}
	}
	if res.err != "" || res.failed() {
		return res
	}
	for name, from := range st.Capture {
		v, ok := ar.Captures[from]
		if !ok {
			res.err = firstNonEmpty(res.answerErr, fmt.Sprintf("merchant action %q does not capture %q; add capture: {%s: <json path>} to merchant.actions.%s in the config", st.Target, from, from, st.Target))
			return res
		}
		s.vars[name] = v
		s.e.captured(s, v)
	}
	return res
}

// wait polls a merchant action until its expectations hold or the bound
// passes. It waits on the merchant (real time), never on a gateway timer.
func (s *ScenarioRun) wait(ctx context.Context, st scenario.Step) *result {
	if res := s.missingAction(st); res != nil {
		return res
	}
	within := s.within(st.Within)
	var res *result
	poll(ctx, within, func() bool {
		var ar ActionResult
		ar, res = s.callAction(ctx, st)
		if res.err != "" {
			return false
		}
		s.checkAction(st, ar, res)
		return !res.failed()
	})
	if res.err == "" && res.failed() {
		res.checks = append(res.checks, falseCheck("waited", "expectations to hold within "+within.String(), "they did not"))
	}
	return res
}

// missingAction handles a step whose action the config does not define.
func (s *ScenarioRun) missingAction(st scenario.Step) *result {
	if s.e.t.Merchant.Has(st.Target) {
		return nil
	}
	why := fmt.Sprintf("the config defines no merchant action %q", st.Target)
	switch st.IfMissing {
	case "review":
		return &result{review: why + ", so this cannot be judged automatically; a person must check it"}
	case "skip":
		return &result{skip: why}
	}
	return errored("%s; add it under merchant.actions", why)
}

// callAction renders the step's parameters and calls the driver.
func (s *ScenarioRun) callAction(ctx context.Context, st scenario.Step) (ActionResult, *result) {
	res := &result{}
	with, err := s.e.renderMap(st.With, s.vars)
	if err != nil {
		return ActionResult{}, errored("%v", err)
	}
	vars := make(map[string]any, len(s.vars)+len(with))
	for k, v := range s.vars {
		vars[k] = v
	}
	for k, v := range with {
		vars[k] = v
	}
	ar, err := s.e.t.Merchant.Call(ctx, st.Target, vars)
	if ar.Exchange.ID != "" || ar.Exchange.Request.URL != "" || ar.Exchange.Error != "" {
		res.exchanges = append(res.exchanges, ar.Exchange)
	}
	switch {
	case err != nil && (errors.Is(err, ErrUnjudgeable) || ar.Status == 0):
		res.err = fmt.Sprintf("merchant action %q: %v", st.Target, err)
	case err != nil:
		res.answerErr = fmt.Sprintf("merchant action %q: %v", st.Target, err)
	}
	return ar, res
}

// checkAction evaluates merchant expectations against an answer.
func (s *ScenarioRun) checkAction(st scenario.Step, ar ActionResult, res *result) {
	exps, err := s.matchers(st)
	if err != nil {
		res.err = err.Error()
		return
	}
	for _, e := range exps {
		switch e.Key {
		case "status":
			res.check("HTTP status", e.Matcher, itoa(ar.Status), ar.Status != 0)
			res.explainLast(answerReading(ar))
		case "status_is", "status_not":
			v, ok := ar.Captures["status"]
			if !ok {
				res.err = firstNonEmpty(res.answerErr, fmt.Sprintf("merchant action %q must capture status to check %s; add capture: {status: <json path>}", st.Target, e.Key))
				return
			}
			m := s.e.status(e.Matcher)
			if e.Key == "status_not" {
				m = "!" + m
			}
			res.check("order status", m, v, true)
			if e.Key == "status_is" {
				res.fixLast(s.e.statusWordFix(e.Matcher, v))
			}
		case "fulfilments", "refunded":
			v, ok := ar.Captures[e.Key]
			if !ok {
				res.err = firstNonEmpty(res.answerErr, fmt.Sprintf("merchant action %q must capture %s to check it; add capture: {%s: <json path>}", st.Target, e.Key, e.Key))
				return
			}
			res.check(e.Key, e.Matcher, v, true)
		case "body":
			res.checkJSON("answer", ar.Body, e.Path, e.Matcher)
		}
	}
}

// answerReading says how an answer's judged status was read when it is
// not simply the HTTP status: a command's exit status, or an answer the
// action's refused_when reads as a refusal.
func answerReading(ar ActionResult) string {
	got := ar.Exchange.Response
	switch {
	case ar.Status == 0 || got == nil:
		return ""
	case ar.Exchange.Request.Method == "EXEC" && got.Status == ar.Status:
		return "the command's exit status, " + exitOf(ar.Status)
	case got.Status != ar.Status:
		return fmt.Sprintf("the merchant answered %d; the action's refused_when reads it as a refusal", got.Status)
	}
	return ""
}

// exitOf names the exit status a command answer's status stands for
// (README: exit 0 answers, exit 1 refuses).
func exitOf(status int) string {
	if status >= 200 && status < 300 {
		return "0: answered"
	}
	return "1: refused"
}

func falseCheck(what, expected, actual string) evidence.Check {
	return evidence.Check{What: what, Expected: expected, Actual: actual, OK: false}
}

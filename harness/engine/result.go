package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// result collects what a step found.
type result struct {
	checks    []evidence.Check
	exchanges []evidence.Exchange
	err       string // ERRORED reason
	// answerErr is what the driver said about an answer it got but could
	// not read (not JSON, a capture path missing): shown instead of
	// "add capture" advice when a capture is then missing.
	answerErr string
	skip      string // SKIPPED reason
	review    string // REVIEW reason
}

func errored(format string, args ...any) *result {
	return &result{err: fmt.Sprintf(format, args...)}
}

// verdictOf decides a step: an error beats everything, then review and
// skip, then any failed check.
func (r *result) verdict() (evidence.Verdict, string) {
	switch {
	case r.err != "":
		return evidence.Errored, r.err
	case r.review != "":
		return evidence.Review, r.review
	case r.skip != "":
		return evidence.Skipped, r.skip
	}
	var failed []string
	for _, c := range r.checks {
		if !c.OK {
			failed = append(failed, fmt.Sprintf("%s: expected %s, got %s", c.What, c.Expected, clip(c.Actual, 200)))
		}
	}
	if len(failed) > 0 {
		return evidence.Failed, strings.Join(failed, "; ")
	}
	return evidence.Passed, ""
}

func (r *result) failed() bool {
	for _, c := range r.checks {
		if !c.OK {
			return true
		}
	}
	return false
}

// check records one comparison.
func (r *result) check(what, matcher, actual string, exists bool) {
	shown := actual
	if !exists {
		shown = "(absent)"
	}
	r.checks = append(r.checks, evidence.Check{What: what, Expected: matcher, Actual: shown, OK: scenario.Match(matcher, actual, exists)})
}

// explainLast adds how the last check's actual value was read, when
// there is something to say.
func (r *result) explainLast(how string) {
	if how == "" || len(r.checks) == 0 {
		return
	}
	r.checks[len(r.checks)-1].Actual += " (" + how + ")"
}

// checkJSON checks a gjson path in a JSON document.
func (r *result) checkJSON(what string, doc []byte, path, matcher string) {
	v := gjson.GetBytes(doc, path)
	r.check(what+"."+path, matcher, v.String(), v.Exists())
}

// expectations renders each expectation's matcher over vars.
func (s *ScenarioRun) matchers(st scenario.Step) ([]scenario.Expectation, error) {
	out := make([]scenario.Expectation, len(st.Expect))
	for i, e := range st.Expect {
		m, err := s.e.render(e.Matcher, s.vars)
		if err != nil {
			return nil, err
		}
		e.Matcher = m
		out[i] = e
	}
	return out, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// either combines a step whose checks failed with its 'or' alternative.
// When the alternative holds the step passes, and the evidence keeps the
// first reading's findings as information, so it shows which of the
// documented ways the merchant took.
func either(st scenario.Step, first, alt *result) *result {
	out := &result{exchanges: append(append([]evidence.Exchange(nil), first.exchanges...), alt.exchanges...)}
	if alt.err != "" || alt.failed() {
		out.checks = append(append(out.checks, first.checks...), alt.checks...)
		out.err = alt.err
		return out
	}
	out.checks = append(out.checks, checkOf("accepted reading", st.Display()+" or "+st.Or.Display(), st.Or.Display(), true))
	for _, c := range first.checks {
		if !c.OK {
			c.Actual += " (not required: the other reading held)"
			c.OK = true
		}
		out.checks = append(out.checks, c)
	}
	out.checks = append(out.checks, alt.checks...)
	return out
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// gatewayReceived asserts on the merchant's calls to one emulator API made
// during this scenario.
func (s *ScenarioRun) gatewayReceived(ctx context.Context, st scenario.Step) *result {
	exps, err := s.matchers(st)
	if err != nil {
		return errored("%v", err)
	}
	calls := s.pollCalls(ctx, st, exps)
	res := &result{}
	for _, e := range exps {
		switch e.Key {
		case "count":
			res.check(st.Target+" calls", e.Matcher, itoa(len(calls)), true)
		case "violations":
			s.checkViolations(res, calls, e.Matcher)
		}
	}
	call, pickErr := pick(calls, st.Call)
	if pickErr != "" && len(calls) == 0 {
		_, borrowed := s.split(st.Target, s.callMark)
		pickErr += borrowedNote(borrowed)
	}
	if pickErr != "" {
		if needsCall(exps, st) {
			res.checks = append(res.checks, falseCheck(st.Target+" call", "the merchant to call "+st.Target, pickErr))
		}
		return res
	}
	res.exchanges = append(res.exchanges, call.Exchange)
	s.checkCall(res, call, exps)
	if res.failed() {
		return res
	}
	for name, from := range st.Capture {
		v, ok := fromCall(call, from)
		if !ok {
			res.checks = append(res.checks, falseCheck("capture "+name, from+" present in the "+st.Target+" call", "absent"))
			return res
		}
		s.vars[name] = v
		s.e.captured(s, v)
	}
	return res
}

// pollCalls waits (bounded) until a count expectation holds or at least one
// call arrived, because a merchant may call the gateway asynchronously.
func (s *ScenarioRun) pollCalls(ctx context.Context, st scenario.Step, exps []scenario.Expectation) []emulator.Call {
	var calls []emulator.Call
	need, _ := strconv.Atoi(st.Call) // "call: 2" waits for a second call
	poll(ctx, s.within(st.Within), func() bool {
		calls = s.calls(st.Target)
		return countSatisfied(calls, exps) && len(calls) >= need || countPast(len(calls), exps)
	})
	return calls
}

// countPast reports whether n calls or callbacks are already more than a
// count expectation allows: they only ever grow, so the step is judged
// now instead of waiting out its window.
func countPast(n int, exps []scenario.Expectation) bool {
	for _, e := range exps {
		if e.Key == "count" && scenario.CountPast(e.Matcher, n) {
			return true
		}
	}
	return false
}

func countSatisfied(calls []emulator.Call, exps []scenario.Expectation) bool {
	for _, e := range exps {
		if e.Key == "count" {
			return scenario.Match(e.Matcher, itoa(len(calls)), true)
		}
	}
	return len(calls) > 0
}

func needsCall(exps []scenario.Expectation, st scenario.Step) bool {
	if len(st.Capture) > 0 {
		return true
	}
	for _, e := range exps {
		if e.Key != "count" && e.Key != "violations" {
			return true
		}
	}
	return false
}

// calls returns this scenario's calls to one API.
func (s *ScenarioRun) calls(api string) []emulator.Call {
	return s.own(api, s.callMark)
}

// own keeps the calls after mark that are this scenario's (floor.go).
// Ownership is learnt from every call in arrival order, so an order's
// first call decides its owner whichever API a step asks about.
func (s *ScenarioRun) own(api string, mark int) []emulator.Call {
	mine, _ := s.split(api, mark)
	return mine
}

// split divides the calls after mark into this scenario's and those that
// arrived while it acted but name an order another scenario created — a
// merchant that reuses a reference across orders.
// Ownership is learnt from every call in arrival order; which calls
// belong to api is the emulator's to say (an API may group others), and
// AnyAPI keeps every call.
func (s *ScenarioRun) split(api string, mark int) (mine, borrowed []emulator.Call) {
	var of map[int]bool
	if api != AnyAPI {
		of = map[int]bool{}
		for _, c := range s.e.t.Gateway.Calls(api) {
			of[c.Seq] = true
		}
	}
	all := s.e.allCalls()
	owners := s.e.ownerOf(all)
	for i, c := range all {
		switch {
		case c.Seq <= mark || (of != nil && !of[c.Seq]):
		case owners[i] == s:
			mine = append(mine, c)
		case s.e.actedDuring(s, c.Seq):
			borrowed = append(borrowed, c)
		}
	}
	return mine, borrowed
}

// borrowedNote explains calls this scenario caused that name another
// scenario's order, for a step that found none of its own.
func borrowedNote(borrowed []emulator.Call) string {
	if len(borrowed) == 0 {
		return ""
	}
	c := borrowed[len(borrowed)-1]
	return fmt.Sprintf(" (%d call(s) arrived while this scenario acted but named order %q, which an earlier scenario created: does the merchant reuse a reference across orders?)", len(borrowed), c.Order)
}

// AnyAPI as a gateway_received target judges every call the merchant made
// during the scenario, whatever the API (e.g. X-EXTERNAL-ID reuse across
// Create Order and Cancel Order of one order).
const AnyAPI = "any"

// pick selects the call a step judges: last (default), first or 1-based n.
func pick(calls []emulator.Call, which string) (emulator.Call, string) {
	if len(calls) == 0 {
		return emulator.Call{}, "no call was made during this scenario"
	}
	switch which {
	case "", "last":
		return calls[len(calls)-1], ""
	case "first":
		return calls[0], ""
	}
	n, err := strconv.Atoi(which)
	if err != nil || n < 1 || n > len(calls) {
		return emulator.Call{}, fmt.Sprintf("call %s asked for, but only %d call(s) were made", which, len(calls))
	}
	return calls[n-1], ""
}

func (s *ScenarioRun) checkViolations(res *result, calls []emulator.Call, matcher string) {
	var all []string
	for _, c := range calls {
		for _, v := range c.Violations {
			all = append(all, fmt.Sprintf("call #%d: %s", c.Seq, v))
		}
	}
	actual := strings.Join(all, "; ")
	if matcher == "none" {
		res.checks = append(res.checks, checkOf("protocol violations", "none", firstNonEmpty(actual, "none"), len(all) == 0))
		if len(all) > 0 {
			res.fixLast(violationFix(all))
		}
		return
	}
	res.check("protocol violations", matcher, actual, len(all) > 0)
}

// checkCall evaluates per-call expectations.
func (s *ScenarioRun) checkCall(res *result, c emulator.Call, exps []scenario.Expectation) {
	for _, e := range exps {
		switch e.Key {
		case "signature":
			actual, detail := "absent", ""
			if c.Signature != nil {
				actual, detail = "invalid", c.Signature.Detail
				if c.Signature.Valid {
					actual = "valid"
				}
			}
			if actual != "valid" && detail != "" {
				actual += " (" + detail + ")"
			}
			res.checks = append(res.checks, checkOf("signature", e.Matcher, actual, strings.HasPrefix(actual, e.Matcher) && e.Matcher != ""))
			res.fixLast(signatureFix(c, e.Matcher, actual))
		case "response_code":
			res.check("gateway responseCode", e.Matcher, c.ResponseCode, c.ResponseCode != "")
			res.fixLast(refusedCallFix(c, e.Matcher))
		case "body":
			res.checkJSON("request", []byte(c.Exchange.Request.Body), e.Path, e.Matcher)
		case "response":
			body := ""
			if c.Exchange.Response != nil {
				body = c.Exchange.Response.Body
			}
			res.checkJSON("response", []byte(body), e.Path, e.Matcher)
		case "headers":
			v, ok := header(c.Exchange.Request.Headers, e.Path)
			res.check("header "+e.Path, e.Matcher, v, ok)
		}
	}
}

// fromCall reads body.x, response.x or header.X from a call.
func fromCall(c emulator.Call, from string) (string, bool) {
	kind, path, _ := strings.Cut(from, ".")
	switch kind {
	case "body":
		v := gjson.Get(c.Exchange.Request.Body, path)
		return v.String(), v.Exists()
	case "response":
		if c.Exchange.Response == nil {
			return "", false
		}
		v := gjson.Get(c.Exchange.Response.Body, path)
		return v.String(), v.Exists()
	case "header":
		return header(c.Exchange.Request.Headers, path)
	}
	v := gjson.Get(c.Exchange.Request.Body, from)
	return v.String(), v.Exists()
}

func header(h map[string][]string, name string) (string, bool) {
	vs, ok := h[http.CanonicalHeaderKey(name)]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// gateway performs a control action on the emulator.
func (s *ScenarioRun) gateway(ctx context.Context, st scenario.Step) *result {
	order, params, err := s.actionInputs(st)
	if err != nil {
		return errored("%v", err)
	}
	r, err := s.e.t.Gateway.Act(ctx, emulator.Action{Name: st.Target, Order: order, Params: params})
	res := &result{exchanges: r.Exchanges}
	if err != nil {
		return actErr(res, st, err)
	}
	s.notePayment(st, r.Deliveries)
	return res
}

// notify sends a crafted notify and checks how the merchant answered it.
func (s *ScenarioRun) notify(ctx context.Context, st scenario.Step) *result {
	order, params, err := s.actionInputs(st)
	if err != nil {
		return errored("%v", err)
	}
	params["variant"] = st.Target
	if st.Copies > 0 {
		params["copies"] = itoa(st.Copies)
	}
	r, err := s.e.t.Gateway.Act(ctx, emulator.Action{Name: "notify", Order: order, Params: params})
	res := &result{exchanges: r.Exchanges}
	if err != nil {
		return actErr(res, st, err)
	}
	exps, err := s.matchers(st)
	if err != nil {
		return errored("%v", err)
	}
	checkDeliveries(res, r.Deliveries, exps)
	s.notePayment(st, r.Deliveries)
	return res
}

func (s *ScenarioRun) actionInputs(st scenario.Step) (string, map[string]string, error) {
	order, err := s.e.render(st.Order, s.vars)
	if err != nil {
		return "", nil, err
	}
	params, err := s.e.renderMap(st.With, s.vars)
	return order, params, err
}

func actErr(res *result, st scenario.Step, err error) *result {
	if errors.Is(err, emulator.ErrUnknownAction) {
		res.err = fmt.Sprintf("%s step: %v", st.Kind, err)
		return res
	}
	if errors.Is(err, emulator.ErrOrderState) {
		res.checks = append(res.checks, checkOf("order at the gateway",
			"an order in a state that allows "+st.Target,
			err.Error(), false))
		return res
	}
	res.err = fmt.Sprintf("%s %s: %v", st.Kind, st.Target, err)
	return res
}

func checkOf(what, expected, actual string, ok bool) evidence.Check {
	return evidence.Check{What: what, Expected: expected, Actual: actual, OK: ok}
}

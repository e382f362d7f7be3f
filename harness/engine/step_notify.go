package engine

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// notifyAnswered checks how the merchant answered the notifies delivered
// for an order (by pay, expiry, retries on the virtual clock, …).
func (s *ScenarioRun) notifyAnswered(ctx context.Context, st scenario.Step) *result {
	order, err := s.e.render(st.Order, s.vars)
	if err != nil {
		return errored("%v", err)
	}
	if order == "" {
		return errored("notify_answered needs order: the order reference, e.g. order: \"{{.order}}\"")
	}
	exps, err := s.matchers(st)
	if err != nil {
		return errored("%v", err)
	}
	// Deliveries caused by the gateway's own timers are done when Act or
	// the clock step returns; only deliveries the gateway sends after
	// answering a merchant call can still be in flight, so a step may ask
	// to wait for them with 'within' (no default wait here).
	var res *result
	poll(ctx, st.Within, func() bool {
		res = s.checkAnswered(order, st, exps)
		return !res.failed()
	})
	return res
}

func (s *ScenarioRun) checkAnswered(order string, st scenario.Step, exps []scenario.Expectation) *result {
	all := s.e.t.Gateway.Deliveries(order)
	res := &result{}
	for _, e := range exps {
		if e.Key == "attempts" {
			res.check("notify deliveries", e.Matcher, itoa(len(all)), true)
		}
	}
	picked, why := pickDeliveries(all, st.Attempt)
	if why != "" {
		res.checks = append(res.checks, falseCheck("notify delivery", "a notify delivered for order "+order, why))
		return res
	}
	for _, d := range picked {
		res.exchanges = append(res.exchanges, d.Exchange)
	}
	checkDeliveries(res, picked, exps)
	return res
}

func pickDeliveries(all []emulator.Delivery, which string) ([]emulator.Delivery, string) {
	if len(all) == 0 {
		return nil, "no notify was delivered for this order"
	}
	switch which {
	case "", "last":
		return all[len(all)-1:], ""
	case "first":
		return all[:1], ""
	case "all":
		return all, ""
	}
	n, err := strconv.Atoi(which)
	if err != nil || n < 1 || n > len(all) {
		return nil, fmt.Sprintf("delivery %s asked for, but %d were made", which, len(all))
	}
	return all[n-1 : n], ""
}

// checkDeliveries applies delivery expectations to every delivery given.
func checkDeliveries(res *result, ds []emulator.Delivery, exps []scenario.Expectation) {
	for _, d := range ds {
		if emulator.Aborted(d) { // cut off by the run: no answer to judge
			res.err = fmt.Sprintf("notify %s #%d: %s", d.Variant, d.Attempt, d.Error)
			return
		}
		label := fmt.Sprintf("notify %s #%d", d.Variant, d.Attempt)
		if d.Error != "" && d.Status == 0 {
			label += " (" + d.Error + ")"
		}
		for _, e := range exps {
			switch e.Key {
			case "acked":
				res.check(label+" acknowledged", e.Matcher, strconv.FormatBool(d.Acked), true)
			case "status":
				res.check(label+" HTTP status", e.Matcher, itoa(d.Status), d.Status != 0)
			case "response_code":
				res.check(label+" responseCode", e.Matcher, d.ResponseCode, d.ResponseCode != "")
				res.fixLast(notifyCodeFix(label, e.Matcher, d.ResponseCode))
			case "body":
				res.checkJSON(label+" answer", []byte(answerBody(d)), e.Path, e.Matcher)
			case "sent":
				res.checkJSON(label+" sent", []byte(d.Exchange.Request.Body), e.Path, e.Matcher)
			}
		}
	}
}

func answerBody(d emulator.Delivery) string {
	if d.Exchange.Response == nil {
		return ""
	}
	return d.Exchange.Response.Body
}

// clock advances this scenario's test clock; everything due on it fires,
// in order. Other scenarios' gateway state does not move. The work the
// advance triggers (notify retries to the merchant) is bounded by the
// step's time and attached to the step as exchanges.
func (s *ScenarioRun) clock(ctx context.Context, st scenario.Step) *result {
	if s.clk == nil {
		return errored("this run has no test clock (proxy mode), so time cannot be advanced")
	}
	seen := s.exchangeIDs()
	before := s.clk.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.clk.Advance(st.Advance)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		res := errored("advancing the test clock by %s did not finish within the step's time (run.step_timeout): "+
			"the gateway work it triggered (notify retries to your app) is still waiting; is your notify endpoint answering?", st.Advance)
		res.exchanges = s.newExchanges(seen)
		return res
	}
	res := &result{exchanges: s.newExchanges(seen)}
	res.checks = append(res.checks, checkOf("scenario test clock", "advanced by "+st.Advance.String(),
		fmt.Sprintf("%s → %s", before.Format(time.RFC3339), s.clk.Now().Format(time.RFC3339)), true))
	return res
}

// exchangeLog is what an emulator offers beyond the engine's Gateway
// interface: every exchange it recorded.
type exchangeLog interface{ Exchanges() []evidence.Exchange }

func (s *ScenarioRun) exchangeIDs() map[string]bool {
	ids := map[string]bool{}
	if l, ok := s.e.t.Gateway.(exchangeLog); ok {
		for _, x := range l.Exchanges() {
			ids[x.ID] = true
		}
	}
	return ids
}

// newExchanges are the emulator's exchanges not in seen: what a step
// caused at the gateway on its own (e.g. notify retries a clock step
// fired).
func (s *ScenarioRun) newExchanges(seen map[string]bool) []evidence.Exchange {
	l, ok := s.e.t.Gateway.(exchangeLog)
	if !ok {
		return nil
	}
	// Another scenario's merchant calls that arrived meanwhile are its own.
	others := map[string]bool{}
	all := s.e.allCalls()
	for i, o := range s.e.ownerOf(all) {
		if o != nil && o != s {
			others[all[i].Exchange.ID] = true
		}
	}
	var out []evidence.Exchange
	for _, x := range l.Exchanges() {
		if !seen[x.ID] && !others[x.ID] {
			out = append(out, x)
		}
	}
	return out
}

// receiverGot checks the callbacks the merchant sent to the receiver during
// this scenario on paths matching the target pattern.
func (s *ScenarioRun) receiverGot(ctx context.Context, st scenario.Step) *result {
	if s.e.t.Receiver == nil {
		return errored("this run has no callback receiver configured")
	}
	exps, err := s.matchers(st)
	if err != nil {
		return errored("%v", err)
	}
	var res *result
	poll(ctx, s.within(st.Within), func() bool {
		res = s.checkCallbacks(st, exps)
		return !res.failed() || countPast(len(res.exchanges), exps)
	})
	return res
}

func (s *ScenarioRun) checkCallbacks(st scenario.Step, exps []scenario.Expectation) *result {
	var got []Callback
	for _, c := range s.e.t.Receiver.Callbacks() {
		if ok, _ := path.Match(st.Target, c.Path); ok && c.Seq > s.cbMark && s.e.callbackOwner(c) == s {
			got = append(got, c)
		}
	}
	res := &result{}
	for _, c := range got {
		res.exchanges = append(res.exchanges, c.Exchange)
	}
	for _, e := range exps {
		if e.Key == "count" {
			res.check("callbacks to "+st.Target, e.Matcher, itoa(len(got)), true)
		}
	}
	if len(got) == 0 {
		if needsCallback(exps) {
			res.checks = append(res.checks, falseCheck("callback", "a callback to "+st.Target, "none arrived"))
		}
		return res
	}
	last := got[len(got)-1]
	for _, e := range exps {
		switch e.Key {
		case "body":
			res.checkJSON("callback", []byte(last.Body), e.Path, e.Matcher)
		case "headers":
			v, ok := header(last.Headers, e.Path)
			res.check("callback header "+e.Path, e.Matcher, v, ok)
		}
	}
	return res
}

func needsCallback(exps []scenario.Expectation) bool {
	for _, e := range exps {
		if e.Key != "count" {
			return true
		}
	}
	return len(exps) == 0
}

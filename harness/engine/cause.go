package engine

import (
	"fmt"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// A merchant action usually fails because the gateway refused the call
// the merchant made behind it: the merchant then answers "502", which
// says nothing. refusals finds those refusals so the verdict can name the
// real cause in the gateway's own words.

// messagePaths are where the gateways put their refusal text.
var messagePaths = []string{"responseMessage", "status_message", "error.message", "message", "error_messages.0"}

// refusals describes this scenario's merchant calls the emulator refused
// after mark, oldest first, e.g. "Create Order answered 4005401 Invalid
// Field Format validUpTo: … is not in the future".
func (r *ScenarioRun) refusals(mark int) []string {
	var out []string
	for _, c := range r.own(AnyAPI, mark) {
		if refused(c) {
			out = append(out, describeRefusal(c))
		}
	}
	return out
}

func refused(c emulator.Call) bool {
	if c.Exchange.Response != nil && c.Exchange.Response.Status >= 400 {
		return true
	}
	return c.ResponseCode != "" && (c.ResponseCode[0] == '4' || c.ResponseCode[0] == '5')
}

func describeRefusal(c emulator.Call) string {
	var b strings.Builder
	b.WriteString(apiTitle(c.API) + " answered")
	if c.ResponseCode != "" {
		b.WriteString(" " + c.ResponseCode)
	} else if c.Exchange.Response != nil {
		fmt.Fprintf(&b, " HTTP %d", c.Exchange.Response.Status)
	}
	if c.Exchange.Response != nil {
		for _, p := range messagePaths {
			if v := gjson.Get(c.Exchange.Response.Body, p); v.Exists() && v.String() != "" {
				b.WriteString(" " + clip(v.String(), 120))
				break
			}
		}
	}
	if c.Hint != "" {
		b.WriteString(": " + clip(c.Hint, 200))
	}
	return b.String()
}

// apiTitle turns "create_order" into "Create Order".
func apiTitle(api string) string {
	words := strings.Fields(strings.ReplaceAll(api, "_", " "))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// explain puts the gateway's refusals ahead of a merchant step's own
// reason: they are the cause, the merchant's answer is the symptom.
func explain(ev *evidence.Step, refusals []string) {
	if len(refusals) == 0 {
		return
	}
	cause := "the gateway refused the merchant's call: " + strings.Join(refusals, "; ")
	ev.Reason = cause + " (then " + ev.Reason + ")"
}

// isSetup reports whether a step only prepares the scenario: a step of
// the scenario's setup: section, a merchant action expected merely to
// succeed, or a gateway control action. When such a step fails, the
// scenario's remedy is about a rule that was never reached, so the step's
// own hint is shown instead. A step that expects a refusal ("!2xx") is the
// rule itself.
func isSetup(st scenario.Step) bool {
	switch {
	case st.Setup, st.Kind == scenario.KindGateway:
		return true
	case st.Kind == scenario.KindMerchant:
		for _, e := range st.Expect {
			if e.Key != "status" || e.Matcher != "2xx" {
				return false
			}
		}
		return true
	}
	return false
}

// remedy is the one line of "what to fix" for a failed step: the step's
// own remedy; for a setup step, the refused gateway call behind it; else
// what the failed checks say to fix (fixes.go), each failed check without
// a fix of its own falling back to the scenario's remedy (or, for a setup
// step, to making the step succeed).
func (r *ScenarioRun) remedy(st scenario.Step, checks []evidence.Check, refusals []string) string {
	fallback := r.sc.Remedy
	if isSetup(st) {
		fallback = "This step only sets the scenario up: make " + st.Display() + " succeed first; this scenario's own rule was not reached."
	}
	switch {
	case st.Remedy != "":
		return st.Remedy
	case len(refusals) > 0 && isSetup(st):
		return "Fix the refused gateway call first (" + refusals[0] + "); this scenario's own rule was not reached."
	}
	if fix := checkFixes(checks, fallback); fix != "" {
		return fix
	}
	return fallback
}

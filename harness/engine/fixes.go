package engine

import (
	"fmt"
	"strings"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// The "what to fix" line follows the check that failed, not the scenario
// that ran it: a refund scenario whose call reused an X-EXTERNAL-ID must
// say to stop reusing it, not repeat the scenario's advice about
// partnerRefundNo. Where the engine knows the rule a check judges (a
// protocol violation, a signature, a code the gateway refused the call
// with, the code a notify answer must carry, a status word the config does
// not map) the check carries its own Fix; every other failed check falls
// back to the scenario's remedy.

// checkFixes joins the fixes of the failed checks, in order, each check
// without one standing for fallback; "" when no failed check has a fix of
// its own, so the caller's rules apply unchanged.
func checkFixes(checks []evidence.Check, fallback string) string {
	var out []string
	seen, own := map[string]bool{}, false
	for _, c := range checks {
		if c.OK {
			continue
		}
		fix := c.Fix
		own = own || fix != ""
		if fix == "" {
			fix = fallback
		}
		if fix != "" && !seen[fix] {
			seen[fix] = true
			out = append(out, fix)
		}
	}
	if !own {
		return ""
	}
	return strings.Join(out, " Also: ")
}

// fixLast gives the last check its fix when it failed.
func (r *result) fixLast(fix string) {
	if n := len(r.checks); n > 0 && !r.checks[n-1].OK && fix != "" {
		r.checks[n-1].Fix = fix
	}
}

func violationFix(all []string) string {
	fix := "Correct what the gateway flagged in the merchant's call: " + clip(all[0], 300)
	if len(all) > 1 {
		fix += fmt.Sprintf(" (and %d more, listed in the check)", len(all)-1)
	}
	return fix + "."
}

func signatureFix(c emulator.Call, matcher, actual string) string {
	if matcher != "valid" {
		return ""
	}
	return fmt.Sprintf("Sign the %s call as the gateway specifies, with the private key whose public half the gateway holds, over the exact bytes sent; the emulator found the signature %s.",
		c.API, actual)
}

// refusedCallFix applies when the scenario expected the gateway to accept
// the merchant's call and it refused it: the call is what to correct.
func refusedCallFix(c emulator.Call, matcher string) string {
	if !refused(c) || !strings.HasPrefix(matcher, "2") {
		return ""
	}
	return "The gateway refused the merchant's call: " + describeRefusal(c) + ". Correct that call so the gateway accepts it."
}

// notifyCodeFix applies when the merchant's answer to a notify took the
// right side (accepted or rejected, as expected) with the wrong code, or
// carried none: the code is what to correct. An answer on the wrong side
// breaks the scenario's own rule, whose remedy says why.
func notifyCodeFix(label, matcher, actual string) string {
	if !plainValue(matcher) || (actual != "" && actual[0] != matcher[0]) {
		return ""
	}
	got := "none"
	if actual != "" {
		got = actual
	}
	return fmt.Sprintf("Answer the %s with responseCode %s in the JSON body, the code the gateway documents for this case (it answered %s).", label, matcher, got)
}

// plainValue reports whether a matcher is a literal value.
func plainValue(m string) bool {
	switch {
	case m == "", m == "present", m == "absent", strings.ContainsAny(m[:1], "!~=<>"):
		return false
	}
	return true
}

// statusWordFix applies when the merchant's order status is a word the
// config maps to no state: most often the mapping is missing, not the
// state wrong. Without a statuses table (the engine's own tests) every
// word may be a default one, so nothing is said.
func (e *Engine) statusWordFix(canonical, word string) string {
	if word == "" || len(e.t.Statuses) == 0 || e.knownStatusWord(word) {
		return ""
	}
	state := strings.ToUpper(canonical)
	return fmt.Sprintf("Your app answered status %q, which merchant.statuses maps to no state: if it means %s, add it (merchant.statuses: {%s: [%s, %s]}); otherwise the order did not reach %s.",
		word, state, state, strings.ToLower(state), word, state)
}

func (e *Engine) knownStatusWord(word string) bool {
	for state, words := range e.t.Statuses {
		if strings.EqualFold(word, state) {
			return true
		}
		for _, w := range words {
			if w == word {
				return true
			}
		}
	}
	return false
}

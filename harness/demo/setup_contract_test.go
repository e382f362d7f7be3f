package demo

import (
	"sort"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/scenarios"
)

// setupReason starts the reason of a setup: step that could not proceed
// (harness/engine/setup.go); the scenario's reason quotes it.
const setupReason = "setup could not proceed, so the rule under test was not reached: "

// setupStopped reports whether an ERRORED scenario stopped in its setup:
// section: the first step that did not pass is a setup step, ERRORED with
// the engine's setup reason. Such a scenario never reached its rule, so
// under a fault of the reference merchant (a broken checkout, a payment
// never booked) ERRORED is its right verdict; the fault's own scenario
// judges the fault.
func setupStopped(sc evidence.Scenario) bool {
	if sc.Verdict != evidence.Errored {
		return false
	}
	for _, st := range sc.Steps {
		if st.Verdict == evidence.Passed {
			continue
		}
		return st.Setup && st.Verdict == evidence.Errored && strings.HasPrefix(st.Reason, setupReason) &&
			strings.Contains(sc.Reason, setupReason)
	}
	return false
}

// setupFamilies are the families whose rule acts on an order already
// reached by other scenarios' rules (created, paid, notified): every
// scenario of theirs names those steps in setup:, so a merchant that
// cannot create or pay makes them ERRORED, not FAILED.
var setupFamilies = map[string]bool{"refund": true, "cancel": true, "idempotency": true}

// withoutSetup lists the scenarios of those families whose every step is
// the rule under test, with the reason.
var withoutSetup = map[string]string{
	"DANA-IDEM-03":   "the rule is the references of the create calls themselves: the checkouts are judged",
	"DANA-CREATE-06": "the rule is how checkout retries Create Order after a 5xx: the checkout is judged",
	"MT-IDEM-05":     "the rule is the order_id of each checkout: the checkouts are judged",
	"AST-IDEM-03":    "the rule is the order_id of each checkout: the checkouts are judged",
	"PPN-IDEM-03":    "the rule is the external_id of each checkout: the checkouts are judged",
}

// TestSetup_StatefulFamiliesNameTheirSetup checks that every scenario of
// the refund, cancel and idempotency families in every pack has a
// non-empty setup: section, unless withoutSetup says why not.
func TestSetup_StatefulFamiliesNameTheirSetup(t *testing.T) {
	seen := map[string]bool{}
	for _, gw := range Gateways() {
		pack, err := scenarios.Load(gw)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range pack.Scenarios {
			if !setupFamilies[sc.Family] {
				continue
			}
			setup := 0
			for _, st := range sc.Steps {
				if st.Setup {
					setup++
				}
			}
			why, listed := withoutSetup[sc.ID]
			seen[sc.ID] = listed
			switch {
			case setup == 0 && !listed:
				t.Errorf("%s: %s (family %s) has no setup: section; move the steps that only reach the state under test (checkout, the create capture, pay, the notify acknowledged) into setup:, or list it in withoutSetup with the reason", sc.Pos, sc.ID, sc.Family)
			case setup > 0 && listed:
				t.Errorf("%s: %s has a setup: section but withoutSetup lists it (%s); drop it from the list", sc.Pos, sc.ID, why)
			case setup == len(sc.Steps):
				t.Errorf("%s: %s has only setup steps; the rule under test belongs in steps:", sc.Pos, sc.ID)
			}
		}
	}
	var stale []string
	for id := range withoutSetup {
		if !seen[id] {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("withoutSetup lists scenarios that are not in a refund, cancel or idempotency family of any pack: %s", strings.Join(stale, ", "))
	}
}

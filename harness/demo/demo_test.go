package demo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

func runDemo(t *testing.T, faults ...string) *evidence.Run {
	t.Helper()
	s, err := Open(Options{Faults: faults, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RunDirect(context.Background())
	out, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return out.Run
}

func TestDemo_ConformingShopPassesEveryMandatoryScenario(t *testing.T) {
	run := runDemo(t)
	for _, sc := range run.Scenarios {
		if sc.Verdict != evidence.Passed {
			t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
		}
	}
}

// catches names, for each fault of the example shop, the scenario whose
// rule that fault breaks. The matrix test requires that scenario to FAIL.
var catches = map[string]string{
	"amount-without-decimals":       "DANA-CREATE-01",
	"cancel-ignores-gateway-error":  "DANA-CANCEL-03",
	"no-notification-url":           "DANA-CREATE-01",
	"notify-double-fulfil":          "DANA-IDEM-01",
	"notify-expired-as-paid":        "DANA-PAY-03",
	"notify-no-verify":              "DANA-SIG-01",
	"notify-wrong-ack":              "DANA-PAY-01",
	"over-refund":                   "DANA-REFUND-02",
	"refund-new-reference-on-retry": "DANA-REFUND-04",
	"reuse-external-id":             "DANA-IDEM-03",
	"reuse-partner-reference":       "DANA-IDEM-03",
	"sign-wrong-path":               "DANA-CREATE-01",
	"timestamp-utc-z":               "DANA-CREATE-01",
	"trust-return-redirect":         "DANA-PAY-02",
}

// TestDemo_EveryFaultIsCaughtByItsScenario is the proof that the catalogue
// judges: each switchable bug in the example shop makes the scenario about
// that rule FAIL (not ERROR). It logs the whole fault x scenario matrix.
func TestDemo_EveryFaultIsCaughtByItsScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the catalogue once per fault")
	}
	var matrix []string
	for _, f := range Faults() {
		want, ok := catches[f.Name]
		if !ok {
			t.Errorf("fault %q has no catching scenario in the matrix: add one (a fault nothing catches is a hole in the catalogue)", f.Name)
			continue
		}
		run := runDemo(t, f.Name)
		var failed []string
		for _, sc := range run.Scenarios {
			if sc.Verdict == evidence.Errored {
				t.Errorf("fault %s: %s ERRORED (%s); a merchant bug must FAIL, not stop the run", f.Name, sc.ID, sc.Reason)
			}
			if sc.Mandatory && sc.Verdict == evidence.Failed {
				failed = append(failed, sc.ID)
			}
		}
		sort.Strings(failed)
		matrix = append(matrix, fmt.Sprintf("%-30s FAILED: %s", f.Name, strings.Join(failed, " ")))
		if !contains(failed, want) {
			t.Errorf("fault %s: scenario %s did not FAIL (failed: %v)", f.Name, want, failed)
		}
	}
	t.Logf("fault x scenario matrix:\n%s", strings.Join(matrix, "\n"))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

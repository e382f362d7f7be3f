package engine

import (
	"testing"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// A notify the run cut off (Ctrl-C) has no answer: a step expecting
// "acked: false" is ERRORED, never PASSED.
func TestCheckDeliveries_AbortedNotifyIsErroredNeverAPass(t *testing.T) {
	aborted := emulator.Delivery{Order: "o", Variant: "wrong_key", Attempt: 1,
		Error: "not judged: the run was stopped before the merchant answered (context canceled)"}
	if !emulator.Aborted(aborted) {
		t.Fatal("the delivery is not recognised as aborted")
	}
	res := &result{}
	checkDeliveries(res, []emulator.Delivery{aborted}, []scenario.Expectation{{Key: "acked", Matcher: "false"}})
	if v, why := res.verdict(); v != evidence.Errored {
		t.Fatalf("verdict %s (%s), want ERRORED", v, why)
	}
	res = &result{}
	checkDeliveries(res, []emulator.Delivery{{Order: "o", Variant: "wrong_key", Attempt: 1, Status: 401}}, []scenario.Expectation{{Key: "acked", Matcher: "false"}})
	if v, _ := res.verdict(); v != evidence.Passed {
		t.Fatalf("a merchant that answered 401 gets %s", v)
	}
}

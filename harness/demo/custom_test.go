package demo

import (
	"context"
	"os"
	"testing"

	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// The example shop's own scenario checks its fulfilment webhook through the
// receiver: once for a conforming shop, and it fails when the shop fulfils
// twice.
func TestCustomScenario_ReceiverCountsFulfilmentWebhooks(t *testing.T) {
	pack, err := scenario.LoadFS(os.DirFS("../../examples/shop/uat"), ".", "examples/shop/uat")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		faults []string
		want   evidence.Verdict
	}{
		{nil, evidence.Passed},
		{[]string{"notify-double-fulfil"}, evidence.Failed},
	} {
		s, err := Open(Options{Version: "test", Faults: tc.faults, ExtraPacks: []*scenario.Pack{pack},
			Filter: engine.Filter{Scenario: "^SHOP-"}})
		if err != nil {
			t.Fatal(err)
		}
		s.RunDirect(context.Background())
		out, err := s.Finish()
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range out.Run.Scenarios {
			if sc.ID == "SHOP-FULFIL-01" && sc.Verdict != tc.want {
				t.Errorf("faults %v: %s (%s), want %s", tc.faults, sc.Verdict, sc.Reason, tc.want)
			}
		}
	}
}

package demo

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/uatrun/uatrun/harness/config"

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

// run.wait bounds a wait whose step names no within: of its own, and the
// failure says which bound it waited out.
func TestCustomScenario_RunWaitBoundsAWaitWithoutWithin(t *testing.T) {
	const sc = `id: WAIT-01
title: A wait without within lasts run.wait
gateway: dana-gapura
family: custom
tier: optional
steps:
  - merchant: checkout
    with: {amount: "10000.00"}
    capture: [order]
  - wait: order_status
    with: {order: "{{.order}}"}
    until: {status_is: REFUNDED}
`
	pack, err := scenario.LoadFS(fstest.MapFS{"wait.yaml": {Data: []byte(sc)}}, ".", "wait")
	if err != nil {
		t.Fatal(err)
	}
	run, err := demoRun(Options{Gateway: "dana-gapura", ExtraPacks: []*scenario.Pack{pack},
		Filter:    engine.Filter{Scenario: "^WAIT-01 "},
		Configure: func(c *config.Config) { c.Run.Wait = config.Duration(300 * time.Millisecond) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range run.Scenarios {
		if sc.ID != "WAIT-01" {
			continue
		}
		if sc.Verdict != evidence.Failed || !strings.Contains(sc.Reason, "expectations to hold within 300ms") {
			t.Fatalf("want WAIT-01 FAILED after waiting run.wait (300ms), got %s: %s", sc.Verdict, sc.Reason)
		}
		return
	}
	t.Fatal("WAIT-01 did not run")
}

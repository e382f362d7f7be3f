package demo

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// A mandatory scenario about an optional feature (here one the shop does
// not implement) fails the run unless the config declares the features
// the integration uses; then it is N/A and the run is a full sign-off.
func TestFeatures_AnUndeclaredOptionalFeatureIsNotApplicable(t *testing.T) {
	src := `id: SHOP-AUTODEBIT-01
title: Auto-debit is charged once
gateway: dana-gapura
tier: mandatory
feature: autodebit
steps:
  - merchant: autodebit_charge
    expect: {status: 2xx}
`
	pack, err := scenario.LoadFS(fstest.MapFS{"autodebit.yaml": {Data: []byte(src)}}, ".", "uat")
	if err != nil {
		t.Fatal(err)
	}
	// Stands for a built-in pack's feature scenario (only built-in packs
	// may mandate).
	pack.Builtin = true
	run := func(features *[]string) (*evidence.Run, error) {
		s, err := Open(Options{Version: "test", ExtraPacks: []*scenario.Pack{pack},
			Configure: func(c *config.Config) { c.Gateway.Features = features }})
		if err != nil {
			return nil, err
		}
		defer s.Close()
		s.RunDirect(context.Background())
		out, err := s.Finish()
		if err != nil {
			t.Fatal(err)
		}
		return out.Run, nil
	}
	verdict := func(r *evidence.Run) evidence.Scenario {
		for _, sc := range r.Scenarios {
			if sc.ID == "SHOP-AUTODEBIT-01" {
				return sc
			}
		}
		t.Fatal("the feature's scenario is missing from the evidence")
		return evidence.Scenario{}
	}

	all, err := run(nil) // not declared: every feature counts as used
	if err != nil {
		t.Fatal(err)
	}
	if sc := verdict(all); sc.Verdict == evidence.Passed || all.Summary.GoLive {
		t.Fatalf("undeclared features: %s, go-live %v; the feature's scenario must run and block", sc.Verdict, all.Summary.GoLive)
	}

	none := []string{}
	na, err := run(&none)
	if err != nil {
		t.Fatal(err)
	}
	sc := verdict(na)
	if !evidence.NotApplicable(sc) || !strings.Contains(sc.Reason, `"autodebit"`) {
		t.Fatalf("declared unused: %s (%s), want N/A naming the feature", sc.Verdict, sc.Reason)
	}
	if !na.Summary.GoLive || na.Summary.Partial || na.Summary.NotApplicable != 1 {
		t.Fatalf("summary %+v: an N/A feature must leave a full sign-off", na.Summary)
	}

	typo := []string{"autodebt"}
	if _, err := run(&typo); err == nil || !strings.Contains(err.Error(), "autodebit") {
		t.Fatalf("an unknown feature: %v, want an error listing the packs' features", err)
	}
}

package session_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/scenarios"
)

// A step naming a gateway action or API the configured gateway lacks is
// refused before anything runs, at its position, with the nearest word.
func TestCheckWords_UnknownGatewayWordsAreRefusedWithTheirPosition(t *testing.T) {
	src := "id: MY-01\ntitle: custom\ngateway: midtrans-snap\ntier: optional\nsteps:\n" +
		"  - gateway: pay_twice_please\n    order: x\n  - gateway_received: create_transactoin\n  - gateway: pay\n    order: x\n"
	pack, err := scenario.LoadFS(fstest.MapFS{"x.yaml": {Data: []byte(src)}}, ".", "my")
	if err != nil {
		t.Fatal(err)
	}
	v, err := session.VocabularyOf(kitGateway(t, "midtrans-snap"))
	if err != nil {
		t.Fatal(err)
	}
	err = session.CheckWords(v, []*scenario.Pack{pack})
	if err == nil {
		t.Fatal("unknown words were accepted")
	}
	for _, want := range []string{`my/x.yaml:6:5: unknown gateway action "pay_twice_please"`, `my/x.yaml:8:5: unknown API "create_transactoin"; did you mean "create_transaction"?`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), ":9:") {
		t.Errorf("a known action was refused: %v", err)
	}
	// Every built-in pack speaks its own gateway's words.
	for _, gw := range []string{"dana-gapura", "midtrans-snap", "astapa", "purwantara", "gopay-miniapp", "dana-widget"} {
		p, err := scenarios.Load(gw)
		if err != nil {
			t.Fatal(err)
		}
		v, err := session.VocabularyOf(kitGateway(t, gw))
		if err != nil {
			t.Fatalf("%s: %v", gw, err)
		}
		if err := session.CheckWords(v, []*scenario.Pack{p}); err != nil {
			t.Errorf("%s pack: %v", gw, err)
		}
	}
}

// kitGateway is the gateway section of a bundled merchant's config.
func kitGateway(t *testing.T, gw string) config.Gateway {
	t.Helper()
	kit, err := demo.KitFor(gw)
	if err != nil {
		t.Fatal(err)
	}
	return kit.Config().Gateway
}

// validate says which merchant actions a pack needs that the config lacks.
func TestMissingActions_NamesTheActionsAndWhatTheirStepsBecome(t *testing.T) {
	p, err := scenarios.Load("dana-gapura")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Merchant: config.Merchant{Actions: map[string]config.Action{"checkout": {}}}}
	missing := session.MissingActions(cfg, []*scenario.Pack{p})
	got := map[string]session.MissingAction{}
	for _, m := range missing {
		got[m.Name] = m
	}
	if _, ok := got["checkout"]; ok {
		t.Error("checkout is defined, yet listed")
	}
	if m, ok := got["refund"]; !ok || m.Outcome != "ERRORED" || len(m.Scenarios) == 0 {
		t.Errorf("refund: %+v, want listed as ERRORED with its scenarios", m)
	}
}

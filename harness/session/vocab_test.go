package session_test

import (
	"slices"
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

// A notify variant the gateway does not send, and a param its notify does
// not take, are refused before anything runs, at their position, with the
// gateway's own variants listed (they used to pass validate and be
// ERRORED mid-run).
func TestCheckWords_UnknownNotifyVariantsAndParamsAreRefused(t *testing.T) {
	src := "id: MY-02\ntitle: custom\ngateway: dana-gapura\ntier: optional\nvars: {v: valid}\nsteps:\n" +
		"  - notify: wrng_key\n    order: x\n" + // 7
		"  - notify: other_order_signature\n    order: x\n    with: {signature_of: y}\n" + // 9
		"  - gateway: notify\n    order: x\n    with: {variant: forged}\n" + // 12
		"  - gateway: pay\n    order: x\n    with: {notfy: drop}\n" + // 15
		"  - notify: other_order_signature\n    order: x\n    with: {from: y, status: \"05\"}\n" + // 18
		"  - gateway: notify\n    order: x\n    with: {variant: \"{{.v}}\"}\n" + // 21
		"  - notify: wrong_key\n    order: x\n    with: {from: y}\n" // 24
	pack, err := scenario.LoadFS(fstest.MapFS{"x.yaml": {Data: []byte(src)}}, ".", "my")
	if err != nil {
		t.Fatal(err)
	}
	v, err := session.VocabularyOf(config.Gateway{Name: "dana-gapura"})
	if err != nil {
		t.Fatal(err)
	}
	err = session.CheckWords(v, []*scenario.Pack{pack})
	if err == nil {
		t.Fatal("unknown notify words were accepted")
	}
	for _, want := range []string{
		`my/x.yaml:7:5: unknown notify variant "wrng_key" for dana-gapura; did you mean "wrong_key"?; its variants: valid, duplicate,`,
		`my/x.yaml:9:5: notify other_order_signature does not take "signature_of" (with: signature_of); it takes: copies, from, status`,
		`my/x.yaml:12:5: unknown notify variant "forged" for dana-gapura; its variants: valid,`,
		`my/x.yaml:15:5: pay does not take "notfy" (with: notfy); did you mean "notify"?; it takes: notify`,
		// Params are the variant's own where the emulator declares them.
		`my/x.yaml:24:5: notify wrong_key does not take "from" (with: from); it takes: copies, status`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks\n  %s\ngot:\n%v", want, err)
		}
	}
	for _, fine := range []string{":18:", ":21:"} {
		if strings.Contains(err.Error(), fine) {
			t.Errorf("a known variant with its own params, or a templated one, was refused: %v", err)
		}
	}
}

// Each gateway's words are its own: Midtrans has no wrong_key notify.
func TestVocabularyOf_IsTheConfiguredGateways(t *testing.T) {
	v, err := session.VocabularyOf(config.Gateway{Name: "midtrans-snap"})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(v.Notify, "wrong_key") || !slices.Contains(v.Notify, "wrong_signature") {
		t.Errorf("midtrans-snap variants: %v", v.Notify)
	}
	if _, err := session.VocabularyOf(config.Gateway{Name: "paypal"}); err == nil || !strings.Contains(err.Error(), "dana-gapura") {
		t.Errorf("unknown gateway: %v, want the known ones listed", err)
	}
}

package gopaymini

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// A legitimate notify never contradicts the status API: a valid,
// duplicate or concurrent notify of a pending payment pays it first, and
// one of a failed payment says 06. Adversarial variants claim 00 and their
// record names what the status API answers instead.
func TestNotify_LegitimateVariantsAgreeWithTheStatusAPI(t *testing.T) {
	f := newFixture(t, nil)
	sink := newSink(t, &f.gkey.PublicKey, `{"responseCode":"2005600","responseMessage":"Successful"}`)
	status := func(ref string) string {
		_, b := f.snapCall("/v1.0/debit/status", map[string]any{"originalPartnerReferenceNo": ref, "serviceCode": "54"}, nil)
		return b.Get("latestTransactionStatus").String()
	}
	for _, variant := range []string{"valid", "duplicate", "concurrent"} {
		ref := "ORD-TRUTH-" + variant
		if st, b := f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", sink.srv.URL+"/notify", sink.srv.URL+"/back"), nil); st != 200 {
			t.Fatalf("create: %d %s", st, b.Raw)
		}
		r := act(t, f.e, emulator.Action{Name: actNotify, Order: ref, Params: map[string]string{"variant": variant}})
		if got := status(ref); got != "00" {
			t.Fatalf("%s: status API answers %s after a legitimate success notify; want 00", variant, got)
		}
		for _, d := range r.Deliveries {
			if !d.Acked {
				t.Fatalf("%s: a verified notify was not acknowledged: %+v", variant, d)
			}
		}
	}
	// A failed payment: the legitimate notify tells 06, as the status API.
	ref := "ORD-TRUTH-failed"
	f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", sink.srv.URL+"/notify", sink.srv.URL+"/back"), nil)
	act(t, f.e, emulator.Action{Name: actFail, Order: ref})
	act(t, f.e, emulator.Action{Name: actNotify, Order: ref, Params: map[string]string{"variant": "duplicate"}})
	sink.mu.Lock()
	last := string(sink.bodies[len(sink.bodies)-1])
	sink.mu.Unlock()
	if got := status(ref); got != "06" || !strings.Contains(last, `"latestTransactionStatus":"06"`) {
		t.Fatalf("failed payment: status %s, notify %s; both must say 06", got, last)
	}
	// Adversarial: claims 00 for a pending payment and says so.
	ref = "ORD-TRUTH-wrong-amount"
	f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", sink.srv.URL+"/notify", sink.srv.URL+"/back"), nil)
	r := act(t, f.e, emulator.Action{Name: actNotify, Order: ref, Params: map[string]string{"variant": "wrong_amount"}})
	if got := status(ref); got != "03" {
		t.Fatalf("an adversarial notify moved the payment: status %s", got)
	}
	if !strings.Contains(r.Detail, "adversarial") || !strings.Contains(r.Detail, "answers 03") {
		t.Fatalf("the adversarial notify's record does not say it lies: %s", r.Detail)
	}
}

// The replay variant re-sends the newest delivered notify byte for byte,
// with its original headers; with none delivered it is refused.
func TestNotify_ReplayResendsTheNotifyAlreadySeen(t *testing.T) {
	f := newFixture(t, nil)
	sink := newSink(t, &f.gkey.PublicKey, `{"responseCode":"2005600","responseMessage":"Successful"}`)
	ref := "ORD-REPLAY-1"
	f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", sink.srv.URL+"/notify", sink.srv.URL+"/back"), nil)
	if _, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: ref, Params: map[string]string{"variant": bisnap.VariantReplay}}); err == nil {
		t.Fatal("a replay with no notify delivered yet was accepted")
	}
	act(t, f.e, emulator.Action{Name: actPay, Order: ref})
	r := act(t, f.e, emulator.Action{Name: actNotify, Order: ref, Params: map[string]string{"variant": bisnap.VariantReplay}})
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.got) != 2 || string(sink.bodies[0]) != string(sink.bodies[1]) {
		t.Fatalf("want the same body twice, got %d notifies", len(sink.got))
	}
	for _, h := range []string{"X-SIGNATURE", "X-TIMESTAMP", "X-EXTERNAL-ID"} {
		if a, b := sink.got[0].Header.Get(h), sink.got[1].Header.Get(h); a == "" || a != b {
			t.Fatalf("%s differs in the replay: %q vs %q", h, a, b)
		}
	}
	if sink.verified != 2 || !strings.Contains(r.Detail, "replay") {
		t.Fatalf("verified %d, detail %s", sink.verified, r.Detail)
	}
}

// A B2B token's 900 s run on each test clock it is used on: advancing one
// scenario's clock expires it there only.
func TestB2BToken_ExpiresOnEachScenarioClockOnly(t *testing.T) {
	start := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
	clocks := clock.NewTestClocks(clock.NewFake(start))
	f := newFixture(t, func(o *Options) { o.Clock = clocks })
	a := clocks.Current()
	f.token()
	create := func(ref string) string {
		_, b := f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", "https://shop.example/notify", "https://shop.example/back"), nil)
		return b.Get("responseCode").String()
	}
	if got := create("ORD-CLK-1"); got != "2005400" {
		t.Fatalf("fresh token: %s", got)
	}
	b := clocks.New()
	clocks.Use(b)
	if got := create("ORD-CLK-2"); got != "2005400" {
		t.Fatalf("the token on another scenario's clock: %s", got)
	}
	b.Advance(B2BTokenValidity + time.Second)
	if got := create("ORD-CLK-3"); got != "4015401" {
		t.Fatalf("900 s later on this scenario's clock: %s, want 4015401", got)
	}
	clocks.Use(a)
	if got := create("ORD-CLK-4"); got != "2005400" {
		t.Fatalf("another scenario's clock moved, this one did not: %s, want 2005400", got)
	}
	a.Advance(B2BTokenValidity + time.Second)
	if got := create("ORD-CLK-5"); got != "4015401" {
		t.Fatalf("900 s after issue on its own clock: %s, want 4015401", got)
	}
}

// A scenario that moves its clock 16 minutes ages the merchant's cached
// B2B token and the auth codes in that scenario only: a call about
// another scenario's payment is judged on that payment's clock even when
// it arrives while the moved clock is current (a status read, a queued
// refund), and another scenario's auth code stays valid.
func TestClockLeak_AMovedClockAgesTokensAndCodesInItsScenarioOnly(t *testing.T) {
	start := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
	clocks := clock.NewTestClocks(clock.NewFake(start))
	f := newFixture(t, func(o *Options) { o.Clock = clocks })
	a := clocks.Current()
	f.token()
	code := func(st int, b gjson.Result) string {
		if c := b.Get("responseCode").String(); c != "" {
			return c
		}
		return strconv.Itoa(st)
	}
	create := func(ref string) string {
		return code(f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", "https://shop.example/notify", "https://shop.example/back"), nil))
	}
	status := func(ref string) string {
		return code(f.snapCall("/v1.0/debit/status", map[string]any{"originalPartnerReferenceNo": ref, "serviceCode": "54"}, nil))
	}
	if got := create("ORD-LEAK-A"); got != "2005400" {
		t.Fatalf("scenario A's payment: %s", got)
	}
	codeA, err := f.e.IssueAuthCode("u-leak-a", "", false)
	if err != nil {
		t.Fatal(err)
	}

	b := clocks.New()
	clocks.Use(b)
	if got := create("ORD-LEAK-B"); got != "2005400" {
		t.Fatalf("scenario B's payment: %s", got)
	}
	codeB, err := f.e.IssueAuthCode("u-leak-b", "", false)
	if err != nil {
		t.Fatal(err)
	}
	b.Advance(16 * time.Minute) // the custom scenario's clock step
	if got := create("ORD-LEAK-B2"); got != "4015401" {
		t.Fatalf("a new payment on the moved clock: %s, want 4015401 (the token is 16 minutes old there)", got)
	}
	if got := status("ORD-LEAK-B"); got != "4015501" {
		t.Fatalf("B's own payment on the moved clock: %s, want 4015501", got)
	}
	// B's clock is still current: a reconciler asks about A's payment.
	if got := status("ORD-LEAK-A"); got != "2005500" {
		t.Fatalf("A's payment while B's moved clock is current: %s, want 2005500 (judged on A's clock)", got)
	}
	exchange := func(c string) gjson.Result {
		_, r := f.do("POST", "/v1/mini-apps/authorizations/token", basic(credential), `{"auth_code":"`+c+`"}`)
		return r
	}
	if r := exchange(codeB); r.Get("error.code").String() != "AUTH_CODE_EXPIRED" {
		t.Fatalf("B's auth code 16 minutes later on B's clock: %s, want AUTH_CODE_EXPIRED", r.Raw)
	}

	clocks.Use(a)
	if got := create("ORD-LEAK-A2"); got != "2005400" {
		t.Fatalf("scenario A after B moved its clock: %s, want 2005400", got)
	}
	if r := exchange(codeA); r.Get("data.access_token").String() == "" {
		t.Fatalf("A's auth code after B moved its clock: %s, want an access token", r.Raw)
	}

	c := clocks.New() // a scenario that starts later sees the token as young as it is
	clocks.Use(c)
	if got := create("ORD-LEAK-C"); got != "2005400" {
		t.Fatalf("a new scenario after B moved its clock: %s, want 2005400", got)
	}
}

// other_order_signature with from lends the headers of a notify
// already delivered for another payment to this payment's body: a
// signature the merchant has seen and verified, which must not verify
// here. Without a delivered notify, or with the payment itself, it is
// refused.
func TestNotify_SeenSignatureOfAnotherPayment(t *testing.T) {
	f := newFixture(t, nil)
	sink := newSink(t, &f.gkey.PublicKey, `{"responseCode":"2005600","responseMessage":"Successful"}`)
	a, b := "ORD-SEEN-A", "ORD-SEEN-B"
	for _, ref := range []string{a, b} {
		f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", sink.srv.URL+"/notify", sink.srv.URL+"/back"), nil)
	}
	seen := map[string]string{"variant": "other_order_signature", "from": b}
	if _, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: a, Params: seen}); err == nil {
		t.Fatal("from a payment with no delivered notify was accepted")
	}
	if _, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: b, Params: seen}); err == nil {
		t.Fatal("from the payment itself was accepted")
	}
	act(t, f.e, emulator.Action{Name: actPay, Order: b})
	r := act(t, f.e, emulator.Action{Name: actNotify, Order: a, Params: seen})
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.got) != 2 || sink.verified != 1 {
		t.Fatalf("%d notifies, %d verified; want B's valid one and A's failing", len(sink.got), sink.verified)
	}
	for _, h := range []string{"X-SIGNATURE", "X-TIMESTAMP", "X-EXTERNAL-ID"} {
		if x, y := sink.got[0].Header.Get(h), sink.got[1].Header.Get(h); x == "" || x != y {
			t.Fatalf("%s not lent from B's notify: %q vs %q", h, x, y)
		}
	}
	if !strings.Contains(string(sink.bodies[1]), a) || !strings.Contains(r.Detail, "adversarial") {
		t.Fatalf("body %s, detail %s", sink.bodies[1], r.Detail)
	}
}

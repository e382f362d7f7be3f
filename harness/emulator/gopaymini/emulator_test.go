package gopaymini

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
)

func TestTokenExchange_CodeIsSingleUseAndValidSixMinutes(t *testing.T) {
	f := newFixture(t, nil)
	exchange := func(cred, code string) (int, string) {
		st, b := f.do("POST", "/v1/mini-apps/authorizations/token", basic(cred), `{"auth_code":"`+code+`"}`)
		return st, b.Get("error.code").String()
	}
	code, _ := f.e.IssueAuthCode("alice", "AC-1", false)
	if st, _ := exchange("miniapp-client:wrong", code); st != 401 {
		t.Fatalf("wrong credential: %d, want 401", st)
	}
	st, b := f.do("POST", "/v1/mini-apps/authorizations/token", bearer("miniapp-secret"), `{"auth_code":"AC-1"}`)
	if st != 401 || b.Get("error.code").String() != "UNAUTHORIZED" {
		t.Fatalf("Bearer instead of Basic: %d %s", st, b.Raw)
	}
	st, b = f.do("POST", "/v1/mini-apps/authorizations/token", basic(credential), `{"auth_code":"AC-1"}`)
	if st != 200 || b.Get("data.access_token").String() == "" || !strings.HasPrefix(b.Get("data.account_id").String(), "GP") {
		t.Fatalf("valid exchange: %d %s", st, b.Raw)
	}
	if st, c := exchange(credential, code); st != 400 || c != "AUTH_CODE_USED" {
		t.Fatalf("reused code: %d %s", st, c)
	}
	if st, c := exchange(credential, "never-issued"); st != 400 || c != "INVALID_AUTH_CODE" {
		t.Fatalf("unknown code: %d %s", st, c)
	}
	// Six minutes on the test clock: valid at 5m59s, expired at 6m1s.
	f.e.IssueAuthCode("bob", "AC-2", false)
	f.e.IssueAuthCode("bob", "AC-3", false)
	f.clk.Advance(5*time.Minute + 59*time.Second)
	if st, c := exchange(credential, "AC-2"); st != 200 {
		t.Fatalf("code at 5m59s: %d %s", st, c)
	}
	f.clk.Advance(2 * time.Second)
	if st, c := exchange(credential, "AC-3"); st != 400 || c != "AUTH_CODE_EXPIRED" {
		t.Fatalf("code at 6m1s: %d %s", st, c)
	}
	if got := f.e.Calls(APITokenExchange); len(got) != 7 || got[2].Signature == nil || !got[2].Signature.Valid || got[0].Signature.Valid {
		t.Fatalf("calls recorded: %d, credential checks %+v / %+v", len(got), got[0].Signature, got[2].Signature)
	}
}

func TestUserToken_NeverExpiresAndAuthenticatesTheBackEndAPIs(t *testing.T) {
	f := newFixture(t, nil)
	tok := f.login("carol")
	f.clk.Advance(30 * 24 * time.Hour)
	st, b := f.do("POST", "/v1/mini-apps/notifications/push", bearer(tok), `{"template_id":"order_ready","template_parameters":{"order":"A1"}}`)
	if st != 200 || b.Get("data.status").String() != "SENT" {
		t.Fatalf("push after 30 days: %d %s", st, b.Raw)
	}
	if st, _ := f.do("POST", "/v1/mini-apps/notifications/push", bearer("made-up"), `{"template_id":"x"}`); st != 401 {
		t.Fatalf("unknown token: %d", st)
	}
	if st, b := f.do("POST", "/v1/mini-apps/notifications/push", bearer(tok), `{"template_id":"x","template_parameters":{"n":1}}`); st != 400 {
		t.Fatalf("non-string template parameter: %d %s", st, b.Raw)
	}
	st, b = f.do("POST", "/v1/mini-apps/reminder", bearer(tok), `{"title":"Pay","message":"Your bill is due"}`)
	id := b.Get("data.reminder_id").String()
	if st != 200 || id == "" {
		t.Fatalf("reminder: %d %s", st, b.Raw)
	}
	if st, _ := f.do("DELETE", "/v1/mini-apps/reminder/"+id, bearer(tok), ""); st != 200 {
		t.Fatalf("remove reminder: %d", st)
	}
	if st, _ := f.do("DELETE", "/v1/mini-apps/reminder/"+id, bearer(tok), ""); st != 404 {
		t.Fatalf("remove it again: %d", st)
	}
}

func TestProfile_OnlyWithConsent(t *testing.T) {
	f := newFixture(t, nil)
	tok := f.login("dewi")
	if st, b := f.do("GET", "/v1/mini-apps/profile", bearer(tok), ""); st != 403 || b.Get("error.code").String() != "CONSENT_REQUIRED" {
		t.Fatalf("without consent: %d %s", st, b.Raw)
	}
	act(t, f.e, emulator.Action{Name: "consent", Params: map[string]string{"user": "dewi", "granted": "true"}})
	if st, b := f.do("GET", "/v1/mini-apps/profile", bearer(tok), ""); st != 200 || b.Get("data.phone_number").String() == "" {
		t.Fatalf("with consent: %d %s", st, b.Raw)
	}
}

func TestCashback_IdempotentByReferenceAndNeedsBalance(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.WalletBalance = 1000 })
	tok := f.login("eko")
	st, b := f.do("POST", "/v1/mini-apps/cashback", bearer(tok), `{"reference_id":"R1","amount":600}`)
	if st != 200 || b.Get("data.status").String() != "SUCCESS" {
		t.Fatalf("cashback: %d %s", st, b.Raw)
	}
	if st, b2 := f.do("POST", "/v1/mini-apps/cashback", bearer(tok), `{"reference_id":"R1","amount":600}`); st != 200 || b2.Get("data.transaction_id").String() != b.Get("data.transaction_id").String() {
		t.Fatalf("retry with the same reference: %d %s", st, b2.Raw)
	}
	if f.e.Wallet() != 400 {
		t.Fatalf("wallet %d after one disbursement of 600 from 1000 (retried), want 400", f.e.Wallet())
	}
	if st, b := f.do("POST", "/v1/mini-apps/cashback", bearer(tok), `{"reference_id":"R1","amount":700}`); st != 409 || b.Get("error.code").String() != "DUPLICATE_REFERENCE" {
		t.Fatalf("reference reused for another amount: %d %s", st, b.Raw)
	}
	if st, b := f.do("POST", "/v1/mini-apps/cashback", bearer(tok), `{"reference_id":"R2","amount":500}`); st != 400 || b.Get("error.code").String() != "INSUFFICIENT_BALANCE" {
		t.Fatalf("over the balance: %d %s", st, b.Raw)
	}
	if st, _ := f.do("POST", "/v1/mini-apps/cashback", bearer(tok), `{"reference_id":"R3","amount":"1.5"}`); st != 400 {
		t.Fatalf("fractional coins: %d", st)
	}
}

func TestB2BToken_SignatureAndExpiryOnTheTestClock(t *testing.T) {
	f := newFixture(t, nil)
	ts := "2026-05-12T10:00:00+07:00"
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-TIMESTAMP", ts)
	h.Set("X-CLIENT-KEY", partnerID)
	h.Set("X-SIGNATURE", "AAAA")
	if st, b := f.do("POST", "/v1.0/access-token/b2b", h, `{"grantType":"client_credentials"}`); st != 401 || b.Get("responseCode").String() != "4017300" {
		t.Fatalf("bad signature: %d %s", st, b.Raw)
	}
	h.Del("X-CLIENT-KEY")
	if st, b := f.do("POST", "/v1.0/access-token/b2b", h, `{}`); st != 400 || b.Get("responseCode").String() != "4007302" {
		t.Fatalf("missing X-CLIENT-KEY: %d %s", st, b.Raw)
	}
	f.token()
	if st, b := f.snapCall("/v1.0/debit/status", map[string]any{"originalPartnerReferenceNo": "nope", "serviceCode": "54"}, nil); st != 404 || b.Get("responseCode").String() != "4045501" {
		t.Fatalf("status of unknown payment: %d %s", st, b.Raw)
	}
	f.clk.Advance(901 * time.Second)
	if st, b := f.snapCall("/v1.0/debit/status", map[string]any{"originalPartnerReferenceNo": "nope", "serviceCode": "54"}, nil); st != 401 || b.Get("responseCode").String() != "4015501" {
		t.Fatalf("expired token: %d %s", st, b.Raw)
	}
}

func TestPayment_CreatePayNotifyStatusRefundCancel(t *testing.T) {
	f := newFixture(t, nil)
	sink := newSink(t, &f.gkey.PublicKey, `{"responseCode":"2005600","responseMessage":"Successful"}`)
	ret := "http://127.0.0.1:1/return"
	// Refusals first: no PoP ID, a 3-digit CHANNEL-ID, a bad HMAC.
	noPop := paymentBody("P-0", "15000.00", sink.srv.URL+"/v1.0/debit/notify", ret)
	delete(noPop, "additionalInfo")
	if st, b := f.snapCall("/v1.0/debit/payment-host-to-host", noPop, nil); st != 400 || b.Get("responseCode").String() != "4005402" ||
		!strings.Contains(b.Get("responseMessage").String(), "popId") {
		t.Fatalf("no PoP ID: %d %s", st, b.Raw)
	}
	body := paymentBody("P-1", "15000.00", sink.srv.URL+"/v1.0/debit/notify", ret)
	if st, b := f.snapCall("/v1.0/debit/payment-host-to-host", body, func(h http.Header) { h.Set("CHANNEL-ID", "952") }); st != 400 || b.Get("responseCode").String() != "4005401" {
		t.Fatalf("CHANNEL-ID 952: %d %s", st, b.Raw)
	}
	if st, b := f.snapCall("/v1.0/debit/payment-host-to-host", body, func(h http.Header) { h.Set("X-SIGNATURE", "AAAA") }); st != 401 || b.Get("responseCode").String() != "4015400" {
		t.Fatalf("bad HMAC: %d %s", st, b.Raw)
	}
	st, b := f.snapCall("/v1.0/debit/payment-host-to-host", body, nil)
	if st != 200 || b.Get("responseCode").String() != "2005400" || !strings.Contains(b.Get("webRedirectUrl").String(), "/gopay/pay/") {
		t.Fatalf("create: %d %s", st, b.Raw)
	}
	if c := f.e.Calls(APICreatePayment); !c[len(c)-1].Signature.Valid {
		t.Fatalf("signature check: %+v", c[len(c)-1].Signature)
	}
	// Cancel of a paid payment is refused; the pay notify verifies.
	r := act(t, f.e, emulator.Action{Name: "pay", Order: "P-1"})
	if len(r.Deliveries) != 1 || !r.Deliveries[0].Acked || sink.verified != 1 {
		t.Fatalf("pay: %+v, verified %d", r.Deliveries, sink.verified)
	}
	if st, b := f.snapCall("/v1.0/debit/status", map[string]any{"originalPartnerReferenceNo": "P-1", "serviceCode": "54"}, nil); st != 200 || b.Get("latestTransactionStatus").String() != "00" {
		t.Fatalf("status: %d %s", st, b.Raw)
	}
	if st, b := f.snapCall("/v1.0/debit/cancel", map[string]any{"originalPartnerReferenceNo": "P-1"}, nil); st != 403 || b.Get("responseCode").String() != "4035700" {
		t.Fatalf("cancel a paid payment: %d %s", st, b.Raw)
	}
	refund := func(no, v string) (int, string) {
		st, b := f.snapCall("/v1.0/debit/refund", map[string]any{"originalPartnerReferenceNo": "P-1", "partnerRefundNo": no,
			"refundAmount": map[string]any{"value": v, "currency": "IDR"}}, nil)
		return st, b.Get("responseCode").String()
	}
	if _, c := refund("RF-1", "5000.00"); c != "2005800" {
		t.Fatalf("partial refund: %s", c)
	}
	if _, c := refund("RF-1", "5000.00"); c != "2005800" {
		t.Fatalf("refund retried with its partnerRefundNo: %s", c)
	}
	if _, c := refund("RF-2", "10000.01"); c != "4035802" {
		t.Fatalf("over-refund: %s", c)
	}
	if _, c := refund("RF-2", "10000.00"); c != "2005800" {
		t.Fatalf("the rest: %s", c)
	}
	if p := f.e.Payments()[0]; p.Status != StatusRefunded || p.Refunded != "15000.00" {
		t.Fatalf("after refunds: %+v", p)
	}
	// An unpaid payment cancels.
	f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody("P-2", "20000.00", sink.srv.URL+"/v1.0/debit/notify", ret), nil)
	if st, b := f.snapCall("/v1.0/debit/cancel", map[string]any{"originalPartnerReferenceNo": "P-2"}, nil); st != 200 || b.Get("responseCode").String() != "2005700" {
		t.Fatalf("cancel: %d %s", st, b.Raw)
	}
	if _, err := f.e.Act(t.Context(), emulator.Action{Name: "pay", Order: "P-2"}); err == nil {
		t.Fatal("paying a cancelled payment succeeded")
	}
}

func TestNotify_RetriedOnTheTestClockAndCraftedVariants(t *testing.T) {
	f := newFixture(t, nil)
	sink := newSink(t, &f.gkey.PublicKey, `{"responseCode":"5005601"}`)
	f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody("P-3", "15000.00", sink.srv.URL+"/v1.0/debit/notify", "http://127.0.0.1:1/r"), nil)
	act(t, f.e, emulator.Action{Name: "pay", Order: "P-3"})
	f.clk.Advance(time.Minute)
	if d := f.e.Deliveries("P-3"); len(d) != 2 || d[1].Attempt != 2 || d[1].Acked {
		t.Fatalf("retry: %+v", d)
	}
	for variant, verified := range map[string]bool{"valid": true, "wrong_key": false, "tampered_body": false,
		"missing_signature": false, "other_order_signature": false, "wrong_amount": true} {
		before := sink.verified
		r := act(t, f.e, emulator.Action{Name: "notify", Order: "P-3", Params: map[string]string{"variant": variant}})
		if got := sink.verified > before; got != verified || r.Deliveries[0].Exchange.Signature.Valid != verified {
			t.Errorf("%s: merchant verified %v, self-check %v; want %v", variant, got, r.Deliveries[0].Exchange.Signature.Valid, verified)
		}
	}
	r := act(t, f.e, emulator.Action{Name: "notify", Order: "P-3", Params: map[string]string{"variant": "concurrent"}})
	if len(r.Deliveries) != 10 {
		t.Fatalf("concurrent: %d copies", len(r.Deliveries))
	}
}

func TestLaunchPage_PaysAndRedirectsBackToTheMiniApp(t *testing.T) {
	f := newFixture(t, nil)
	sink := newSink(t, &f.gkey.PublicKey, `{"responseCode":"2005600"}`)
	_, b := f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody("P-4", "15000.00", sink.srv.URL+"/v1.0/debit/notify", "http://mini.app.test/return?o=P-4"), nil)
	page := b.Get("webRedirectUrl").String()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(page)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("page: %v %v", err, resp)
	}
	resp.Body.Close()
	resp, err = client.Post(page+"/pay", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || loc != "http://mini.app.test/return?o=P-4&status=success" {
		t.Fatalf("after pay: %d %s", resp.StatusCode, loc)
	}
	if p := f.e.Payments()[0]; p.Status != StatusPaid || sink.verified != 1 {
		t.Fatalf("payment %+v, notifies verified %d", p, sink.verified)
	}
}

func TestHostileInput_AnsweredNeverCrashes(t *testing.T) {
	f := newFixture(t, nil)
	deep := strings.Repeat("[", 10000)
	for _, c := range []struct{ path, body string }{
		{"/v1/mini-apps/authorizations/token", deep},
		{"/v1/mini-apps/authorizations/token", "not json"},
		{"/v1.0/access-token/b2b", strings.Repeat("x", 2<<20)},
		{"/v1.0/debit/payment-host-to-host", `{"partnerReferenceNo":`},
		{"/nope", "{}"},
	} {
		st, _ := f.do("POST", c.path, basic(credential), c.body)
		if st < 400 || st >= 500 {
			t.Errorf("%s %q…: HTTP %d, want a 4xx", c.path, c.body[:min(len(c.body), 10)], st)
		}
	}
}

func TestAct_RefusesUnknownActionsAndParams(t *testing.T) {
	f := newFixture(t, nil)
	if _, err := f.e.Act(t.Context(), emulator.Action{Name: "pay", Order: "P-x", Params: map[string]string{"notfy": "drop"}}); err == nil {
		t.Fatal("misspelt param accepted")
	}
	if _, err := f.e.Act(t.Context(), emulator.Action{Name: "respond_next", Params: map[string]string{"api": "cashback", "code": "5005401"}}); err == nil {
		t.Fatal("a SNAP code for a mini-app API accepted")
	}
	if _, err := f.e.IssueAuthCode("bad user!", "", false); err == nil {
		t.Fatal("bad user id accepted")
	}
}

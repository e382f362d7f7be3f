package purwantara

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
)

// Purwantara answers a create with status 201 (its own API monitor,
// github.com/ilhamgepe/automate-ppn-api, counts anything else as a failed
// create on every channel) in the {status, success, data} envelope its PHP
// client's tests expect.
func TestCreate_EachChannelAnswers201InTheEnvelopeAndIsRecorded(t *testing.T) {
	instrument := map[string]string{"virtual-account": "data.va_number", "qris": "data.qr_string",
		"ewallet/ovo": "data.customer_phone", "ewallet/shopeepay": "data.checkout_url",
		"payment-link": "data.payment_link_url", "counter": "data.payment_code", "ewallet/dana": "data.checkout_url"}
	f := newFixture(t, noCreateHook)
	for _, ch := range channels {
		t.Run(ch.path, func(t *testing.T) {
			status, res := f.do(http.MethodPost, "/v1/"+ch.path, validBodies[ch.path])
			if status != http.StatusCreated || res.Get("status").Int() != 201 || !res.Get("success").Bool() {
				t.Fatalf("HTTP %d %s", status, res.Raw)
			}
			if keys := topKeys(res); keys != "status,success,data" {
				t.Errorf("envelope keys %s, want status,success,data", keys)
			}
			if !uuidPattern.MatchString(res.Get("data.uuid").Str) {
				t.Errorf("data.uuid %q", res.Get("data.uuid").Str)
			}
			if res.Get("data.status").Str != StatusActive || res.Get("data.amount").Str != "15000.0000" {
				t.Errorf("data %s", res.Get("data").Raw)
			}
			if res.Get(instrument[ch.path]).Str == "" {
				t.Errorf("%s missing in %s", instrument[ch.path], res.Get("data").Raw)
			}
			call := f.lastCall(ch.api)
			if call.ResponseCode != "201" || call.Signature == nil || !call.Signature.Valid || len(call.Violations) != 0 {
				t.Errorf("call %+v", call)
			}
		})
	}
	if got := len(f.e.Calls(APICreate)); got != len(channels) {
		t.Errorf("Calls(create) = %d, want %d", got, len(channels))
	}
}

func TestCreate_RejectsMissingOrWrongToken(t *testing.T) {
	cases := []struct {
		name, auth, detail string
	}{
		{"no header", "", "no Authorization header"},
		{"basic scheme", "Basic " + testToken, "not \"Bearer <token>\""},
		{"empty bearer", "Bearer ", "not \"Bearer <token>\""},
		{"wrong token", "Bearer nope-nope-nope", "not the team's API token"},
		{"webhook secret as token", "Bearer " + testSecret, "is the webhook secret"},
	}
	f := newFixture(t, noCreateHook)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, res := f.do(http.MethodPost, "/v1/qris", validBodies["qris"], "Authorization", c.auth)
			if status != http.StatusUnauthorized || res.Get("error.message").Str != "Unauthenticated." ||
				res.Get("error.code").Str != "UNAUTHENTICATED" || res.Get("success").Bool() {
				t.Fatalf("HTTP %d %s", status, res.Raw)
			}
			call := f.lastCall("create_qris")
			if call.ResponseCode != "401" || call.Signature.Valid || !strings.Contains(call.Signature.Detail, c.detail) {
				t.Errorf("call code %s check %+v", call.ResponseCode, call.Signature)
			}
			if strings.Contains(call.Signature.Detail, testSecret) || strings.Contains(call.Signature.Detail, testToken) {
				t.Error("the check detail leaks a secret")
			}
		})
	}
	if n := len(f.e.Transactions()); n != 0 {
		t.Errorf("%d transactions created without a valid token", n)
	}
}

func TestCreate_ValidatesLikeLaravel(t *testing.T) {
	cases := []struct {
		name, path, body, field, message string
	}{
		{"amount missing", "qris", `{"order_id":"Q"}`, "amount", "The amount field is required."},
		{"amount not numeric", "qris", `{"amount":"15rb","order_id":"Q"}`, "amount", "The amount must be a number."},
		{"amount zero", "qris", `{"amount":0,"order_id":"Q"}`, "amount", "The amount must be greater than 0."},
		{"amount 5 decimals", "qris", `{"amount":"1.00001","order_id":"Q"}`, "amount", "The amount must be a number."},
		{"amount negative", "qris", `{"amount":-5,"order_id":"Q"}`, "amount", "The amount must be a number."},
		{"reference missing", "virtual-account", `{"expected_amount":1,"name":"N","bank":"BRI"}`, "external_id", "The external id field is required."},
		{"reference not a string", "qris", `{"amount":1,"order_id":7}`, "order_id", "The order id must be a string."},
		{"bank unknown", "virtual-account", `{"expected_amount":1,"name":"N","bank":"XYZ","external_id":"V"}`, "bank", "The selected bank is invalid."},
		{"outlet unknown", "counter", `{"expected_amount":1,"name":"N","payment_channel":"Warung","external_id":"C"}`, "payment_channel", "The selected payment channel is invalid."},
		{"phone malformed", "ewallet/ovo", `{"amount":1,"external_id":"O","customer_phone":"12345"}`, "customer_phone", "The customer phone format is invalid."},
		{"ovo wants external_id", "ewallet/ovo", `{"amount":1,"order_id":"O","customer_phone":"081234567890"}`, "external_id", "The external id field is required."},
		{"shopeepay wants external_id", "ewallet/shopeepay", `{"amount":1,"order_id":"S"}`, "external_id", "The external id field is required."},
		{"dana wants external_id", "ewallet/dana", `{"amount":1,"order_id":"D"}`, "external_id", "The external id field is required."},
		{"dana pay_return relative", "ewallet/dana", `{"amount":1,"external_id":"D","pay_return":"/back"}`, "pay_return", "The pay return must be a valid URL."},
		{"return url relative", "payment-link", `{"amount":1,"title":"T","external_id":"P","return_url":"/back"}`, "return_url", "The return url must be a valid URL."},
		{"expiry past", "virtual-account", `{"expected_amount":1,"name":"N","bank":"BRI","external_id":"V","expired_at":"2026-03-02T09:00:00+07:00"}`, "expired_at", "The expired at must be a date after now."},
		{"expiry malformed", "payment-link", `{"amount":1,"title":"T","external_id":"P","expires_at":"tomorrow"}`, "expires_at", "The expires at is not a valid date."},
		{"name too long", "virtual-account", `{"expected_amount":1,"name":"` + strings.Repeat("n", 256) + `","bank":"BRI","external_id":"V"}`, "name", "The name must not be greater than 255 characters."},
	}
	f := newFixture(t, noCreateHook)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, res := f.do(http.MethodPost, "/v1/"+c.path, c.body)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("HTTP %d %s", status, res.Raw)
			}
			if !isErrorShape(res, 422, "VALIDATION_ERROR") || res.Get("error.message").Str != c.message {
				t.Errorf("%s: want error.message %q, got %s", c.field, c.message, res.Raw)
			}
		})
	}
}

func TestCreate_ReportsEveryInvalidFieldAtOnce(t *testing.T) {
	f := newFixture(t, noCreateHook)
	status, res := f.do(http.MethodPost, "/v1/virtual-account", `{"bank":"BRI"}`)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("HTTP %d", status)
	}
	want := "The expected amount field is required. The external id field is required. The name field is required."
	if got := res.Get("error.message").Str; got != want || !isErrorShape(res, 422, "VALIDATION_ERROR") {
		t.Errorf("error.message %q, want %q (%s)", got, want, res.Raw)
	}
}

// A reference is unique per channel, and on virtual accounts and QRIS per
// bank or acquirer: a second create with the same bank (or none, for
// QRIS) is 422.
func TestCreate_ReferenceIsUniquePerChannel(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("qris", validBodies["qris"])
	status, res := f.do(http.MethodPost, "/v1/qris", validBodies["qris"])
	if status != http.StatusUnprocessableEntity || res.Get("error.message").Str != "The order id has already been taken." {
		t.Fatalf("HTTP %d %s", status, res.Raw)
	}
	// The same reference on another channel is another transaction.
	f.mustCreate("ewallet/shopeepay", strings.Replace(validBodies["ewallet/shopeepay"], "SP-1", "QR-1", 1))
	if _, err := f.e.Act(context.Background(), emulator.Action{Name: "pay", Order: "QR-1"}); err == nil || !strings.Contains(err.Error(), "use the uuid") {
		t.Errorf("ambiguous reference: want an error naming both uuids, got %v", err)
	}
}

func TestCreate_NonJSONBodyIs400(t *testing.T) {
	f := newFixture(t, noCreateHook)
	for _, body := range []string{"", "amount=1", "[1]", `{"amount":`} {
		if status, res := f.do(http.MethodPost, "/v1/qris", body); status != http.StatusBadRequest || !isErrorShape(res, 400, "BAD_REQUEST") {
			t.Errorf("%q: HTTP %d %s", body, status, res.Raw)
		}
	}
}

func TestCreate_OversizeBodyIs413(t *testing.T) {
	f := newFixture(t, noCreateHook)
	body := `{"amount":1,"order_id":"Q","transaction_description":"` + strings.Repeat("x", emulator.MaxRequestBody) + `"}`
	if status, res := f.do(http.MethodPost, "/v1/qris", body); status != http.StatusRequestEntityTooLarge || !isErrorShape(res, 413, "PAYLOAD_TOO_LARGE") {
		t.Errorf("HTTP %d, want 413", status)
	}
	if x := f.lastCall("create_qris").Exchange; !x.Request.Truncated || len(x.Request.Body) > emulator.MaxRecordedBody {
		t.Error("the oversize body must be recorded truncated")
	}
}

func TestCreate_MissingAcceptIsAViolation(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.do(http.MethodPost, "/v1/qris", validBodies["qris"], "Accept", "")
	if v := f.lastCall("create_qris").Violations; len(v) != 1 || !strings.Contains(v[0], "Accept") {
		t.Errorf("violations %v", v)
	}
}

func TestCreate_FarExpiryIsAcceptedWithAViolation(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("virtual-account", `{"expected_amount":1,"name":"N","bank":"BRI","external_id":"V","expired_at":"2026-06-01T00:00:00+07:00"}`)
	if v := f.lastCall("create_virtual_account").Violations; len(v) != 1 || !strings.Contains(v[0], "MaxValidity") {
		t.Errorf("violations %v", v)
	}
}

func TestUnknownPath_Is404ListingTheRealOnes(t *testing.T) {
	f := newFixture(t, noCreateHook)
	for _, p := range []string{"/v1/virtual_account", "/virtual-account", "/v1/qris/"} {
		status, res := f.do(http.MethodPost, p, validBodies["qris"])
		if status != http.StatusNotFound || !isErrorShape(res, 404, "NOT_FOUND") ||
			!strings.Contains(res.Get("error.message").Str, "POST /v1/ewallet/dana") {
			t.Errorf("%s: HTTP %d %s", p, status, res.Raw)
		}
	}
	if n := len(f.e.Calls(APIUnknown)); n != 3 {
		t.Errorf("recorded %d unknown_path calls, want 3", n)
	}
}

func TestNew_RefusesUnusableOptions(t *testing.T) {
	cases := map[string]Options{
		"no token":         {WebhookSecret: testSecret},
		"no secret":        {Token: testToken},
		"same values":      {Token: testToken, WebhookSecret: testToken},
		"bad callback":     {Token: testToken, WebhookSecret: testSecret, CallbackURL: "/hook"},
		"zero retry delay": {Token: testToken, WebhookSecret: testSecret, NotifyRetry: []time.Duration{0}},
	}
	for name, o := range cases {
		if _, err := New(o); err == nil {
			t.Errorf("%s: New accepted %+v", name, o)
		}
	}
}

// Whatever the body, a create answers in the envelope with one of the
// documented statuses and never panics.
func FuzzCreate(f *testing.F) {
	for _, b := range validBodies {
		f.Add(b, uint8(0))
	}
	f.Add(`{"amount":1e309,"order_id":"\ud800"}`, uint8(1))
	f.Add(`{"expected_amount":"99999999999999","bank":null}`, uint8(0))
	e, err := New(Options{Token: testToken, WebhookSecret: testSecret, SkipCreateWebhook: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = e.Close() })
	f.Fuzz(func(t *testing.T, body string, ch uint8) {
		c := channels[int(ch)%len(channels)]
		req := httptest.NewRequest(http.MethodPost, "/v1/"+c.path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusCreated, http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("HTTP %d for %q", rec.Code, body)
		}
		if _, err := ReencodePHP(rec.Body.Bytes()); err != nil {
			t.Fatalf("answer is not JSON: %v: %s", err, rec.Body.Bytes())
		}
	})
}

// A payment link's return_url is optional and may be null: the published
// sample payload sends "return_url" => null (seed 002 §4 Step 1). Absent,
// null and empty all create the link, and its webhook carries null.
func TestCreate_PaymentLinkReturnURLMayBeNull(t *testing.T) {
	f := newFixture(t)
	for i, rest := range []string{``, `,"return_url":null`, `,"return_url":""`} {
		ref := fmt.Sprintf("PL-N%d", i)
		body := `{"amount":"10000","title":"Demo","description":"Demo","external_id":"` + ref + `"` + rest + `}`
		status, res := f.do(http.MethodPost, "/v1/payment-link", body)
		if status != http.StatusCreated || res.Get("data.return_url").Type != gjson.Null {
			t.Fatalf("%s: HTTP %d %s", body, status, res.Raw)
		}
	}
	for _, h := range f.waitHooks(3) {
		if v := gjson.GetBytes(h.body, "return_url"); !v.Exists() || v.Type != gjson.Null {
			t.Errorf("webhook return_url %s: %s", v.Raw, h.body)
		}
	}
}

// Purwantara's API monitor (ilhamgepe/automate-ppn-api @73b2993
// tests/virtual_account.go, tests/qris.go, tests/Channels.go) sends one
// external_id to all eight VA banks and one order_id to the acquirers
// shopeepay, qris_doku and qrisdana, and counts anything but status 201
// as an error. Each answers 201; a repeat on the same bank or acquirer is
// still 422, and the shared reference names no single transaction.
func TestCreate_OneReferencePerBankAndPerAcquirer(t *testing.T) {
	f := newFixture(t, noCreateHook)
	banks := []string{"CIMB", "PERMATA", "MANDIRI", "BSI", "BCA", "BNI", "BRI", "DANAMON"}
	for _, bank := range banks {
		body := `{"expected_amount":25000,"name":"Test Virtual Account ` + bank + `","bank":"` + bank +
			`","description":"Description ` + bank + `","external_id":"EXT-ID-2026-3-2-10-0","merchant_trx_id":"MTX-ID-2026-3-2-10-0"}`
		if status, res := f.do(http.MethodPost, "/v1/virtual-account", body); status != http.StatusCreated || res.Get("status").Int() != 201 {
			t.Errorf("VA %s: HTTP %d %s", bank, status, res.Raw)
		}
	}
	for _, acq := range []string{"shopeepay", "qris_doku", "qrisdana"} {
		body := `{"amount":25000,"transaction_description":"Description ` + acq + `","customer_phone":"089675544503",` +
			`"payment_channel":"` + acq + `","payment_method":"wallet","order_id":"ORD-2026-3-2","merchant_trx_id":"MTX-2026-3-2"}`
		if status, res := f.do(http.MethodPost, "/v1/qris", body); status != http.StatusCreated || res.Get("status").Int() != 201 {
			t.Errorf("QRIS %s: HTTP %d %s", acq, status, res.Raw)
		}
	}
	if n := len(f.e.Transactions()); n != len(banks)+3 {
		t.Fatalf("%d transactions, want %d", n, len(banks)+3)
	}
	dupVA := `{"expected_amount":1,"name":"N","bank":"bca","external_id":"EXT-ID-2026-3-2-10-0"}`
	if status, res := f.do(http.MethodPost, "/v1/virtual-account", dupVA); status != http.StatusUnprocessableEntity ||
		res.Get("error.message").Str != "The external id has already been taken." {
		t.Errorf("same bank again: HTTP %d %s", status, res.Raw)
	}
	dupQR := `{"amount":1,"order_id":"ORD-2026-3-2","payment_channel":"QRISDANA"}`
	if status, res := f.do(http.MethodPost, "/v1/qris", dupQR); status != http.StatusUnprocessableEntity ||
		res.Get("error.message").Str != "The order id has already been taken." {
		t.Errorf("same acquirer again: HTTP %d %s", status, res.Raw)
	}
	_, err := f.e.Act(context.Background(), emulator.Action{Name: "pay", Order: "ORD-2026-3-2"})
	if err == nil || !strings.Contains(err.Error(), "qris SHOPEEPAY") || !strings.Contains(err.Error(), "use the uuid") {
		t.Errorf("a reference shared by acquirers: want an error naming both, got %v", err)
	}
}

package dana

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

func TestCreateOrder_AnswersReferenceAndHostedCheckoutURL(t *testing.T) {
	f := newFixture(t)
	status, res, hdr := f.serve(f.request(pathOf(APICreateOrder), mustJSON(t, f.createBody("INV-1", "10000.00")), ""))
	if status != http.StatusOK || res.Get("responseCode").Str != "2005400" || res.Get("responseMessage").Str != redirectSuccessMessage {
		t.Fatalf("HTTP %d %s", status, res.Raw)
	}
	ref := res.Get("referenceNo").Str
	if ref == "" || strings.Trim(ref, "0123456789") != "" {
		t.Errorf("referenceNo %q is not a DANA-style numeric id", ref)
	}
	if got, want := res.Get("webRedirectUrl").Str, "http://example.com/checkout/"+ref; got != want {
		t.Errorf("webRedirectUrl = %q, want %q", got, want)
	}
	if res.Get("partnerReferenceNo").Str != "INV-1" {
		t.Errorf("partnerReferenceNo not echoed: %s", res.Raw)
	}
	if hdr.Get(HeaderEmulator) != "dana-gapura/test" {
		t.Errorf("%s = %q", HeaderEmulator, hdr.Get(HeaderEmulator))
	}
	o := f.order("INV-1")
	if o.Status != StatusInit || o.StatusCode != "01" || o.ReferenceNo != ref {
		t.Errorf("order after create: %+v", o)
	}
}

// TestCreateOrder_AnswersEveryValidationCode covers §1.2 and §1.6 in the
// order DANA checks them; each case breaks one rule of a valid request.
func TestCreateOrder_AnswersEveryValidationCode(t *testing.T) {
	past := snap.FormatTimestamp(start.Add(-time.Minute))
	cases := []struct {
		name    string
		body    func(map[string]any) // edits the body before signing
		header  func(http.Header)    // edits headers after signing
		rawBody string               // replaces the body, signed as is
		code    string
		message string
	}{
		{name: "missing Content-Type", header: del("Content-Type"), code: "4005402", message: "Invalid Mandatory Field Content-Type"},
		{name: "empty X-TIMESTAMP", header: set("X-TIMESTAMP", ""), code: "4005402", message: "Invalid Mandatory Field X-TIMESTAMP"},
		{name: "missing X-SIGNATURE", header: del("X-SIGNATURE"), code: "4005402", message: "Invalid Mandatory Field X-SIGNATURE"},
		{name: "missing X-PARTNER-ID", header: del("X-PARTNER-ID"), code: "4005402", message: "Invalid Mandatory Field X-PARTNER-ID"},
		{name: "missing X-EXTERNAL-ID", header: del("X-EXTERNAL-ID"), code: "4005402", message: "Invalid Mandatory Field X-EXTERNAL-ID"},
		{name: "missing CHANNEL-ID", header: del("CHANNEL-ID"), code: "4005402", message: "Invalid Mandatory Field CHANNEL-ID"},
		{name: "X-TIMESTAMP with a space", header: set("X-TIMESTAMP", "2026-03-02 10:00:00+07:00"), code: "4005401", message: "Invalid Field Format X-TIMESTAMP"},
		{name: "X-TIMESTAMP in UTC", header: set("X-TIMESTAMP", "2026-03-02T03:00:00Z"), code: "4005401", message: "Invalid Field Format X-TIMESTAMP"},
		{name: "X-EXTERNAL-ID over 36", header: set("X-EXTERNAL-ID", strings.Repeat("9", 37)), code: "4005401", message: "Invalid Field Format X-EXTERNAL-ID"},
		{name: "Content-Type not JSON", header: set("Content-Type", "text/plain"), code: "4005401", message: "Invalid Field Format Content-Type"},
		{name: "garbage signature", header: set("X-SIGNATURE", "abcde"), code: "4015400", message: "Unauthorized. Invalid Signature"},
		{name: "unknown partner", header: set("X-PARTNER-ID", "someone-else"), code: "4015400", message: "Unauthorized. Unknown X-PARTNER-ID"},
		{name: "header error before bad signature", header: func(h http.Header) { h.Set("X-SIGNATURE", "abcde"); h.Set("X-TIMESTAMP", "yesterday") }, code: "4005401", message: "Invalid Field Format X-TIMESTAMP"},
		{name: "body not JSON", rawBody: `{"partnerReferenceNo":`, header: set("X-SIGNATURE", "abcde"), code: "4005401", message: "Invalid Field Format request body"},
		{name: "missing partnerReferenceNo", body: edit("partnerReferenceNo", deleteIt), code: "4005402", message: "Invalid Mandatory Field partnerReferenceNo"},
		{name: "missing merchantId", body: edit("merchantId", ""), code: "4005402", message: "Invalid Mandatory Field merchantId"},
		{name: "amount without decimals", body: edit("amount.value", "1500"), code: "4005401", message: "Invalid Field Format amount"},
		{name: "amount in USD", body: edit("amount.currency", "USD"), code: "4005401", message: "Invalid Field Format amount"},
		{name: "amount value missing", body: edit("amount.value", deleteIt), code: "4005402", message: "Invalid Mandatory Field amount.value"},
		{name: "amount format before validUpTo range", body: both(edit("amount.value", "1500"), edit("validUpTo", past)), code: "4005401", message: "Invalid Field Format amount"},
		{name: "mandatory before format", body: both(edit("amount.value", "1500"), edit("merchantId", deleteIt)), code: "4005402", message: "Invalid Mandatory Field merchantId"},
		{name: "validUpTo in UTC", body: edit("validUpTo", "2026-03-02T03:30:00Z"), code: "4005401", message: "Invalid Field Format validUpTo"},
		{name: "validUpTo in the past", body: edit("validUpTo", past), code: "4005401", message: "Invalid Field Format validUpTo"},
		{name: "validUpTo missing", body: edit("validUpTo", deleteIt), code: "4005402", message: "Invalid Mandatory Field validUpTo"},
		{name: "urlParams missing", body: edit("urlParams", deleteIt), code: "4005402", message: "Invalid Mandatory Field urlParams"},
		{name: "no PAY_RETURN", body: edit("urlParams", []any{map[string]any{"url": "https://shop.example/n", "type": "NOTIFICATION", "isDeeplink": "N"}}), code: "4005402", message: "Invalid Mandatory Field urlParams"},
		{name: "unknown urlParams type", body: edit("urlParams", []any{map[string]any{"url": "https://shop.example/r", "type": "RETURN", "isDeeplink": "N"}}), code: "4005401", message: "Invalid Field Format urlParams.type"},
		{name: "isDeeplink not Y/N", body: edit("urlParams", []any{map[string]any{"url": "https://shop.example/r", "type": "PAY_RETURN", "isDeeplink": "no"}}), code: "4005401", message: "Invalid Field Format urlParams.isDeeplink"},
		{name: "relative PAY_RETURN", body: edit("urlParams", []any{map[string]any{"url": "/return", "type": "PAY_RETURN", "isDeeplink": "N"}}), code: "4005401", message: "Invalid Field Format urlParams.url"},
		{name: "mcc missing", body: edit("additionalInfo.mcc", deleteIt), code: "4005402", message: "Invalid Mandatory Field additionalInfo.mcc"},
		{name: "envInfo missing", body: edit("additionalInfo.envInfo", deleteIt), code: "4005402", message: "Invalid Mandatory Field additionalInfo.envInfo"},
		{name: "sourcePlatform missing", body: edit("additionalInfo.envInfo.sourcePlatform", deleteIt), code: "4005402", message: "Invalid Mandatory Field additionalInfo.envInfo.sourcePlatform"},
		{name: "terminalType unknown", body: edit("additionalInfo.envInfo.terminalType", "BROWSER"), code: "4005401", message: "Invalid Field Format additionalInfo.envInfo.terminalType"},
		{name: "additionalInfo missing", body: edit("additionalInfo", deleteIt), code: "4005402", message: "Invalid Mandatory Field additionalInfo"},
		{name: "old REDIRECTION scenario", body: edit("additionalInfo.order.scenario", "REDIRECTION"), code: "4005401", message: "Invalid Field Format additionalInfo.order.scenario"},
		{name: "orderTitle missing", body: edit("additionalInfo.order.orderTitle", deleteIt), code: "4005402", message: "Invalid Mandatory Field additionalInfo.order.orderTitle"},
		{name: "API without payOptionDetails", body: edit("additionalInfo.order.scenario", "API"), code: "4005402", message: "Invalid Mandatory Field payOptionDetails"},
		{name: "partnerReferenceNo is a number", body: edit("partnerReferenceNo", 42), code: "4005401", message: "Invalid Field Format partnerReferenceNo"},
		{name: "another merchant", body: edit("merchantId", "216620000000000000001"), code: "4045408", message: "Invalid Merchant"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			body := f.createBody("INV-V", "10000.00")
			if tc.body != nil {
				tc.body(body)
			}
			raw := mustJSON(t, body)
			if tc.rawBody != "" {
				raw = []byte(tc.rawBody)
			}
			req := f.request(pathOf(APICreateOrder), raw, "")
			if tc.header != nil {
				tc.header(req.Header)
			}
			status, res, _ := f.serve(req)
			if got := res.Get("responseCode").Str; got != tc.code || res.Get("responseMessage").Str != tc.message {
				t.Fatalf("got %s %q, want %s %q (%s)", got, res.Get("responseMessage").Str, tc.code, tc.message, res.Raw)
			}
			if status != httpStatus(tc.code) {
				t.Errorf("HTTP %d for %s", status, tc.code)
			}
			if len(f.e.Orders()) != 0 {
				t.Errorf("a rejected request created an order")
			}
			if calls := f.e.Calls(APICreateOrder); len(calls) != 1 || calls[0].ResponseCode != tc.code {
				t.Errorf("call not recorded with its code: %+v", calls)
			}
		})
	}
}

func del(name string) func(http.Header)    { return func(h http.Header) { h.Del(name) } }
func set(name, v string) func(http.Header) { return func(h http.Header) { h.Set(name, v) } }
func edit(path string, v any) func(map[string]any) {
	return func(m map[string]any) { setPath(m, path, v) }
}
func both(a, b func(map[string]any)) func(map[string]any) {
	return func(m map[string]any) { a(m); b(m) }
}

func TestCreateOrder_EchoesPartnerReferenceOnErrors(t *testing.T) {
	f := newFixture(t)
	body := f.createBody("INV-ECHO", "1500")
	_, res := f.post(pathOf(APICreateOrder), body)
	if res.Get("responseCode").Str != "4005401" || res.Get("partnerReferenceNo").Str != "INV-ECHO" {
		t.Fatalf("want 4005401 echoing INV-ECHO, got %s", res.Raw)
	}
}

// TestCreateOrder_VerifiesTheMinifiedReceivedBytes sends what dana-go sends
// (signed compact, wire with a trailing newline) and bodies whose key order
// and escapes a re-serialisation would change.
func TestCreateOrder_VerifiesTheMinifiedReceivedBytes(t *testing.T) {
	f := newFixture(t)
	vut := snap.FormatTimestamp(start.Add(20 * time.Minute))
	notify := f.merchant.URL + "/v1.0/debit/notify"
	wire := `{ "partnerReferenceNo" : "INV-\u0026-<b>", "merchantId":"` + testMerchant + `",
  "amount":{"value":"10000.00","currency":"IDR"}, "validUpTo":"` + vut + `",
  "urlParams":[{"url":"https://shop.example/r?a=1&b=2","type":"PAY_RETURN","isDeeplink":"N"},{"url":"` + notify + `","type":"NOTIFICATION","isDeeplink":"N"}],
  "additionalInfo":{"mcc":"5732","envInfo":{"terminalType":"SYSTEM","sourcePlatform":"IPG"},"order":{"orderTitle":"a, b: c","scenario":"REDIRECT"}}}` + "\n"
	status, res, _ := f.serve(f.request(pathOf(APICreateOrder), []byte(wire), ""))
	if status != http.StatusOK {
		t.Fatalf("pretty, unsorted, escaped body signed over its minified bytes: HTTP %d %s", status, res.Raw)
	}
	call := f.e.Calls(APICreateOrder)[0]
	if call.Signature == nil || !call.Signature.Valid || !strings.HasPrefix(call.Signature.Detail, "POST:/payment-gateway/v1.0/debit/payment-host-to-host.htm:") {
		t.Errorf("signature check not recorded: %+v", call.Signature)
	}

	// Signing a re-serialised (sorted, HTML-escaped) form instead of the
	// received bytes must fail: the emulator never re-serialises.
	var m map[string]any
	_ = json.Unmarshal([]byte(wire), &m)
	m["partnerReferenceNo"] = "INV-2"
	resorted := mustJSON(t, m)
	req := f.request(pathOf(APICreateOrder), resorted, "")
	req.Body = ioNop(bytes.Replace([]byte(wire), []byte("INV-\\u0026-<b>"), []byte("INV-2"), 1))
	if _, res, _ := f.serve(req); res.Get("responseCode").Str != "4015400" {
		t.Errorf("signature over a re-serialised body accepted: %s", res.Raw)
	}
}

func TestCreateOrder_RetryWithSameBodyReturnsSameOrder(t *testing.T) {
	f := newFixture(t)
	first := f.create("INV-IDEM", "10000.00")
	f.clk.Advance(time.Minute)
	body := f.createBody("INV-IDEM", "10000.00") // validUpTo recomputed, new X-EXTERNAL-ID
	_, again := f.post(pathOf(APICreateOrder), body)
	if again.Get("responseCode").Str != "2005400" || again.Get("referenceNo").Str != first.Get("referenceNo").Str ||
		again.Get("webRedirectUrl").Str != first.Get("webRedirectUrl").Str {
		t.Fatalf("retry answered %s, first %s", again.Raw, first.Raw)
	}
	status, changed := f.post(pathOf(APICreateOrder), f.createBody("INV-IDEM", "20000.00"))
	if status != http.StatusNotFound || changed.Get("responseCode").Str != "4045418" ||
		changed.Get("responseMessage").Str != "Inconsistent Request" || changed.Get("partnerReferenceNo").Str != "INV-IDEM" {
		t.Fatalf("changed amount: HTTP %d %s", status, changed.Raw)
	}
	if n := len(f.e.Orders()); n != 1 {
		t.Errorf("%d orders, want 1", n)
	}
}

func TestCreateOrder_RecordsToleratedViolations(t *testing.T) {
	cases := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"no NOTIFICATION", edit("urlParams", []any{map[string]any{"url": "https://shop.example/r", "type": "PAY_RETURN", "isDeeplink": "N"}}), "no NOTIFICATION entry"},
		{"validUpTo over a week", edit("validUpTo", snap.FormatTimestamp(start.Add(8*24*time.Hour))), "more than one week ahead"},
		{"scenario missing", edit("additionalInfo.order.scenario", deleteIt), "scenario is missing; treated as REDIRECT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A limit beyond DANA's documented week: the week is recorded, not refused.
			f := newFixture(t, func(o *Options) { o.ValidUpToMax = 30 * 24 * time.Hour })
			body := f.createBody("INV-VIOL", "10000.00")
			tc.edit(body)
			if _, res := f.post(pathOf(APICreateOrder), body); res.Get("responseCode").Str != "2005400" {
				t.Fatalf("tolerated deviation rejected: %s", res.Raw)
			}
			call := f.e.Calls(APICreateOrder)[0]
			if len(call.Violations) != 1 || !strings.Contains(call.Violations[0], tc.want) {
				t.Fatalf("violations %q, want one containing %q", call.Violations, tc.want)
			}
			if len(call.Exchange.Notes) != 1 {
				t.Errorf("violations not in the exchange notes: %+v", call.Exchange.Notes)
			}
		})
	}
}

func TestCreateOrder_ExternalIDReuse(t *testing.T) {
	cases := []struct {
		policy    string
		advance   time.Duration
		code      string
		violation string
	}{
		{ReuseRecord, 0, "2005400", `X-EXTERNAL-ID "sdk-fixed" reused within the day (first used by call #1)`},
		{ReuseReject, 0, "4095400", ""},
		{ReuseRecord, 14 * time.Hour, "2005400", ""}, // 10:00 → 00:00 next Jakarta day
	}
	for _, tc := range cases {
		t.Run(tc.policy+" "+tc.advance.String(), func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.ExternalIDReuse = tc.policy })
			for i, ref := range []string{"INV-A", "INV-B"} {
				if i == 1 {
					f.clk.Advance(tc.advance)
				}
				req := f.request(pathOf(APICreateOrder), mustJSON(t, f.createBody(ref, "10000.00")), "")
				req.Header.Set("X-EXTERNAL-ID", "sdk-fixed")
				_, res, _ := f.serve(req)
				if i == 1 && res.Get("responseCode").Str != tc.code {
					t.Fatalf("second call answered %s, want %s", res.Raw, tc.code)
				}
			}
			calls := f.e.Calls(APICreateOrder)
			got := strings.Join(calls[1].Violations, "|")
			if got != tc.violation {
				t.Errorf("violations %q, want %q", got, tc.violation)
			}
		})
	}
}

func TestCreateOrder_RejectsSkewedTimestampWhenConfigured(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.TimestampSkew = 5 * time.Minute })
	body := mustJSON(t, f.createBody("INV-SKEW", "10000.00"))
	_, res, _ := f.serve(f.request(pathOf(APICreateOrder), body, snap.FormatTimestamp(start.Add(-10*time.Minute))))
	if res.Get("responseCode").Str != "4005401" || res.Get("responseMessage").Str != "Invalid Field Format X-TIMESTAMP" {
		t.Fatalf("skewed timestamp: %s", res.Raw)
	}
	_, res, _ = f.serve(f.request(pathOf(APICreateOrder), body, snap.FormatTimestamp(start.Add(-4*time.Minute))))
	if res.Get("responseCode").Str != "2005400" {
		t.Fatalf("timestamp within skew: %s", res.Raw)
	}
}

func TestCreateOrder_DebugModeExplainsFailures(t *testing.T) {
	f := newFixture(t)
	for _, debug := range []bool{false, true} {
		req := f.request(pathOf(APICreateOrder), mustJSON(t, f.createBody("INV-DBG", "1500")), "")
		if debug {
			req.Header.Set("X-Debug-Mode", "true")
		}
		_, res, _ := f.serve(req)
		msg := res.Get("additionalInfo.debugMessage").Str
		if debug != (msg != "") {
			t.Errorf("debug=%v: debugMessage %q", debug, msg)
		}
		if debug && !strings.Contains(msg, `"10000.00"`) {
			t.Errorf("debugMessage does not show the expected form: %q", msg)
		}
	}
}

func TestCreateOrder_APIScenarioShapesTheAnswer(t *testing.T) {
	cases := []struct {
		method, option string
		redirect, code bool
	}{
		{"BALANCE", "", true, false},
		{"VIRTUAL_ACCOUNT", "VIRTUAL_ACCOUNT_CIMB", false, true},
		{"NETWORK_PAY", "NETWORK_PAY_PG_OVO", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			f := newFixture(t)
			body := f.createBody("INV-API", "11011.00")
			setPath(body, "additionalInfo.order.scenario", "API")
			body["payOptionDetails"] = []any{map[string]any{"payMethod": tc.method, "payOption": tc.option,
				"transAmount": map[string]any{"value": "11011.00", "currency": "IDR"}}}
			_, res := f.post(pathOf(APICreateOrder), body)
			if res.Get("responseCode").Str != "2005400" {
				t.Fatal(res.Raw)
			}
			if got := res.Get("webRedirectUrl").Exists(); got != tc.redirect {
				t.Errorf("webRedirectUrl present = %v, want %v", got, tc.redirect)
			}
			if got := res.Get("additionalInfo.paymentCode").Exists(); got != tc.code {
				t.Errorf("paymentCode present = %v, want %v", got, tc.code)
			}
			if v := f.order("INV-API"); v.Scenario != "API" {
				t.Errorf("scenario %q", v.Scenario)
			}
		})
	}
}

func TestCreateOrder_RefusesBodiesOverOneMiB(t *testing.T) {
	f := newFixture(t)
	big := append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), emulator.MaxRequestBody)...)
	big = append(big, `"}`...)
	status, res, _ := f.serve(f.request(pathOf(APICreateOrder), big, ""))
	if status != http.StatusRequestEntityTooLarge || res.Get("responseCode").Str != "4135400" {
		t.Fatalf("HTTP %d %s", status, res.Raw)
	}
	x := f.e.Calls(APICreateOrder)[0].Exchange
	if len(x.Request.Body) > emulator.MaxRecordedBody || !x.Request.Truncated {
		t.Errorf("recorded body %d bytes, truncated=%v", len(x.Request.Body), x.Request.Truncated)
	}
}

func TestServer_UnknownPathTeachesTheRealPaths(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/v1.0/debit/payment-host-to-host.htm", pathOf(APIQueryPayment) + "/"} {
		status, res, hdr := f.serve(f.request(path, []byte(`{}`), ""))
		if status != http.StatusNotFound || res.Get("responseCode").Str != "4040000" {
			t.Fatalf("%s: HTTP %d %s", path, status, res.Raw)
		}
		if msg := res.Get("additionalInfo.debugMessage").Str; !strings.Contains(msg, pathOf(APICreateOrder)) || !strings.Contains(msg, pathOf(APIConsultPay)) {
			t.Errorf("404 does not list the real paths: %q", msg)
		}
		if hdr.Get(HeaderEmulator) == "" {
			t.Error("404 lacks the emulator header")
		}
	}
	if n := len(f.e.Calls("unknown_path")); n != 2 {
		t.Errorf("%d unknown-path calls recorded, want 2", n)
	}
}

func TestCreateOrder_RecordsARedactedExchange(t *testing.T) {
	secret := "very-secret-client-value"
	f := newFixture(t, func(o *Options) { o.Redactor = evidence.NewRedactor(secret) })
	body := f.createBody("INV-RED", "10000.00")
	setPath(body, "additionalInfo.order.orderTitle", secret)
	f.post(pathOf(APICreateOrder), body)
	xs := f.e.Exchanges()
	if len(xs) != 1 {
		t.Fatalf("%d exchanges", len(xs))
	}
	x := xs[0]
	if x.Kind != evidence.KindMerchantCall || x.Label != APICreateOrder || x.Response == nil || x.Response.Status != 200 {
		t.Fatalf("exchange %+v", x)
	}
	if strings.Contains(x.Request.Body, secret) || !strings.Contains(x.Request.Body, evidence.Redacted) {
		t.Errorf("secret not redacted from the request body: %s", x.Request.Body)
	}
	if !x.At.Virtual.Equal(start) || x.At.Real.IsZero() || x.ID == "" {
		t.Errorf("stamp/id %+v %q", x.At, x.ID)
	}
}

// TestCreateOrder_SandboxPayOptions: a pay option DANA's sandbox does not
// offer is recorded (dana-go refuses it only in sandbox mode); offered ones
// and BALANCE's empty option are not.
func TestCreateOrder_SandboxPayOptions(t *testing.T) {
	cases := []struct {
		method, option string
		violation      bool
	}{
		{"BALANCE", "", false},
		{"VIRTUAL_ACCOUNT", "VIRTUAL_ACCOUNT_CIMB", false},
		{"NETWORK_PAY", "NETWORK_PAY_PG_QRIS", false},
		{"VIRTUAL_ACCOUNT", "VIRTUAL_ACCOUNT_BCA", true},
		{"NETWORK_PAY", "NETWORK_PAY_PG_OVO", true},
		{"OTC", "NETWORK_PAY_PC_INDOMARET", true},
	}
	for _, tc := range cases {
		t.Run(tc.option, func(t *testing.T) {
			f := newFixture(t)
			body := f.createBody("INV-SBX", "10000.00")
			setPath(body, "additionalInfo.order.scenario", "API")
			body["externalStoreId"] = "STORE-1"
			body["payOptionDetails"] = []any{map[string]any{"payMethod": tc.method, "payOption": tc.option,
				"transAmount": map[string]any{"value": "10000.00", "currency": "IDR"}}}
			if _, res := f.post(pathOf(APICreateOrder), body); res.Get("responseCode").Str != "2005400" {
				t.Fatalf("%s", res.Raw)
			}
			v := f.e.Calls(APICreateOrder)[0].Violations
			if got := len(v) > 0 && strings.Contains(strings.Join(v, " "), "not available in DANA's sandbox"); got != tc.violation {
				t.Errorf("violations %q, want a sandbox violation: %v", v, tc.violation)
			}
		})
	}
}

package purwantara

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// These tests pin facts from Purwantara's own code: its PHP client
// (github.com/PurwantaraID/purwantara-php) and the API monitor a Purwantara
// engineer runs against production (github.com/ilhamgepe/automate-ppn-api,
// tests/*.go and utils/api_response.go). docs/emulators/purwantara.md maps
// each one to its source.

// The monitor posts OVO, ShopeePay and DANA payments with external_id (not
// order_id) and their payment_channel words; the emulator takes them and
// reports external_id back, in the answer and in the webhook.
func TestCreate_EwalletsTakeExternalIDAsTheirReference(t *testing.T) {
	for _, path := range []string{"ewallet/ovo", "ewallet/shopeepay", "ewallet/dana"} {
		t.Run(path, func(t *testing.T) {
			f := newFixture(t)
			ref := gjson.Get(validBodies[path], "external_id").Str
			status, res := f.do(http.MethodPost, "/v1/"+path, validBodies[path])
			if status != http.StatusCreated || res.Get("data.external_id").Str != ref {
				t.Fatalf("HTTP %d %s", status, res.Raw)
			}
			f.act("pay", ref, nil) // the reference names the transaction
			hooks := f.waitHooks(2)
			if got := gjson.GetBytes(hooks[1].body, "external_id").Str; got != ref {
				t.Errorf("webhook external_id %q, want %q", got, ref)
			}
		})
	}
}

// The monitor's DANA test posts to /v1/ewallet/dana with amount,
// customer_email, description, customer_phone, payment_channel
// "wallet_dana", external_id, merchant_trx_id and pay_return, and expects
// status 201.
func TestCreate_DanaIsServedAtEwalletDana(t *testing.T) {
	f := newFixture(t)
	body := `{"amount":25000,"customer_email":"buyer@example.com","description":"DANA WALLET","customer_phone":"089675544501",` +
		`"payment_channel":"wallet_dana","external_id":"EXT-DANA-1","merchant_trx_id":"MTX-DANA-1","pay_return":"https://shop.example/return"}`
	status, res := f.do(http.MethodPost, "/v1/ewallet/dana", body)
	if status != http.StatusCreated || res.Get("status").Int() != 201 || res.Get("data.status").Str != StatusActive {
		t.Fatalf("HTTP %d %s", status, res.Raw)
	}
	if res.Get("data.merchant_trx_id").Str != "MTX-DANA-1" || !strings.Contains(res.Get("data.checkout_url").Str, "/simulator/") {
		t.Errorf("data %s", res.Get("data").Raw)
	}
	if c := f.lastCall("create_ewallet_dana"); c.ResponseCode != "201" || !c.Signature.Valid || len(c.Violations) != 0 {
		t.Errorf("call %+v", c)
	}
	uuid := res.Get("data.uuid").Str
	f.act("pay", uuid, nil)
	hook := f.waitHooks(2)[1].body
	if gjson.GetBytes(hook, "event.type").Str != "ewallet" || gjson.GetBytes(hook, "event.channel").Str != "DANA" ||
		gjson.GetBytes(hook, "channel_id").Int() != int64(channelIDs["DANA"]) || gjson.GetBytes(hook, "status").Str != StatusPaid {
		t.Errorf("webhook %s", hook)
	}
	if _, res := f.do(http.MethodGet, "/v1/ewallet/dana/inquiry/"+uuid, ""); res.Get("data.status").Str != StatusPaid {
		t.Errorf("inquiry %s", res.Raw)
	}
}

// The monitor creates virtual accounts for CIMB, PERMATA, MANDIRI, BSI, BCA,
// BNI, BRI and DANAMON, and counter payments with payment_channel
// "Alfamart" and an expired_at with fractional seconds.
func TestCreate_AcceptsTheMonitorsBanksAndFormats(t *testing.T) {
	f := newFixture(t, noCreateHook)
	for i, bank := range []string{"CIMB", "PERMATA", "MANDIRI", "BSI", "BCA", "BNI", "BRI", "DANAMON"} {
		body := `{"expected_amount":25000,"name":"Test Virtual Account","bank":"` + bank + `","description":"d",` +
			`"expired_at":"2026-03-02T12:00:00.123456789+07:00","external_id":"EXT-` + bank + `","merchant_trx_id":"MTX-` + bank + `"}`
		if status, res := f.do(http.MethodPost, "/v1/virtual-account", body); status != http.StatusCreated || res.Get("data.bank").Str != bank {
			t.Errorf("bank %s (%d): HTTP %d %s", bank, i, status, res.Raw)
		}
	}
	body := `{"expected_amount":25000,"name":"Test Counter","description":"d","payment_channel":"Alfamart",` +
		`"expired_at":"2026-03-02T12:00:00.5+07:00","external_id":"EXT-OTC","merchant_trx_id":"MTX-OTC"}`
	if status, res := f.do(http.MethodPost, "/v1/counter", body); status != http.StatusCreated {
		t.Errorf("counter: HTTP %d %s", status, res.Raw)
	}
}

// Errors are {"status","success":false,"error":{"code","message"}} with a
// string code: the monitor's ApiResponse reads Error.Code and
// Error.Message. The codes themselves are ours, and configurable.
func TestErrors_UseTheErrorObjectAndConfigurableCodes(t *testing.T) {
	f := newFixture(t, noCreateHook, func(o *Options) { o.ErrorCodes = map[int]string{422: "E_VALIDATION"} })
	status, res := f.do(http.MethodPost, "/v1/qris", `{"order_id":"Q"}`)
	if status != http.StatusUnprocessableEntity || !isErrorShape(res, 422, "E_VALIDATION") {
		t.Errorf("HTTP %d %s", status, res.Raw)
	}
	f.act("respond_next", "", map[string]string{"api": "inquiry", "status": "503", "code": "UPSTREAM_DOWN", "message": "Bank offline"})
	status, res = f.do(http.MethodGet, "/v1/qris/inquiry/x", "")
	if status != http.StatusServiceUnavailable || !isErrorShape(res, 503, "UPSTREAM_DOWN") || res.Get("error.message").Str != "Bank offline" {
		t.Errorf("injected: HTTP %d %s", status, res.Raw)
	}
	f.act("respond_next", "", map[string]string{"api": "cancel", "status": "402"})
	if status, res = f.do(http.MethodPost, "/v1/virtual-account/cancel/x", ""); !isErrorShape(res, 402, "PAYMENT_REQUIRED") {
		t.Errorf("status text code: HTTP %d %s", status, res.Raw)
	}
}

// Inquiry and cancel answer status 200 in the same envelope; only a create
// answers 201.
func TestInquiryAndCancel_Answer200(t *testing.T) {
	f := newFixture(t, noCreateHook)
	uuid := f.mustCreate("virtual-account", validBodies["virtual-account"])
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/v1/virtual-account/inquiry/" + uuid}, {http.MethodPost, "/v1/virtual-account/cancel/" + uuid},
	} {
		status, res := f.do(c.method, c.path, "")
		if status != http.StatusOK || res.Get("status").Int() != 200 || topKeys(res) != "status,success,data" {
			t.Errorf("%s %s: HTTP %d %s", c.method, c.path, status, res.Raw)
		}
	}
}

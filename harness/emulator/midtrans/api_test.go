package midtrans

import (
	"net/http"
	"strings"
	"testing"
)

func TestServer_RejectsBadCredentialsInMidtransShape(t *testing.T) {
	f := newFixture(t)
	f.create("AUTH-1", 10000)
	tests := []struct {
		name, key, path, method string
		wantField               string // error_messages (Snap) or status_code (Core)
	}{
		{"core, no key", "", "/v2/AUTH-1/status", http.MethodGet, "status_code"},
		{"core, wrong key", "SB-Mid-server-OTHER", "/v2/AUTH-1/status", http.MethodGet, "status_code"},
		{"core, client key", "SB-Mid-client-abc", "/v2/AUTH-1/cancel", http.MethodPost, "status_code"},
		{"snap, no key", "", "/snap/v1/transactions", http.MethodPost, "error_messages"},
		{"snap, wrong key", "SB-Mid-server-OTHER", "/snap/v1/transactions", http.MethodPost, "error_messages"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, m, h := f.callAs(tc.key, tc.method, tc.path, `{"transaction_details":{"order_id":"AUTH-2","gross_amount":1}}`)
			if st != http.StatusUnauthorized || m[tc.wantField] == nil {
				t.Fatalf("HTTP %d %v", st, m)
			}
			if tc.wantField == "status_code" && m["status_code"] != "401" {
				t.Fatalf("status_code %v (must be the string \"401\")", m["status_code"])
			}
			if h.Get(HeaderHint) == "" {
				t.Fatal("no teaching hint header")
			}
		})
	}
	if got := f.emu.Calls(APIStatus); len(got) != 2 || got[0].Signature.Valid || got[0].ResponseCode != "401" {
		t.Fatalf("auth failures not recorded as calls: %+v", got)
	}
	if _, m, _ := f.call(http.MethodGet, "/v2/AUTH-2/status", ""); m["status_code"] != "404" {
		t.Fatalf("a refused create must not create: %v", m)
	}
}

func TestSnapCreate_ValidatesLikeMidtrans(t *testing.T) {
	tests := []struct {
		name, body, wantMsg string
	}{
		{"no transaction_details", `{}`, "transaction_details is required"},
		{"no order_id", `{"transaction_details":{"gross_amount":1000}}`, "order_id is required"},
		{"order_id too long", `{"transaction_details":{"order_id":"` + strings.Repeat("x", 51) + `","gross_amount":1000}}`, "too long"},
		{"order_id bad chars", `{"transaction_details":{"order_id":"a b","gross_amount":1000}}`, "invalid characters"},
		{"no gross_amount", `{"transaction_details":{"order_id":"A"}}`, "gross_amount is required"},
		{"decimal gross_amount", `{"transaction_details":{"order_id":"A","gross_amount":10000.5}}`, "must be an integer"},
		{"zero gross_amount", `{"transaction_details":{"order_id":"A","gross_amount":0}}`, "greater than or equal to 1"},
		{"items do not add up", `{"transaction_details":{"order_id":"A","gross_amount":10000},"item_details":[{"name":"x","price":3000,"quantity":3}]}`, "not equal to the sum of item_details"},
		{"bad expiry unit", `{"transaction_details":{"order_id":"A","gross_amount":1000},"expiry":{"unit":"week","duration":1}}`, "expiry.unit"},
		{"not JSON", `[1]`, "JSON object"},
	}
	f := newFixture(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", tc.body)
			msgs, _ := m["error_messages"].([]any)
			if st != http.StatusBadRequest || len(msgs) == 0 || !strings.Contains(strings.Join(toStrings(msgs), "|"), tc.wantMsg) {
				t.Fatalf("HTTP %d %v; want 400 with %q", st, m, tc.wantMsg)
			}
		})
	}
}

// A used order_id is refused in Midtrans' published wording ("You will
// get API error message transaction_details.order_id sudah digunakan",
// Snap advanced features, Re-creating Snap Token for Particular Order).
func TestSnapCreate_RefusesAUsedOrderID(t *testing.T) {
	f := newFixture(t)
	f.create("DUP-1", 10000)
	f.act(actPay, "DUP-1", map[string]string{"notify": "drop", "payment_type": "gopay"})
	st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", `{"transaction_details":{"order_id":"DUP-1","gross_amount":10000}}`)
	if st != http.StatusBadRequest || toStrings(m["error_messages"].([]any))[0] != "transaction_details.order_id sudah digunakan" {
		t.Fatalf("HTTP %d %v", st, m)
	}
	if c := f.emu.Calls(APICreateTransaction); len(c) != 2 || c[1].ResponseCode != "400" {
		t.Fatalf("calls: %+v", c)
	}
}

// An expired or cancelled transaction frees its order_id (Expire
// Transaction: the order_id may be reused; Error Code and Response Code:
// "call API /cancel to re-use the Order ID"); the old transaction stays
// readable by its transaction_id.
func TestSnapCreate_ReusesAnExpiredOrCancelledOrderID(t *testing.T) {
	for _, how := range []string{"expire", "cancel"} {
		t.Run(how, func(t *testing.T) {
			f := newFixture(t)
			f.create("R-1", 10000)
			f.choose("R-1", "bank_transfer")
			old := f.emu.Transactions()[0].TransactionID
			if st, m, _ := f.call(http.MethodPost, "/v2/R-1/"+how, ""); st != http.StatusOK {
				t.Fatalf("%s: HTTP %d %v", how, st, m)
			}
			if st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", `{"transaction_details":{"order_id":"R-1","gross_amount":12000}}`); st != http.StatusCreated {
				t.Fatalf("reuse after %s: HTTP %d %v", how, st, m)
			}
			if _, m, _ := f.call(http.MethodGet, "/v2/"+old+"/status", ""); m["transaction_id"] != old || m["gross_amount"] != "10000.00" {
				t.Fatalf("old transaction by id: %v", m)
			}
			if _, m, _ := f.call(http.MethodGet, "/v2/R-1/status", ""); m["status_code"] != "404" {
				t.Fatalf("new Snap transaction before a choice: %v", m)
			}
		})
	}
}

func TestCore_TransitionsFollowTheStatusCycle(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(f *fixture)
		method     string
		path, body string
		wantHTTP   int
		wantCode   string
		wantStatus string
	}{
		{"cancel pending", nil, http.MethodPost, "/v2/T-1/cancel", "", 200, "200", StatusCancel},
		{"cancel settled", pay, http.MethodPost, "/v2/T-1/cancel", "", 412, "412", ""},
		{"expire pending", nil, http.MethodPost, "/v2/T-1/expire", "", 200, "407", StatusExpire},
		{"expire settled", pay, http.MethodPost, "/v2/T-1/expire", "", 412, "412", ""},
		{"refund pending", nil, http.MethodPost, "/v2/T-1/refund", `{"amount":1000}`, 412, "412", ""},
		{"refund full by default", pay, http.MethodPost, "/v2/T-1/refund", `{}`, 200, "200", StatusRefund},
		{"refund partial", pay, http.MethodPost, "/v2/T-1/refund", `{"refund_key":"k1","amount":4000}`, 200, "200", StatusPartialRefund},
		// Refund Transaction, "Error (Invalid Amount)": 414.
		{"refund too much", pay, http.MethodPost, "/v2/T-1/refund", `{"amount":10001}`, 414, "414", ""},
		{"refund fractional", pay, http.MethodPost, "/v2/T-1/refund", `{"amount":10.5}`, 400, "400", ""},
		{"direct refund", pay, http.MethodPost, "/v2/T-1/refund/online/direct", `{"amount":10000}`, 200, "200", StatusRefund},
		{"unknown id", nil, http.MethodGet, "/v2/NOPE/status", "", 404, "404", ""},
		{"status before a method is chosen", unchosen, http.MethodGet, "/v2/U-1/status", "", 404, "404", ""},
		{"cancel before a method is chosen", unchosen, http.MethodPost, "/v2/U-1/cancel", "", 404, "404", ""},
		{"expire before a method is chosen", unchosen, http.MethodPost, "/v2/U-1/expire", "", 404, "404", ""},
		{"status by Snap token", nil, http.MethodGet, "/v2/TOKEN/status", "", 404, "404", ""},
		{"refund bank transfer", payBank, http.MethodPost, "/v2/T-1/refund", `{"amount":1000}`, 412, "412", ""},
		{"direct refund bank transfer", payBank, http.MethodPost, "/v2/T-1/refund/online/direct", `{"amount":1000}`, 412, "412", ""},
		{"direct refund ovo", payOVO, http.MethodPost, "/v2/T-1/refund/online/direct", `{"amount":1000}`, 412, "412", ""},
		// Refund Transaction, amount: "Shopeepay and OVO does not support partial refund".
		{"partial refund ovo", payOVO, http.MethodPost, "/v2/T-1/refund", `{"amount":1000}`, 414, "414", ""},
		{"partial refund shopeepay", payShopee, http.MethodPost, "/v2/T-1/refund", `{"amount":1000}`, 414, "414", ""},
		{"full refund ovo", payOVO, http.MethodPost, "/v2/T-1/refund", `{"amount":10000}`, 200, "200", StatusRefund},
		{"unknown path", nil, http.MethodPost, "/v2/charge", "{}", 404, "404", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.create("T-1", 10000)
			f.choose("T-1", "gopay")
			if tc.setup != nil {
				tc.setup(f)
			}
			path := strings.Replace(tc.path, "TOKEN", f.emu.Transactions()[0].Token, 1)
			st, m, _ := f.call(tc.method, path, tc.body)
			if st != tc.wantHTTP || m["status_code"] != tc.wantCode {
				t.Fatalf("HTTP %d status_code %v (%v); want %d %s", st, m["status_code"], m["status_message"], tc.wantHTTP, tc.wantCode)
			}
			if tc.wantStatus != "" && m["transaction_status"] != tc.wantStatus {
				t.Fatalf("transaction_status %v, want %s", m["transaction_status"], tc.wantStatus)
			}
		})
	}
}

func payShopee(f *fixture) {
	f.act(actPay, "T-1", map[string]string{"notify": "drop", "payment_type": "shopeepay"})
}

func pay(f *fixture) { f.act(actPay, "T-1", map[string]string{"notify": "drop"}) }

func payBank(f *fixture) {
	f.act(actPay, "T-1", map[string]string{"notify": "drop", "payment_type": "bank_transfer"})
}

func payOVO(f *fixture) {
	f.act(actPay, "T-1", map[string]string{"notify": "drop", "payment_type": "ovo"})
}

// unchosen replaces T-1 with a Snap transaction whose shopper has not
// chosen a method yet.
func unchosen(f *fixture) { f.create("U-1", 10000) }

func TestRefund_RefundKeyIsIdempotent(t *testing.T) {
	f := newFixture(t)
	f.create("T-1", 10000)
	f.choose("T-1", "gopay")
	pay(f)
	_, first, _ := f.call(http.MethodPost, "/v2/T-1/refund", `{"refund_key":"r-1","amount":3000}`)
	_, again, h := f.call(http.MethodPost, "/v2/T-1/refund", `{"refund_key":"r-1","amount":3000}`)
	if again["refund_chargeback_id"] != first["refund_chargeback_id"] || h.Get(HeaderHint) == "" {
		t.Fatalf("retry with the same refund_key made a new refund: %v then %v", first, again)
	}
	st, diff, _ := f.call(http.MethodPost, "/v2/T-1/refund", `{"refund_key":"r-1","amount":5000}`)
	if st != http.StatusNotAcceptable || diff["status_code"] != "406" {
		t.Fatalf("same key, other amount: HTTP %d %v", st, diff)
	}
	_, status, _ := f.call(http.MethodGet, "/v2/T-1/status", "")
	if status["refund_amount"] != "3000.00" || status["transaction_status"] != StatusPartialRefund {
		t.Fatalf("refunded twice: %v", status)
	}
}

func TestRespondNext_InjectsOneAnswer(t *testing.T) {
	f := newFixture(t)
	f.create("T-1", 10000)
	f.choose("T-1", "gopay")
	pay(f)
	f.act(actRespondNext, "", map[string]string{"api": APIRefund, "code": "500"})
	if st, m, _ := f.call(http.MethodPost, "/v2/T-1/refund", `{"refund_key":"r","amount":1000}`); st != 500 || m["status_code"] != "500" {
		t.Fatalf("injected: HTTP %d %v", st, m)
	}
	if st, m, _ := f.call(http.MethodPost, "/v2/T-1/refund", `{"refund_key":"r","amount":1000}`); st != 200 || m["transaction_status"] != StatusPartialRefund {
		t.Fatalf("after injection: HTTP %d %v", st, m)
	}
}

func TestEvidence_NeverHoldsTheServerKey(t *testing.T) {
	f := newFixture(t)
	f.create("T-1", 10000)
	f.callAs("SB-Mid-server-TEST", http.MethodGet, "/v2/T-1/status", "")
	for _, x := range f.emu.Exchanges() {
		for k, vs := range x.Request.Headers {
			for _, v := range vs {
				if strings.Contains(v, "U0ItTWlk") || strings.Contains(v, testKey) {
					t.Fatalf("header %s leaks the key: %q", k, v)
				}
			}
		}
		if strings.Contains(x.Request.Body+x.Request.URL, testKey) {
			t.Fatal("body or URL leaks the key")
		}
	}
}

func toStrings(in []any) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i], _ = v.(string)
	}
	return out
}

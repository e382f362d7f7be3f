package astapa

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

const (
	testID     = "cl_test"
	testSecret = "sk_test_very_secret"
)

type hook struct {
	srv    *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	bodies []map[string]any
}

type fixture struct {
	t    *testing.T
	clk  *clock.Fake
	emu  *Emulator
	hook *hook
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	h := &hook{}
	h.status.Store(http.StatusOK)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		h.mu.Lock()
		h.bodies = append(h.bodies, m)
		h.mu.Unlock()
		w.WriteHeader(int(h.status.Load()))
	}))
	t.Cleanup(h.srv.Close)
	f := &fixture{t: t, clk: clock.NewFake(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC)), hook: h}
	emu, err := New(Options{ClientID: testID, ClientSecret: testSecret, WebhookURL: h.srv.URL + "/hook",
		Clock: f.clk, Redactor: evidence.NewRedactor(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	f.emu = emu
	return f
}

func (f *fixture) call(method, path, body string) (int, map[string]any) {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.emu.URL()+path, bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		f.t.Fatalf("non-JSON answer %q", raw)
	}
	return resp.StatusCode, m
}

func createBody(over map[string]any) string {
	m := map[string]any{"client_id": testID, "client_secret": testSecret, "amount": 15000, "order_id": "A-1",
		"buyer_email": "buyer@example.com", "buyer_name": "Budi", "item_name": "Kopi",
		"metadata": map[string]any{"store_id": "s1", "store_slug": "warung"}}
	for k, v := range over {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (f *fixture) act(name, order string, params map[string]string) emulator.Result {
	f.t.Helper()
	res, err := f.emu.Act(context.Background(), emulator.Action{Name: name, Order: order, Params: params})
	if err != nil {
		f.t.Fatalf("%s: %v", name, err)
	}
	return res
}

func TestCreate_AnswersInvoiceURLAndVerifyReportsPending(t *testing.T) {
	f := newFixture(t)
	st, m := f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	if st != http.StatusOK || m["order_id"] != "A-1" || !strings.HasPrefix(m["invoice_url"].(string), f.emu.URL()+"/invoice/pur_") {
		t.Fatalf("HTTP %d %v", st, m)
	}
	st, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", "")
	if st != http.StatusOK || v["status"] != "pending" || v["redirect_url"] != f.emu.URL()+"/warung" {
		t.Fatalf("verify HTTP %d %v", st, v)
	}
}

func TestCreate_RefusesWhatAstapaRequires(t *testing.T) {
	tests := []struct {
		name string
		over map[string]any
		want int
		key  string
	}{
		{"wrong secret", map[string]any{"client_secret": "nope"}, 401, "error"},
		{"no credentials", map[string]any{"client_id": nil, "client_secret": nil}, 401, "error"},
		{"decimal string amount", map[string]any{"amount": "15000.00"}, 422, "amount"},
		{"integer string amount", map[string]any{"amount": "15000"}, 422, "amount"},
		{"fractional amount", map[string]any{"amount": 15000.5}, 422, "amount"},
		{"decimal-point amount", map[string]any{"amount": json.RawMessage("15000.0")}, 422, "amount"},
		{"no amount", map[string]any{"amount": nil}, 422, "amount"},
		{"no order_id", map[string]any{"order_id": nil}, 422, "order_id"},
		{"no buyer_email", map[string]any{"buyer_email": nil}, 422, "buyer_email"},
		{"bad buyer_email", map[string]any{"buyer_email": "not-an-email"}, 422, "buyer_email"},
		{"metadata not an object", map[string]any{"metadata": "x"}, 422, "metadata"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			st, m := f.call(http.MethodPost, "/api/platform/shop-payment", createBody(tc.over))
			if st != tc.want {
				t.Fatalf("HTTP %d %v, want %d", st, m, tc.want)
			}
			if tc.want == 422 && m["errors"].(map[string]any)[tc.key] == nil {
				t.Fatalf("no error for %s: %v", tc.key, m)
			}
			if _, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); v["error"] != "not_found" {
				t.Fatalf("a refused create created a payment: %v", v)
			}
		})
	}
}

func TestCreate_RefusesAReusedOrderID(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	if st, m := f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil)); st != http.StatusConflict || m["error"] != "duplicate_order_id" {
		t.Fatalf("HTTP %d %v", st, m)
	}
}

func TestEvidence_NeverHoldsTheClientSecret(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	for _, x := range f.emu.Exchanges() {
		if strings.Contains(x.Request.Body, testSecret) {
			t.Fatalf("client_secret in evidence: %s", x.Request.Body)
		}
	}
	if c := f.emu.Calls(APICreatePayment)[0]; !c.Signature.Valid || c.ResponseCode != "200" {
		t.Fatalf("call %+v", c)
	}
}

func TestPay_SendsItemPurchasedAndRetriesUntil2xx(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	f.hook.status.Store(http.StatusServiceUnavailable)
	f.act(actPay, "A-1", nil)
	f.hook.status.Store(http.StatusOK)
	f.clk.Advance(DefaultWebhookRetry[0])
	ds := f.emu.Deliveries("A-1")
	if len(ds) != 2 || ds[0].Acked || !ds[1].Acked {
		t.Fatalf("deliveries %+v", ds)
	}
	got := f.hook.bodies[0]
	want := map[string]any{"event": "item.purchased", "order_id": "A-1", "item_id": "__direct__", "amount": float64(15000),
		"currency": "IDR", "paid_at": "2026-05-06T10:00:00Z", "buyer_email": "buyer@example.com"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if got["metadata"].(map[string]any)["store_slug"] != "warung" {
		t.Errorf("metadata not echoed: %v", got["metadata"])
	}
	if _, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); v["status"] != "settlement" {
		t.Fatalf("verify after pay: %v", v)
	}
}

func TestTransitions_FollowTheStatusCycle(t *testing.T) {
	tests := []struct {
		steps []string
		want  string
		err   bool
	}{
		{[]string{actCancel}, StatusCancel, false},
		{[]string{actExpire}, StatusExpire, false},
		{[]string{actPay, actRefund}, StatusRefund, false},
		{[]string{actRefund}, "", true},
		{[]string{actPay, actCancel}, "", true},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.steps, "+"), func(t *testing.T) {
			f := newFixture(t)
			f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
			var err error
			for _, s := range tc.steps {
				_, err = f.emu.Act(context.Background(), emulator.Action{Name: s, Order: "A-1"})
			}
			if tc.err {
				if err == nil {
					t.Fatal("transition allowed")
				}
				return
			}
			if _, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); v["status"] != tc.want {
				t.Fatalf("status %v, want %s", v["status"], tc.want)
			}
		})
	}
}

func TestExpiry_After24Hours(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	f.clk.Advance(DefaultExpiry)
	if _, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); v["status"] != StatusExpire {
		t.Fatalf("status %v", v["status"])
	}
}

func TestVariants_ChangeNothingAtTheGateway(t *testing.T) {
	tests := []struct {
		variant string
		n       int
		check   func(m map[string]any) bool
	}{
		{"forged", 1, func(m map[string]any) bool { return m["order_id"] == "A-1" }},
		{"duplicate", 2, nil},
		{"concurrent", 5, nil},
		{"wrong_amount", 1, func(m map[string]any) bool { return m["amount"] == float64(14999) }},
		{"unknown_order", 1, func(m map[string]any) bool { return m["order_id"] == "A-1-UNKNOWN" }},
	}
	for _, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			f := newFixture(t)
			f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
			if ds := f.act(actNotify, "A-1", map[string]string{"variant": tc.variant}).Deliveries; len(ds) != tc.n {
				t.Fatalf("%d deliveries", len(ds))
			}
			if tc.check != nil && !tc.check(f.hook.bodies[0]) {
				t.Fatalf("body %v", f.hook.bodies[0])
			}
			want := "pending" // an adversarial webhook changes nothing
			if legitimate[tc.variant] {
				want = StatusSettlement // a legitimate one settles the payment first, so verify agrees
			}
			if _, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); v["status"] != want {
				t.Fatalf("after a %s webhook verify answers %v, want %s", tc.variant, v["status"], want)
			}
		})
	}
}

func TestRespondNext_InjectsAnHTTPError(t *testing.T) {
	f := newFixture(t)
	f.act(actRespondNext, "", map[string]string{"api": APIVerify, "code": "503"})
	if st, _ := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); st != 503 {
		t.Fatalf("HTTP %d", st)
	}
	if st, _ := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); st != 404 {
		t.Fatalf("HTTP %d after the injection", st)
	}
}

package midtransshop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const testKey = "SB-Mid-server-TEST"

// fakeMidtrans is a minimal stand-in for Snap and the Core API: it records
// every request and answers from a per-path queue (or a default).
type fakeMidtrans struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []recorded
	// answers maps "METHOD /path" suffix to queued (status, body) answers.
	answers map[string][]canned
}

type recorded struct {
	Method, Path, Auth string
	Body               map[string]any
}

type canned struct {
	status int
	body   string
}

func newFake(t *testing.T) *fakeMidtrans {
	f := &fakeMidtrans{answers: map[string][]canned{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeMidtrans) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	user, _, _ := r.BasicAuth()
	f.mu.Lock()
	f.got = append(f.got, recorded{r.Method, r.URL.Path, user, body})
	var ans canned
	for suffix, q := range f.answers {
		if strings.HasSuffix(r.Method+" "+r.URL.Path, suffix) && len(q) > 0 {
			ans, f.answers[suffix] = q[0], q[1:]
			break
		}
	}
	f.mu.Unlock()
	if ans.status == 0 {
		ans = canned{http.StatusCreated, `{"token":"tok-1","redirect_url":"https://app.example/snap/v4/redirection/tok-1"}`}
	}
	w.WriteHeader(ans.status)
	_, _ = w.Write([]byte(ans.body))
}

func (f *fakeMidtrans) queue(suffix string, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[suffix] = append(f.answers[suffix], canned{status, body})
}

func (f *fakeMidtrans) requests(suffix string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.got {
		if strings.HasSuffix(r.Method+" "+r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func newShop(t *testing.T, f *fakeMidtrans, faults ...string) *Shop {
	t.Helper()
	s, err := New(Config{GatewayURL: f.srv.URL, ServerKey: testKey, PublicURL: "http://shop.test", Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func do(t *testing.T, s *Shop, method, path, body string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, bytes.NewBufferString(body)))
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m
}

func checkout(t *testing.T, s *Shop, amount string) string {
	t.Helper()
	st, m := do(t, s, http.MethodPost, "/checkout", `{"amount":"`+amount+`"}`)
	if st != http.StatusOK {
		t.Fatalf("checkout: %d %v", st, m)
	}
	return m["order_id"].(string)
}

// signedNotification builds a Midtrans notification body signed with key.
func signedNotification(order, status, code, gross, key string) string {
	b, _ := json.Marshal(map[string]string{"order_id": order, "transaction_status": status, "status_code": code,
		"gross_amount": gross, "fraud_status": "accept", "signature_key": signatureKey(order, code, gross, key)})
	return string(b)
}

func orderOf(t *testing.T, s *Shop, id string) map[string]any {
	t.Helper()
	_, m := do(t, s, http.MethodGet, "/orders/"+id, "")
	return m
}

func TestSignatureKey_MatchesMidtransVector(t *testing.T) {
	want := "524fc9f8844dad2dcf02248b69c99aac1382aa6f5dad8745d4bfce852c86dfe899f1916720121a08d92d1e436c9bb7e419315ab3a880f3f20cd3bf3db70939bb"
	if got := signatureKey("ORDER-123", "200", "10000.00", testKey); got != want {
		t.Fatalf("got %s", got)
	}
}

func TestCheckout_SendsAnIntegerGrossAmountWithTheServerKey(t *testing.T) {
	f := newFake(t)
	s := newShop(t, f)
	id := checkout(t, s, "15000.00")
	r := f.requests("POST /snap/v1/transactions")[0]
	td := r.Body["transaction_details"].(map[string]any)
	if r.Auth != testKey || td["order_id"] != id || td["gross_amount"] != float64(15000) {
		t.Fatalf("request %+v", r)
	}
	if fin := r.Body["callbacks"].(map[string]any)["finish"]; fin != "http://shop.test/finish" {
		t.Fatalf("finish %v", fin)
	}
}

func TestCheckout_ForgetsAnOrderMidtransRefused(t *testing.T) {
	f := newFake(t)
	f.queue("POST /snap/v1/transactions", 400, `{"error_messages":["transaction_details.order_id has already been taken"]}`)
	s := newShop(t, f)
	st, m := do(t, s, http.MethodPost, "/checkout", `{"amount":"15000"}`)
	if st != http.StatusBadGateway || !strings.Contains(m["error"].(string), "already been taken") {
		t.Fatalf("%d %v", st, m)
	}
}

func TestNotify_AppliesOnlyVerifiedNotificationsForTheRightAmount(t *testing.T) {
	tests := []struct {
		name       string
		body       func(id string) string
		wantHTTP   int
		wantStatus string
		wantFulfil float64
	}{
		{"settlement", func(id string) string { return signedNotification(id, "settlement", "200", "15000.00", testKey) }, 200, "paid", 1},
		{"capture accepted", func(id string) string { return signedNotification(id, "capture", "200", "15000.00", testKey) }, 200, "paid", 1},
		{"pending", func(id string) string { return signedNotification(id, "pending", "201", "15000.00", testKey) }, 200, "pending", 0},
		{"expire", func(id string) string { return signedNotification(id, "expire", "202", "15000.00", testKey) }, 200, "expired", 0},
		{"deny", func(id string) string { return signedNotification(id, "deny", "202", "15000.00", testKey) }, 200, "pending", 0}, // Snap stays open after a deny
		{"wrong key", func(id string) string {
			return signedNotification(id, "settlement", "200", "15000.00", "SB-Mid-server-X")
		}, 401, "pending", 0},
		{"own amount format", func(id string) string { return signedNotification(id, "settlement", "200", "15000", testKey) }, 400, "pending", 0},
		{"other amount", func(id string) string { return signedNotification(id, "settlement", "200", "1.00", testKey) }, 400, "pending", 0},
		{"unknown order", func(string) string { return signedNotification("MT-nope", "settlement", "200", "15000.00", testKey) }, 404, "pending", 0},
		{"not JSON", func(string) string { return "order_id=1" }, 400, "pending", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t, newFake(t))
			id := checkout(t, s, "15000")
			if st, m := do(t, s, http.MethodPost, NotifyPath, tc.body(id)); st != tc.wantHTTP {
				t.Fatalf("HTTP %d %v, want %d", st, m, tc.wantHTTP)
			}
			if o := orderOf(t, s, id); o["status"] != tc.wantStatus || o["fulfilments"] != tc.wantFulfil {
				t.Fatalf("order %v", o)
			}
		})
	}
}

func TestNotify_ConcurrentDuplicatesFulfilOnce(t *testing.T) {
	s := newShop(t, newFake(t))
	id := checkout(t, s, "15000")
	body := signedNotification(id, "settlement", "200", "15000.00", testKey)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, _ := do(t, s, http.MethodPost, NotifyPath, body); st != http.StatusOK {
				t.Errorf("duplicate answered %d", st)
			}
		}()
	}
	wg.Wait()
	late := signedNotification(id, "pending", "201", "15000.00", testKey)
	do(t, s, http.MethodPost, NotifyPath, late)
	if o := orderOf(t, s, id); o["status"] != "paid" || o["fulfilments"] != float64(1) {
		t.Fatalf("order %v", o)
	}
}

func TestRefund_RetriesWithTheSameRefundKey(t *testing.T) {
	f := newFake(t)
	s := newShop(t, f)
	id := checkout(t, s, "15000")
	do(t, s, http.MethodPost, NotifyPath, signedNotification(id, "settlement", "200", "15000.00", testKey))
	f.queue("/refund", 500, `{"status_code":"500","status_message":"Internal Server Error"}`)
	f.queue("/refund", 200, `{"status_code":"200","transaction_status":"partial_refund"}`)
	if st, m := do(t, s, http.MethodPost, "/orders/"+id+"/refund", `{"amount":"5000"}`); st != http.StatusOK {
		t.Fatalf("refund %d %v", st, m)
	}
	rs := f.requests("/refund")
	if len(rs) != 2 || rs[0].Body["refund_key"] != rs[1].Body["refund_key"] || rs[1].Body["amount"] != float64(5000) {
		t.Fatalf("refund requests %+v", rs)
	}
	if st, _ := do(t, s, http.MethodPost, "/orders/"+id+"/refund", `{"amount":"10001"}`); st != http.StatusConflict {
		t.Fatalf("over-refund answered %d", st)
	}
	if o := orderOf(t, s, id); o["status"] != "partially_refunded" || o["refunded"] != "5000" {
		t.Fatalf("order %v", o)
	}
}

func TestCancel_BelievesMidtrans(t *testing.T) {
	f := newFake(t)
	s := newShop(t, f)
	id := checkout(t, s, "15000")
	f.queue("/cancel", 412, `{"status_code":"412","status_message":"Transaction status cannot be updated."}`)
	if st, _ := do(t, s, http.MethodPost, "/orders/"+id+"/cancel", ""); st != http.StatusConflict {
		t.Fatalf("refused cancel answered %d", st)
	}
	f.queue("/cancel", 200, `{"status_code":"200","transaction_status":"cancel"}`)
	if st, m := do(t, s, http.MethodPost, "/orders/"+id+"/cancel", ""); st != http.StatusOK || m["status"] != "cancelled" {
		t.Fatalf("cancel %d %v", st, m)
	}
}

func TestFinishPage_ShowsButNeverPays(t *testing.T) {
	s := newShop(t, newFake(t))
	id := checkout(t, s, "15000")
	if st, _ := do(t, s, http.MethodGet, "/finish?order_id="+id+"&status_code=200&transaction_status=settlement", ""); st != http.StatusOK {
		t.Fatalf("finish page %d", st)
	}
	if o := orderOf(t, s, id); o["status"] != "pending" {
		t.Fatalf("finish redirect changed the order: %v", o)
	}
}

func TestParseRupiah(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"15000", 15000, true}, {"15000.00", 15000, true}, {"15000.50", 0, false},
		{"0", 0, false}, {"-5", 0, false}, {"+5", 0, false}, {"abc", 0, false}, {"", 0, false},
	}
	for _, tc := range tests {
		got, err := parseRupiah(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseRupiah(%q) = %d, %v", tc.in, got, err)
		}
	}
}

func TestNew_RefusesUnknownFaultsAndBadConfig(t *testing.T) {
	if _, err := New(Config{GatewayURL: "http://x", ServerKey: testKey, Faults: []string{"nope"}}); err == nil {
		t.Fatal("unknown fault accepted")
	}
	if _, err := New(Config{GatewayURL: "x", ServerKey: ""}); err == nil {
		t.Fatal("bad config accepted")
	}
	if len(Faults()) != len(faultCatalogue) {
		t.Fatal("Faults() incomplete")
	}
}

// A refund Midtrans answers status_code 201 is pending: the shop books it
// when the refund notification lists its refund_key, and a second
// notification of the same refund books nothing more. The
// refund-pending-as-done fault books it at once.
func TestRefund_PendingIsBookedOnceWhenMidtransReportsIt(t *testing.T) {
	for _, tc := range []struct {
		fault             string
		wantHTTP          int
		beforeStatus      string
		beforeRefunded    string
		afterNotification string
	}{
		{"", http.StatusAccepted, "paid", "0", "15000"},
		{faultRefundPendingAsDone, http.StatusOK, "refunded", "15000", "15000"},
	} {
		t.Run("fault="+tc.fault, func(t *testing.T) {
			f := newFake(t)
			var faults []string
			if tc.fault != "" {
				faults = append(faults, tc.fault)
			}
			s := newShop(t, f, faults...)
			id := checkout(t, s, "15000")
			do(t, s, http.MethodPost, NotifyPath, signedNotification(id, "settlement", "200", "15000.00", testKey))
			f.queue("/refund", 200, `{"status_code":"201","status_message":"Success, refund request is received and is being processed","transaction_status":"settlement","refund_amount":"15000.00"}`)
			st, m := do(t, s, http.MethodPost, "/orders/"+id+"/refund", `{"amount":"15000"}`)
			key, _ := m["refund_key"].(string)
			if st != tc.wantHTTP || key == "" {
				t.Fatalf("refund answered %d %v", st, m)
			}
			if o := orderOf(t, s, id); o["status"] != tc.beforeStatus || o["refunded"] != tc.beforeRefunded {
				t.Fatalf("order while the refund is pending: %v", o)
			}
			note, _ := json.Marshal(map[string]any{"order_id": id, "transaction_status": "refund", "status_code": "200",
				"gross_amount": "15000.00", "fraud_status": "accept", "signature_key": signatureKey(id, "200", "15000.00", testKey),
				"refund_amount": "15000.00", "refunds": []map[string]string{{"refund_key": key, "refund_amount": "15000.00"}}})
			for i := range 2 {
				if st, m := do(t, s, http.MethodPost, NotifyPath, string(note)); st != http.StatusOK {
					t.Fatalf("refund notification #%d answered %d %v", i+1, st, m)
				}
			}
			if o := orderOf(t, s, id); o["status"] != "refunded" || o["refunded"] != tc.afterNotification || o["fulfilments"] != float64(1) {
				t.Fatalf("order after the refund notifications: %v", o)
			}
		})
	}
}

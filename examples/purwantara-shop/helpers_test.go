package purwantarashop

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testToken  = "tok_live_merchant_001"
	testSecret = "team_secret_for_hooks"
)

// seen is one request the fake Purwantara received.
type seen struct {
	Method, Path, Auth, Accept string
	Body                       map[string]any
}

// fakePPN is a minimal Purwantara written for these tests only (the shop
// must never be tested against code it could share bugs with).
type fakePPN struct {
	mu     sync.Mutex
	reqs   []seen
	status int // HTTP status for creates; 0 = 201, as Purwantara answers
	// createStatus overrides the body's status of a successful create (0 =
	// the HTTP status).
	createStatus int
	inquiry      string // status inquiry answers
	amount       string
	uuidSeq      int
	lastUUID     string
	srv          *httptest.Server
}

func newFakePPN(t *testing.T) *fakePPN {
	f := &fakePPN{inquiry: "ACTIVE", amount: "15000.0000"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePPN) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Accept"), body})
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"status":401,"success":false,"error":{"code":"UNAUTHENTICATED","message":"Unauthenticated."}}`)
		return
	}
	switch {
	case r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/cancel/"):
		fmt.Fprintf(w, `{"status":200,"success":true,"data":{"uuid":%q,"status":"CANCELLED","amount":%q}}`, f.lastUUID, f.amount)
	case r.Method == http.MethodPost:
		status := f.status
		if status == 0 {
			status = http.StatusCreated
		}
		if status >= 300 {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"status":%d,"success":false,"error":{"code":"REFUSED","message":"refused"}}`, status)
			return
		}
		body := status
		if f.createStatus != 0 {
			body = f.createStatus
		}
		f.uuidSeq++
		f.lastUUID = fmt.Sprintf("00000000-0000-4000-8000-%012d", f.uuidSeq)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"status":%d,"success":true,"data":{"uuid":%q,"status":"ACTIVE","amount":%q,"va_number":"8803000001","payment_link_url":"https:\/\/pay.example\/x"}}`, body, f.lastUUID, f.amount)
	default:
		fmt.Fprintf(w, `{"status":200,"success":true,"data":{"uuid":%q,"status":%q,"amount":%q}}`, f.lastUUID, f.inquiry, f.amount)
	}
}

func (f *fakePPN) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

// bench is a shop wired to a fake Purwantara.
type bench struct {
	shop *Shop
	srv  *httptest.Server
	ppn  *fakePPN
}

func newBench(t *testing.T, faults ...string) *bench {
	t.Helper()
	b := &bench{ppn: newFakePPN(t)}
	s, err := New(Config{GatewayURL: b.ppn.srv.URL, APIToken: testToken, WebhookSecret: testSecret, Faults: faults,
		Now: func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, jakarta) }})
	if err != nil {
		t.Fatal(err)
	}
	b.shop = s
	b.srv = httptest.NewServer(s.Handler())
	s.SetPublicURL(b.srv.URL)
	t.Cleanup(func() { b.srv.Close(); s.Close() })
	return b
}

// do sends a request to the shop and decodes its JSON answer.
func (b *bench) do(t *testing.T, method, path, body string, header http.Header) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// checkout creates an order and returns its id.
func (b *bench) checkout(t *testing.T, channel string) string {
	t.Helper()
	status, out := b.do(t, http.MethodPost, "/checkout", `{"amount":"15000","channel":"`+channel+`"}`, nil)
	if status != http.StatusOK {
		t.Fatalf("checkout %s: HTTP %d %v", channel, status, out)
	}
	return out["order_id"].(string)
}

func (b *bench) order(t *testing.T, id string) map[string]any {
	t.Helper()
	_, out := b.do(t, http.MethodGet, "/orders/"+id, "", nil)
	return out
}

// webhookBody is a payload written the way Purwantara writes it: PHP
// json_encode style with escaped slashes and \u escapes.
func webhookBody(uuid, id, status, amount string) []byte {
	return []byte(`{"uuid":"` + uuid + `","event":{"meta":{"customer_phone":null},"type":"payment-link","channel":"OVO"},` +
		`"title":"Pesanan toko uatrun \u2014 terima kasih","amount":"` + amount + `","status":"` + status + `",` +
		`"paid_at":null,"settle_at":null,"channel_id":8,"created_at":"2026-03-02T03:00:00.000000Z",` +
		`"expires_at":"2026-03-02T04:00:00.000000Z","return_url":"http:\/\/127.0.0.1\/return?order=` + id + `",` +
		`"description":null,"external_id":"` + id + `","payment_link_url":"http:\/\/pay.example\/x"}`)
}

func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func hookHeaders(sig, delivery string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"PPN-WH"}, "X-Ppn-Delivery": {delivery}}
	if sig != "" {
		h.Set("Signature", sig)
	}
	return h
}

// hook sends a validly signed webhook for order id with a delivery id.
func (b *bench) hook(t *testing.T, id, status, delivery string) int {
	t.Helper()
	o := b.order(t, id)
	body := webhookBody(o["uuid"].(string), id, status, "15000.0000")
	code, _ := b.do(t, http.MethodPost, WebhookPath, string(body), hookHeaders(sign(testSecret, body), delivery))
	return code
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

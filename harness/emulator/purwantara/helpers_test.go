package purwantara

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

const (
	testToken  = "ppn_test_token_4f1c9a"
	testSecret = "ppn_team_secret_9b2e7d"
)

// start is the virtual time every fixture begins at.
var start = time.Date(2026, 3, 2, 10, 0, 0, 0, snap.Jakarta)

// hook is one webhook the fake merchant received.
type hook struct {
	header http.Header
	body   []byte
}

// sink is a merchant webhook endpoint that records everything and answers
// with a status chosen per request (default 200).
type sink struct {
	mu     sync.Mutex
	got    []hook
	status func(n int) int // n counts from 1
	srv    *httptest.Server
}

func newSink(t testing.TB) *sink {
	s := &sink{status: func(int) int { return http.StatusOK }}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.got = append(s.got, hook{header: r.Header.Clone(), body: body})
		n, answer := len(s.got), s.status
		s.mu.Unlock()
		w.WriteHeader(answer(n))
		_, _ = w.Write([]byte(`{"success":true}`))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) hooks() []hook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hook(nil), s.got...)
}

// statuses lists the payload status of every webhook received, in order.
func (s *sink) statuses() []string {
	var out []string
	for _, h := range s.hooks() {
		out = append(out, gjson.GetBytes(h.body, "status").Str)
	}
	return out
}

// fixture is a started emulator on a fake clock with a recording merchant.
type fixture struct {
	t    testing.TB
	e    *Emulator
	clk  *clock.Fake
	sink *sink
	red  *evidence.Redactor
}

func newFixture(t testing.TB, mods ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, clk: clock.NewFake(start), sink: newSink(t), red: evidence.NewRedactor()}
	o := Options{Token: testToken, WebhookSecret: testSecret, CallbackURL: f.sink.srv.URL + "/webhooks/purwantara",
		Clock: f.clk, Version: "test", Redactor: f.red}
	for _, m := range mods {
		m(&o)
	}
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	f.e = e
	return f
}

// noCreateHook is an option for tests that count webhooks exactly.
func noCreateHook(o *Options) { o.SkipCreateWebhook = true }

// do sends a request to the emulator with the test token and JSON accept.
func (f *fixture) do(method, path, body string, hdr ...string) (int, gjson.Result) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.e.URL()+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, gjson.ParseBytes(b)
}

// validBodies are minimal valid create bodies per channel path.
var validBodies = map[string]string{
	"virtual-account":   `{"expected_amount":15000,"name":"Toko Kami","bank":"BRI","external_id":"VA-1","description":"Kopi"}`,
	"qris":              `{"amount":15000,"order_id":"QR-1","transaction_description":"Kopi"}`,
	"ewallet/ovo":       `{"amount":"15000","external_id":"OVO-1","customer_phone":"081234567890","payment_channel":"OVO"}`,
	"ewallet/shopeepay": `{"amount":15000,"external_id":"SP-1","return_url":"https://shop.example/return","payment_channel":"shopee_pay"}`,
	"payment-link":      `{"amount":"15000","title":"Kopi Susu","external_id":"PL-1","return_url":"https://shop.example/return"}`,
	"counter":           `{"expected_amount":15000,"name":"Toko Kami","payment_channel":"Alfamart","external_id":"OTC-1"}`,
	"ewallet/dana":      `{"amount":15000,"external_id":"DANA-1","customer_phone":"081234567890","payment_channel":"wallet_dana","pay_return":"https://shop.example/return"}`,
}

// mustCreate creates a transaction and returns its uuid.
func (f *fixture) mustCreate(path, body string) string {
	f.t.Helper()
	status, res := f.do(http.MethodPost, "/v1/"+path, body)
	if status != http.StatusCreated || !res.Get("success").Bool() {
		f.t.Fatalf("create %s: HTTP %d %s", path, status, res.Raw)
	}
	return res.Get("data.uuid").Str
}

// act runs a control action and fails the test on error.
func (f *fixture) act(name, order string, params map[string]string) emulator.Result {
	f.t.Helper()
	res, err := f.e.Act(context.Background(), emulator.Action{Name: name, Order: order, Params: params})
	if err != nil {
		f.t.Fatalf("%s %s: %v", name, order, err)
	}
	return res
}

// waitHooks waits (bounded, real time) for n webhooks: create webhooks are
// sent asynchronously after the answer.
func (f *fixture) waitHooks(n int) []hook {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		hs := f.sink.hooks()
		if len(hs) >= n || time.Now().After(deadline) {
			if len(hs) < n {
				f.t.Fatalf("want %d webhooks, got %d", n, len(hs))
			}
			return hs
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// lastCall returns the last recorded call to api.
func (f *fixture) lastCall(api string) emulator.Call {
	f.t.Helper()
	calls := f.e.Calls(api)
	if len(calls) == 0 {
		f.t.Fatalf("no %s call recorded", api)
	}
	return calls[len(calls)-1]
}

// verifyRaw is a merchant verifier that hashes the raw body.
func verifyRaw(secret string, h hook) bool {
	return h.header.Get(HeaderSignature) == Sign(secret, h.body)
}

// verifyReencoded is Purwantara's published PHP verifier:
// hash_hmac('sha256', json_encode(json_decode($raw, true)), $secret).
func verifyReencoded(secret string, h hook) bool {
	re, err := ReencodePHP(h.body)
	return err == nil && h.header.Get(HeaderSignature) == Sign(secret, re)
}

// topKeys lists a JSON object's keys in wire order, comma-separated.
func topKeys(res gjson.Result) string {
	var keys []string
	res.ForEach(func(k, _ gjson.Result) bool { keys = append(keys, k.Str); return true })
	return strings.Join(keys, ",")
}

// isErrorShape reports whether res is exactly Purwantara's error answer:
// {"status":status,"success":false,"error":{"code":code,"message":…}}.
func isErrorShape(res gjson.Result, status int, code string) bool {
	return topKeys(res) == "status,success,error" && res.Get("status").Int() == int64(status) &&
		res.Get("success").Type == gjson.False && topKeys(res.Get("error")) == "code,message" &&
		res.Get("error.code").Str == code && res.Get("error.message").Str != ""
}

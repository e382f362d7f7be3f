package midtrans

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/midtrans/midtrans-go"
	"github.com/midtrans/midtrans-go/coreapi"
	"github.com/midtrans/midtrans-go/snap"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

const testKey = "SB-Mid-server-TEST"

var testStart = time.Date(2026, 1, 2, 10, 0, 0, 0, jakarta)

// hook is the merchant's notification endpoint: it records every body and
// answers with a settable status.
type hook struct {
	srv    *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	bodies [][]byte
}

func newHook(t testing.TB) *hook {
	h := &hook{}
	h.status.Store(http.StatusOK)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		h.mu.Unlock()
		w.WriteHeader(int(h.status.Load()))
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) received() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]map[string]any, 0, len(h.bodies))
	for _, b := range h.bodies {
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		out = append(out, m)
	}
	return out
}

type fixture struct {
	t    testing.TB
	clk  *clock.Fake
	emu  *Emulator
	hook *hook
	red  *evidence.Redactor
}

func newFixture(t testing.TB, mutate ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, clk: clock.NewFake(testStart), hook: newHook(t), red: evidence.NewRedactor()}
	o := Options{ServerKey: testKey, NotifyURL: f.hook.srv.URL + "/midtrans/notification", Clock: f.clk,
		Redactor: f.red, Version: "test", FinishURL: f.hook.srv.URL + "/finish"}
	for _, m := range mutate {
		m(&o)
	}
	emu, err := New(o)
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

// rewrite sends midtrans-go's requests for the sandbox hosts to the
// emulator: the only change a merchant makes to point the client at it.
type rewrite struct{ target *url.URL }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
	req.Host = r.target.Host
	return http.DefaultTransport.RoundTrip(req)
}

// clients returns midtrans-go's Snap and Core API clients, unmodified but
// for an HTTP transport that reaches the emulator.
func (f *fixture) clients(key string) (snap.Client, coreapi.Client) {
	u, _ := url.Parse(f.emu.URL())
	hc := &midtrans.HttpClientImplementation{
		HttpClient: &http.Client{Transport: rewrite{u}, Timeout: 5 * time.Second},
		Logger:     &midtrans.LoggerImplementation{LogLevel: midtrans.NoLogging},
	}
	var s snap.Client
	s.New(key, midtrans.Sandbox)
	s.HttpClient = hc
	var c coreapi.Client
	c.New(key, midtrans.Sandbox)
	c.HttpClient = hc
	return s, c
}

// call makes a raw request with the test server key.
func (f *fixture) call(method, path, body string) (int, map[string]any, http.Header) {
	f.t.Helper()
	return f.callAs(testKey, method, path, body)
}

func (f *fixture) callAs(key, method, path, body string) (int, map[string]any, http.Header) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.emu.URL()+path, bytes.NewBufferString(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.SetBasicAuth(key, "")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		f.t.Fatalf("%s %s answered non-JSON %q", method, path, raw)
	}
	return resp.StatusCode, m, resp.Header
}

// create makes a Snap transaction with the raw API and fails the test
// unless it is created.
func (f *fixture) create(order string, gross int64) {
	f.t.Helper()
	body, _ := json.Marshal(map[string]any{"transaction_details": map[string]any{"order_id": order, "gross_amount": gross}})
	if st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", string(body)); st != http.StatusCreated {
		f.t.Fatalf("create %s: HTTP %d %v", order, st, m)
	}
}

// choose is the shopper picking a payment method in Snap (its pending
// notification dropped): from then on the Core API knows the transaction.
func (f *fixture) choose(order, paymentType string) {
	f.t.Helper()
	f.act(actChoose, order, map[string]string{"payment_type": paymentType, "notify": "drop"})
}

func (f *fixture) act(name, order string, params map[string]string) emulator.Result {
	f.t.Helper()
	res, err := f.emu.Act(context.Background(), emulator.Action{Name: name, Order: order, Params: params})
	if err != nil {
		f.t.Fatalf("%s %s: %v", name, order, err)
	}
	return res
}

func actionOf(name, order string, params map[string]string) emulator.Action {
	return emulator.Action{Name: name, Order: order, Params: params}
}

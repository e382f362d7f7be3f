package dana

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
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
	"github.com/uatrun/uatrun/harness/snap"
)

const (
	testPartner  = "2024052812345678"
	testMerchant = "216620000000000000000"
)

// start is the virtual time every fixture begins at.
var start = time.Date(2026, 3, 2, 10, 0, 0, 0, snap.Jakarta)

var (
	keyOnce            sync.Once
	merchantKey, gwKey *rsa.PrivateKey
	keyErr             error
)

// testKeys makes the merchant and gateway keys once per test binary.
func testKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		if merchantKey, keyErr = snap.GenerateKey(); keyErr == nil {
			gwKey, keyErr = snap.GenerateKey()
		}
	})
	if keyErr != nil {
		t.Fatal(keyErr)
	}
	return merchantKey, gwKey
}

// fixture is an emulator on a fake clock plus a merchant-under-test.
type fixture struct {
	t        testing.TB
	e        *Emulator
	clk      *clock.Fake
	merchant *merchant
	extSeq   int
	mu       sync.Mutex
}

// newFixture builds an emulator whose notifies go to a fresh merchant
// server; mods adjust the options first.
func newFixture(t testing.TB, mods ...func(*Options)) *fixture {
	t.Helper()
	mk, gk := testKeys(t)
	f := &fixture{t: t, clk: clock.NewFake(start)}
	f.merchant = newMerchant(t, &gk.PublicKey)
	o := Options{PartnerID: testPartner, MerchantID: testMerchant, MerchantPublicKey: &mk.PublicKey,
		GatewayPrivateKey: gk, Clock: f.clk, Version: "test"}
	for _, m := range mods {
		m(&o)
	}
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	f.e = e
	return f
}

// createBody is a valid hosted-checkout create-order body (§1.6) for ref.
func (f *fixture) createBody(ref, amount string) map[string]any {
	return map[string]any{
		"partnerReferenceNo": ref, "merchantId": testMerchant,
		"amount":    map[string]any{"value": amount, "currency": "IDR"},
		"validUpTo": snap.FormatTimestamp(f.clk.Now().Add(30 * time.Minute)),
		"urlParams": []any{
			map[string]any{"url": f.merchant.URL + "/return", "type": "PAY_RETURN", "isDeeplink": "N"},
			map[string]any{"url": f.merchant.URL + "/v1.0/debit/notify", "type": "NOTIFICATION", "isDeeplink": "N"},
		},
		"additionalInfo": map[string]any{
			"mcc":     "5732",
			"envInfo": map[string]any{"sourcePlatform": "IPG", "terminalType": "SYSTEM"},
			"order":   map[string]any{"orderTitle": "Order " + ref, "scenario": "REDIRECT"},
		},
	}
}

// request builds a request signed like dana-go: over the compacted body
// with X-TIMESTAMP ts ("" = the fake clock's now).
func (f *fixture) request(path string, body []byte, ts string) *http.Request {
	f.t.Helper()
	mk, _ := testKeys(f.t)
	if ts == "" {
		ts = snap.FormatTimestamp(f.clk.Now())
	}
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TIMESTAMP", ts)
	req.Header.Set("X-PARTNER-ID", testPartner)
	req.Header.Set("X-EXTERNAL-ID", f.nextExt())
	req.Header.Set("CHANNEL-ID", "95221")
	if sts, err := snap.AsymmetricStringToSign(http.MethodPost, path, body, ts); err == nil {
		sig, err := snap.SignRSA(mk, sts)
		if err != nil {
			f.t.Fatal(err)
		}
		req.Header.Set("X-SIGNATURE", sig)
	}
	return req
}

func (f *fixture) nextExt() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.extSeq++
	return fmt.Sprintf("sdk%033d", f.extSeq)
}

// serve runs req through Handler and returns the status and parsed body.
func (f *fixture) serve(req *http.Request) (int, gjson.Result, http.Header) {
	rec := httptest.NewRecorder()
	f.e.Handler().ServeHTTP(rec, req)
	return rec.Code, gjson.Parse(rec.Body.String()), rec.Header()
}

// post signs body (any JSON value, or raw []byte) and serves it.
func (f *fixture) post(path string, body any) (int, gjson.Result) {
	f.t.Helper()
	code, res, _ := f.serve(f.request(path, mustJSON(f.t, body), ""))
	return code, res
}

// create creates an order and fails the test unless it succeeds.
func (f *fixture) create(ref, amount string) gjson.Result {
	f.t.Helper()
	status, res := f.post(pathOf(APICreateOrder), f.createBody(ref, amount))
	if status != http.StatusOK || res.Get("responseCode").Str != "2005400" {
		f.t.Fatalf("create %s: HTTP %d %s", ref, status, res.Raw)
	}
	return res
}

// act runs an action and fails the test on error.
func (f *fixture) act(name, order string, params map[string]string) emulator.Result {
	f.t.Helper()
	res, err := f.e.Act(context.Background(), emulator.Action{Name: name, Order: order, Params: params})
	if err != nil {
		f.t.Fatalf("%s %s: %v", name, order, err)
	}
	return res
}

// order returns the emulator's view of one order.
func (f *fixture) order(ref string) OrderView {
	f.t.Helper()
	for _, o := range f.e.Orders() {
		if o.PartnerReferenceNo == ref {
			return o
		}
	}
	f.t.Fatalf("no order %s", ref)
	return OrderView{}
}

func refBody(ref string) map[string]any {
	return map[string]any{"merchantId": testMerchant, "originalPartnerReferenceNo": ref}
}

func queryBody(ref string) map[string]any {
	b := refBody(ref)
	b["serviceCode"] = "54"
	return b
}

func refundBody(ref, refundNo, amount string) map[string]any {
	b := refBody(ref)
	b["partnerRefundNo"] = refundNo
	b["refundAmount"] = map[string]any{"value": amount, "currency": "IDR"}
	return b
}

func pathOf(name string) string {
	a, _ := apiByName(name)
	return a.path
}

// mustJSON encodes like dana-go (sorted keys via maps); []byte passes as is.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	if b, ok := v.([]byte); ok {
		return b
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// setPath sets (or, with value deleteIt, removes) a dotted path in nested maps.
func setPath(m map[string]any, path string, value any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	last := parts[len(parts)-1]
	if value == deleteIt {
		delete(m, last)
		return
	}
	m[last] = value
}

type deleteMarker struct{}

var deleteIt = deleteMarker{}

// received is one notify the merchant got.
type received struct {
	Path     string
	Header   http.Header
	Body     []byte
	SigError error // verification with the gateway public key
	At       time.Time
}

// merchant is the merchant-under-test: it verifies finish notifies the way
// dana-go does and answers with whatever the test scripts.
type merchant struct {
	*httptest.Server
	pub    *rsa.PublicKey
	mu     sync.Mutex
	got    []received
	answer func(n int, r received) (int, string) // n counts from 1
	onHit  func(r received)
}

func newMerchant(t testing.TB, pub *rsa.PublicKey) *merchant {
	m := &merchant{pub: pub}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serveHTTP))
	t.Cleanup(m.Close)
	return m
}

func (m *merchant) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rec := received{Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	sts, err := snap.AsymmetricStringToSign(r.Method, r.URL.Path, body, r.Header.Get("X-TIMESTAMP"))
	if err == nil {
		err = snap.VerifyRSA(m.pub, sts, r.Header.Get("X-SIGNATURE"))
	}
	rec.SigError = err
	m.mu.Lock()
	m.got = append(m.got, rec)
	n, answer, hit := len(m.got), m.answer, m.onHit
	m.mu.Unlock()
	if hit != nil {
		hit(rec)
	}
	status, out := http.StatusOK, `{"responseCode":"2005600","responseMessage":"Successful"}`
	if answer != nil {
		status, out = answer(n, rec)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, out)
}

// notifies returns what the merchant received on the notify path.
func (m *merchant) notifies() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []received
	for _, r := range m.got {
		if r.Path == "/v1.0/debit/notify" {
			out = append(out, r)
		}
	}
	return out
}

func (m *merchant) setAnswer(f func(n int, r received) (int, string)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.answer = f
}

func ioNop(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

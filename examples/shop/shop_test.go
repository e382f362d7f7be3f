package shop

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode) // no route dump on stdout when run without -v
	os.Exit(m.Run())
}

// This file is the test bench: keys, a controllable clock, a tiny fake DANA
// with its own signature check, and helpers to drive the shop. Nothing here
// comes from uatrun's harness, on purpose.

const (
	testPartnerID  = "2024010100000001"
	testMerchantID = "216620000000000000000"
	testPublicURL  = "http://shop.test"
)

var (
	keysOnce                   sync.Once
	merchantKey, gatewayKey    *rsa.PrivateKey
	strangerKey                *rsa.PrivateKey // signs "wrong key" notifies
	merchantPEM, gatewayPubPEM []byte
)

func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		merchantKey, gatewayKey, strangerKey = genKey(), genKey(), genKey()
		// PKCS#1 for the merchant: the shop must accept it as well as PKCS#8.
		merchantPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(merchantKey)})
		gatewayPubPEM = pubPEM(&gatewayKey.PublicKey)
	})
}

func genKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func pubPEM(k *rsa.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// testClock is a settable clock; the shop reads it through Config.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeReply is one scripted answer; drop closes the connection unanswered.
type fakeReply struct {
	drop   bool
	status int
	body   string
}

type fakeRequest struct {
	Path   string
	Header http.Header
	Body   []byte
	SigOK  bool
}

// fakeDANA answers like Gapura: verifies X-SIGNATURE with the merchant's
// public key, then plays scripted replies, else a default success.
type fakeDANA struct {
	srv    *httptest.Server
	pub    *rsa.PublicKey
	mu     sync.Mutex
	reqs   []fakeRequest
	script map[string][]fakeReply
}

var serviceCodes = map[string]string{createPath: "54", queryPath: "55", cancelPath: "57", refundPath: "58"}

func newFakeDANA(t testing.TB) *fakeDANA {
	f := &fakeDANA{pub: &merchantKey.PublicKey, script: map[string][]fakeReply{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDANA) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	sum := sha256.Sum256(body) // the shop sends compact JSON: hash the bytes as sent
	msg := "POST:" + r.URL.Path + ":" + hex.EncodeToString(sum[:]) + ":" + r.Header.Get("X-TIMESTAMP")
	sig, _ := base64.StdEncoding.DecodeString(r.Header.Get("X-SIGNATURE"))
	digest := sha256.Sum256([]byte(msg))
	sigOK := rsa.VerifyPKCS1v15(f.pub, crypto.SHA256, digest[:], sig) == nil

	f.mu.Lock()
	f.reqs = append(f.reqs, fakeRequest{Path: r.URL.Path, Header: r.Header.Clone(), Body: body, SigOK: sigOK})
	var reply *fakeReply
	if q := f.script[r.URL.Path]; len(q) > 0 {
		reply, f.script[r.URL.Path] = &q[0], q[1:]
	}
	f.mu.Unlock()

	svc := serviceCodes[r.URL.Path]
	switch {
	case !sigOK:
		writeJSON(w, 401, fmt.Sprintf(`{"responseCode":"401%s00","responseMessage":"Unauthorized. Invalid Signature"}`, svc))
	case reply != nil && reply.drop:
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	case reply != nil:
		writeJSON(w, reply.status, reply.body)
	default:
		writeJSON(w, 200, defaultReply(r.URL.Path, body))
	}
}

func defaultReply(path string, body []byte) string {
	var req map[string]any
	json.Unmarshal(body, &req)
	switch path {
	case createPath:
		ref := req["partnerReferenceNo"]
		return fmt.Sprintf(`{"responseCode":"2005400","responseMessage":"Successful","referenceNo":"REF-%s",`+
			`"partnerReferenceNo":"%s","webRedirectUrl":"https://m.dana.test/checkout/%s"}`, ref, ref, ref)
	case cancelPath:
		return `{"responseCode":"2005700","responseMessage":"Success"}`
	case refundPath:
		return fmt.Sprintf(`{"responseCode":"2005800","responseMessage":"Successful","partnerRefundNo":"%s"}`, req["partnerRefundNo"])
	}
	return `{"responseCode":"2005500","responseMessage":"Successful","latestTransactionStatus":"01"}`
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func (f *fakeDANA) push(path string, replies ...fakeReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[path] = append(f.script[path], replies...)
}

// requests returns the requests received for one path, oldest first.
func (f *fakeDANA) requests(path string) []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeRequest
	for _, r := range f.reqs {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// bench is one shop wired to a fake DANA, a clock and a webhook counter.
type bench struct {
	shop     *Shop
	dana     *fakeDANA
	clock    *testClock
	webhooks atomic.Int32
}

func newBench(t testing.TB, faults ...string) *bench {
	t.Helper()
	testKeys(t)
	b := &bench{clock: &testClock{t: time.Date(2025, 1, 1, 10, 0, 0, 0, jakarta)}}
	b.dana = newFakeDANA(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		b.webhooks.Add(1)
	}))
	t.Cleanup(hook.Close)
	s, err := New(Config{GatewayURL: b.dana.srv.URL, PublicURL: testPublicURL, PartnerID: testPartnerID,
		MerchantID: testMerchantID, PrivateKeyPEM: merchantPEM, GatewayPublicKeyPEM: gatewayPubPEM,
		Faults: faults, Now: b.clock.Now, FulfilmentWebhook: hook.URL})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	b.shop = s
	return b
}

// do sends one request to the shop and decodes a JSON answer (if any).
func (b *bench) do(t testing.TB, method, path, body string, hdr http.Header) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	b.shop.Handler().ServeHTTP(rec, req)
	out := map[string]any{}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %q", method, path, rec.Body.String())
		}
	}
	return rec.Code, out
}

// checkout creates an order and returns its id, failing the test otherwise.
func (b *bench) checkout(t testing.TB, amount string) string {
	t.Helper()
	code, out := b.do(t, "POST", "/checkout", `{"amount":"`+amount+`"}`, nil)
	if code != 200 {
		t.Fatalf("checkout %s: HTTP %d %v", amount, code, out)
	}
	return out["order_id"].(string)
}

func (b *bench) order(t testing.TB, id string) map[string]any {
	t.Helper()
	code, out := b.do(t, "GET", "/orders/"+id, "", nil)
	if code != 200 {
		t.Fatalf("GET order %s: HTTP %d %v", id, code, out)
	}
	return out
}

// notifyJSON builds a Finish Notify the way DANA sends it: minified.
func notifyJSON(id, value, status string) []byte {
	return []byte(fmt.Sprintf(`{"originalPartnerReferenceNo":%q,"originalReferenceNo":"REF-%s","merchantId":%q,`+
		`"amount":{"value":%q,"currency":"IDR"},"latestTransactionStatus":%q,"transactionStatusDesc":"SUCCESS",`+
		`"createdTime":"2025-01-01T10:00:00+07:00","finishedTime":"2025-01-01T10:01:00+07:00"}`,
		id, id, testMerchantID, value, status))
}

// signedHeaders signs body as DANA would, with the given key and timestamp.
func signedHeaders(key *rsa.PrivateKey, body []byte, ts string) http.Header {
	var min bytes.Buffer
	json.Compact(&min, body)
	sum := sha256.Sum256(min.Bytes())
	digest := sha256.Sum256([]byte("POST:/v1.0/debit/notify:" + hex.EncodeToString(sum[:]) + ":" + ts))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		panic(err)
	}
	return http.Header{"Content-Type": {"application/json"}, "X-Timestamp": {ts},
		"X-Signature": {base64.StdEncoding.EncodeToString(sig)}, "X-Partner-Id": {testPartnerID},
		"X-External-Id": {"notify-1"}, "Channel-Id": {"95221"}}
}

func (b *bench) ts() string { return b.clock.Now().In(jakarta).Format("2006-01-02T15:04:05+07:00") }

// notify sends a valid, correctly signed notify.
func (b *bench) notify(t testing.TB, id, value, status string) (int, map[string]any) {
	t.Helper()
	body := notifyJSON(id, value, status)
	return b.do(t, "POST", notifyPath, string(body), signedHeaders(gatewayKey, body, b.ts()))
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

package gopaymini

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

const (
	credential = "miniapp-client:miniapp-secret"
	partnerID  = "snap-client-1"
	secret     = "snap-client-secret-0123456789"
	merchantID = "G000000001"
	popID      = "990407c8-7c2b-4998-8ef8-0bc67c0c6c55"
)

var keys = sync.OnceValues(func() ([2]*rsa.PrivateKey, error) {
	var ks [2]*rsa.PrivateKey
	for i := range ks {
		k, err := snap.GenerateKey()
		if err != nil {
			return ks, err
		}
		ks[i] = k
	}
	return ks, nil
})

type fixture struct {
	t     *testing.T
	e     *Emulator
	srv   *httptest.Server
	clk   *clock.Fake
	wall  *clock.Fake
	mkey  *rsa.PrivateKey
	gkey  *rsa.PrivateKey
	b2b   string
	extID int
}

func newFixture(t *testing.T, mod func(*Options)) *fixture {
	t.Helper()
	ks, err := keys()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 5, 12, 10, 0, 0, 0, snap.Jakarta)
	f := &fixture{t: t, clk: clock.NewFake(start), wall: clock.NewFake(start), mkey: ks[0], gkey: ks[1]}
	o := Options{MiniAppCredential: credential, PartnerID: partnerID, ClientSecret: secret, MerchantID: merchantID, PopID: popID,
		MerchantPublicKey: &f.mkey.PublicKey, GatewayPrivateKey: f.gkey, Clock: f.clk, Wall: f.wall, Version: "test",
		NotifyRetry: []time.Duration{time.Minute}}
	if mod != nil {
		mod(&o)
	}
	f.e, err = New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(f.e.Handler())
	t.Cleanup(func() { f.srv.Close(); f.e.Close() })
	return f
}

// do sends a request and returns status and body.
func (f *fixture) do(method, path string, h http.Header, body string) (int, gjson.Result) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewBufferString(body))
	if err != nil {
		f.t.Fatal(err)
	}
	for k, vs := range h {
		for _, v := range vs {
			req.Header.Add(k, v)
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

func basic(cred string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(cred))}, "Content-Type": {"application/json"}}
}

func bearer(tok string) http.Header {
	return http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {"application/json"}}
}

// login issues an auth code for user and exchanges it.
func (f *fixture) login(user string) string {
	f.t.Helper()
	code, err := f.e.IssueAuthCode(user, "", false)
	if err != nil {
		f.t.Fatal(err)
	}
	st, b := f.do("POST", "/v1/mini-apps/authorizations/token", basic(credential), `{"auth_code":"`+code+`"}`)
	if st != 200 {
		f.t.Fatalf("token exchange: %d %s", st, b.Raw)
	}
	return b.Get("data.access_token").String()
}

// token gets a B2B token, signed as a merchant would.
func (f *fixture) token() string {
	f.t.Helper()
	ts := snap.FormatTimestamp(f.wall.Now())
	sig, err := snap.SignRSA(f.mkey, snap.TokenStringToSign(partnerID, ts))
	if err != nil {
		f.t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/json"}, "X-TIMESTAMP": {ts}, "X-CLIENT-KEY": {partnerID}, "X-SIGNATURE": {sig}}
	st, b := f.do("POST", "/v1.0/access-token/b2b", h, `{"grantType":"client_credentials"}`)
	if st != 200 || b.Get("responseCode").String() != "2007300" {
		f.t.Fatalf("b2b token: %d %s", st, b.Raw)
	}
	f.b2b = b.Get("accessToken").String()
	return f.b2b
}

// snapCall makes a signed BI-SNAP transaction call.
func (f *fixture) snapCall(path string, body any, mod func(http.Header)) (int, gjson.Result) {
	f.t.Helper()
	if f.b2b == "" {
		f.token()
	}
	raw, _ := json.Marshal(body)
	ts := snap.FormatTimestamp(f.wall.Now())
	sts, err := snap.SymmetricStringToSign("POST", path, f.b2b, raw, ts)
	if err != nil {
		f.t.Fatal(err)
	}
	f.extID++
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + f.b2b}, "X-TIMESTAMP": {ts},
		"X-SIGNATURE": {snap.SignHMAC(secret, sts)}, "X-PARTNER-ID": {partnerID},
		"X-EXTERNAL-ID": {"ext-" + strconv.Itoa(f.extID)}, "CHANNEL-ID": {"95221"}}
	ch := http.Header{}
	for k, vs := range h {
		ch[http.CanonicalHeaderKey(k)] = vs
	}
	if mod != nil {
		mod(ch)
	}
	return f.do("POST", path, ch, string(raw))
}

func paymentBody(ref, value, notify, ret string) map[string]any {
	return map[string]any{"partnerReferenceNo": ref, "merchantId": merchantID,
		"amount":         map[string]any{"value": value, "currency": "IDR"},
		"urlParam":       []any{map[string]any{"url": ret, "type": "PAY_RETURN", "isDeeplink": "N"}, map[string]any{"url": notify, "type": "NOTIFICATION", "isDeeplink": "N"}},
		"additionalInfo": map[string]any{"popId": popID}}
}

// notifySink is a merchant notify endpoint that verifies with the
// gateway's key and counts what it accepted.
type notifySink struct {
	srv      *httptest.Server
	mu       sync.Mutex
	got      []*http.Request
	bodies   [][]byte
	verified int
}

func newSink(t *testing.T, pub *rsa.PublicKey, answer string) *notifySink {
	s := &notifySink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sts, err := snap.AsymmetricStringToSign("POST", r.URL.Path, b, r.Header.Get("X-TIMESTAMP"))
		ok := err == nil && snap.VerifyRSA(pub, sts, r.Header.Get("X-SIGNATURE")) == nil
		s.mu.Lock()
		s.got = append(s.got, r)
		s.bodies = append(s.bodies, b)
		if ok {
			s.verified++
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(401)
			io.WriteString(w, `{"responseCode":"4015600","responseMessage":"Unauthorized. Invalid Signature"}`)
			return
		}
		io.WriteString(w, answer)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func act(t *testing.T, e *Emulator, a emulator.Action) emulator.Result {
	t.Helper()
	r, err := e.Act(context.Background(), a)
	if err != nil {
		t.Fatalf("%s: %v", a.Name, err)
	}
	return r
}

package danawidget

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

type rig struct {
	t        *testing.T
	e        *Emulator
	clk      *clock.Fake
	srv      *httptest.Server
	merchant *httptest.Server
	mu       sync.Mutex
	codes    []string
}

var testKeys = sync.OnceValues(func() ([2]*rsaKey, error) {
	var ks [2]*rsaKey
	for i := range ks {
		k, err := snap.GenerateKey()
		if err != nil {
			return ks, err
		}
		ks[i] = &rsaKey{k}
	}
	return ks, nil
})

func newRig(t *testing.T) *rig { return newRigWith(t, nil, nil) }

// newRigWith is newRig with test clocks (nil: the rig's one fake clock is
// both the gateway's and the merchant's) and options set by opt.
func newRigWith(t *testing.T, tc *clock.TestClocks, opt func(*Options)) *rig {
	ks, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, clk: clock.NewFake(time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta))}
	o := Options{PartnerID: "P1", MerchantID: "M1", MerchantPublicKey: &ks[0].PublicKey, GatewayPrivateKey: ks[1].PrivateKey, Clock: r.clk, Wall: r.clk}
	if tc != nil {
		r.clk = tc.Wall().(*clock.Fake)
		o.Clock, o.Wall = tc, r.clk
	}
	if opt != nil {
		opt(&o)
	}
	r.e, err = New(o)
	if err != nil {
		t.Fatal(err)
	}
	r.srv = httptest.NewServer(r.e.Handler())
	r.merchant = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.codes = append(r.codes, req.URL.Query().Get("authCode"))
		r.mu.Unlock()
	}))
	t.Cleanup(func() { r.srv.Close(); r.merchant.Close(); r.e.Close() })
	return r
}

// post signs body for path as a merchant does and returns the answer.
func (r *rig) post(path string, body map[string]any, tokenAPI bool) gjson.Result {
	r.t.Helper()
	return r.postExt(path, body, tokenAPI, token("", 8))
}

// postExt is post with the X-EXTERNAL-ID ext (not sent to Apply Token).
func (r *rig) postExt(path string, body map[string]any, tokenAPI bool, ext string) gjson.Result {
	r.t.Helper()
	raw, _ := json.Marshal(body)
	ks, _ := testKeys()
	ts := snap.FormatTimestamp(r.clk.Now())
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TIMESTAMP", ts)
	req.Header.Set("CHANNEL-ID", "95221")
	req.Header.Set("X-PARTNER-ID", "P1")
	msg := snap.TokenStringToSign("P1", ts)
	if tokenAPI {
		req.Header.Set("X-CLIENT-KEY", "P1")
	} else {
		req.Header.Set("X-EXTERNAL-ID", ext)
		msg, _ = snap.AsymmetricStringToSign(http.MethodPost, path, raw, ts)
	}
	sig, _ := snap.SignRSA(ks[0].PrivateKey, msg)
	req.Header.Set("X-SIGNATURE", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return gjson.ParseBytes(buf.Bytes())
}

// bind runs the OAuth page and Apply Token; it returns the token answer.
func (r *rig) bind(phone string) gjson.Result {
	r.t.Helper()
	q := url.Values{"partnerId": {"P1"}, "scopes": {"CASHIER"}, "externalId": {"x"}, "channelId": {"1"}, "redirectUrl": {r.merchant.URL + "/cb"},
		"timestamp": {snap.FormatTimestamp(r.clk.Now())}, "state": {"s1"}, "merchantId": {"M1"}, "seamlessData": {`{"mobile":"` + phone + `"}`}}
	if _, err := r.e.Act(nil, emulator.Action{Name: actAuthorize, Params: map[string]string{"url": r.srv.URL + oauthPath + "?" + q.Encode()}}); err != nil {
		r.t.Fatal(err)
	}
	r.mu.Lock()
	code := r.codes[len(r.codes)-1]
	r.mu.Unlock()
	return r.post(services[0].Path, map[string]any{"grantType": "AUTHORIZATION_CODE", "authCode": code}, true)
}

func info(tok string) map[string]any { return map[string]any{"accessToken": tok, "deviceId": "d1"} }

func TestBindingLifecycle(t *testing.T) {
	r := newRig(t)
	tok := r.bind("081200000009")
	if tok.Get("responseCode").Str != "2007400" || tok.Get("accessToken").Str == "" {
		t.Fatalf("apply token: %s", tok.Raw)
	}
	if got := r.e.Calls(APIOAuth); len(got) != 1 || len(got[0].Violations) != 0 {
		t.Fatalf("oauth call %+v", got)
	}
	// The code is single use.
	r.mu.Lock()
	code := r.codes[0]
	r.mu.Unlock()
	again := r.post(services[0].Path, map[string]any{"grantType": "AUTHORIZATION_CODE", "authCode": code}, true)
	if again.Get("responseCode").Str != "4017400" || again.Get("responseMessage").Str != "Unauthorized. Auth Code Used" {
		t.Errorf("reused code: %s", again.Raw)
	}
	access := tok.Get("accessToken").Str
	ott := r.post("/rest/v1.1/qr/apply-ott", map[string]any{"userResources": []string{"OTT"}, "additionalInfo": info(access)}, false)
	if ott.Get("responseCode").Str != "2004900" || ott.Get("userResources.0.value").Str == "" {
		t.Fatalf("apply ott: %s", ott.Raw)
	}
	// Expiry on the test clock, then refresh.
	r.clk.Advance(DefaultAccessTokenTTL + time.Minute)
	if got := r.post("/v1.0/balance-inquiry.htm", map[string]any{"additionalInfo": info(access)}, false).Get("responseCode").Str; got != "4011101" {
		t.Errorf("expired token answered %s, want 4011101", got)
	}
	ref := r.post(services[0].Path, map[string]any{"grantType": "REFRESH_TOKEN", "refreshToken": tok.Get("refreshToken").Str}, true)
	access2 := ref.Get("accessToken").Str
	if ref.Get("responseCode").Str != "2007400" || access2 == access {
		t.Fatalf("refresh: %s", ref.Raw)
	}
	bal := r.post("/v1.0/balance-inquiry.htm", map[string]any{"additionalInfo": info(access2)}, false)
	if bal.Get("accountInfos.0.availableBalance.value").Str != "1000000.00" {
		t.Errorf("balance: %s", bal.Raw)
	}
	// Unbinding ends the binding; using the token again is a violation.
	if got := r.post("/v1.0/registration-account-unbinding.htm", map[string]any{"merchantId": "M1", "additionalInfo": info(access2)}, false); got.Get("responseCode").Str != "2000900" {
		t.Fatalf("unbinding: %s", got.Raw)
	}
	if got := r.post("/rest/v1.1/qr/apply-ott", map[string]any{"userResources": []string{"OTT"}, "additionalInfo": info(access2)}, false); got.Get("responseCode").Str != "4014902" {
		t.Errorf("revoked token answered %s", got.Raw)
	}
	calls := r.e.Calls(APIApplyOTT)
	if v := calls[len(calls)-1].Violations; len(v) == 0 {
		t.Error("a token used after unbinding must be recorded as a violation")
	}
	// Tokens never reach evidence.
	for _, x := range r.e.Exchanges() {
		blob, _ := json.Marshal(x)
		if bytes.Contains(blob, []byte(access)) || bytes.Contains(blob, []byte(access2)) {
			t.Fatalf("exchange %s carries an access token", x.ID)
		}
	}
}

func TestHostileBodiesAnswerWithoutPanic(t *testing.T) {
	r := newRig(t)
	deep := strings.Repeat("[", 10000)
	for _, s := range services {
		resp, err := http.Post(r.srv.URL+s.Path, "application/json", strings.NewReader(deep))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode >= 500 {
			t.Errorf("%s: HTTP %d for a hostile body", s.Name, resp.StatusCode)
		}
	}
	resp, _ := http.Post(r.srv.URL+"/v1.0/nope", "application/json", strings.NewReader("{}"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

// TestTokenSignature_OpenSSL signs an Apply Token request with the openssl
// command line (an independent RSA-SHA256) and expects the emulator to
// verify it.
func TestTokenSignature_OpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("UATRUN_REQUIRE_OPENSSL") == "1" {
			t.Fatal("openssl is required (UATRUN_REQUIRE_OPENSSL=1)")
		}
		t.Skip("openssl not installed")
	}
	r := newRig(t)
	ks, _ := testKeys()
	pemBytes, _ := snap.MarshalPrivateKeyPEM(ks[0].PrivateKey)
	dir := t.TempDir()
	keyFile, msgFile := filepath.Join(dir, "k.pem"), filepath.Join(dir, "m")
	ts := snap.FormatTimestamp(r.clk.Now())
	_ = os.WriteFile(keyFile, pemBytes, 0o600)
	_ = os.WriteFile(msgFile, []byte("P1|"+ts), 0o600)
	out, err := exec.Command("openssl", "dgst", "-sha256", "-sign", keyFile, msgFile).Output()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+services[0].Path, strings.NewReader(`{"grantType":"AUTHORIZATION_CODE","authCode":"unknown"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TIMESTAMP", ts)
	req.Header.Set("X-CLIENT-KEY", "P1")
	req.Header.Set("X-SIGNATURE", base64.StdEncoding.EncodeToString(out))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	calls := r.e.Calls(APIApplyToken)
	if len(calls) != 1 || calls[0].Signature == nil || !calls[0].Signature.Valid {
		t.Fatalf("openssl's signature over clientKey|X-TIMESTAMP did not verify: %+v", calls)
	}
	if calls[0].ResponseCode != "4017400" {
		t.Errorf("unknown authCode answered %s, want 4017400", calls[0].ResponseCode)
	}
}

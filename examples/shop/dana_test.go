package shop

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var jakartaTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$`)

func TestCheckout_SignsCreateOrderVerifiableByOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed; the fake DANA's own check still runs in other tests")
	}
	b := newBench(t)
	id := b.checkout(t, "15000.00")
	reqs := b.dana.requests(createPath)
	if len(reqs) != 1 {
		t.Fatalf("DANA got %d create requests, want 1", len(reqs))
	}
	req := reqs[0]
	sum := sha256.Sum256(req.Body)
	msg := "POST:" + createPath + ":" + hex.EncodeToString(sum[:]) + ":" + req.Header.Get("X-TIMESTAMP")
	sig, err := base64.StdEncoding.DecodeString(req.Header.Get("X-SIGNATURE"))
	if err != nil {
		t.Fatalf("X-SIGNATURE is not base64: %v", err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out, err := exec.Command(openssl, "dgst", "-sha256",
		"-verify", write("merchant.pub.pem", pubPEM(&merchantKey.PublicKey)),
		"-signature", write("sig.bin", sig), write("msg.txt", []byte(msg))).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verified OK") {
		t.Fatalf("openssl does not verify the create-order signature over %q: %v %s", msg, err, out)
	}
	if !strings.HasPrefix(id, "ORD-") {
		t.Errorf("order id %q, want ORD-…", id)
	}
}

func TestCheckout_SendsDANAHeadersAndHostedBody(t *testing.T) {
	b := newBench(t)
	code, out := b.do(t, "POST", "/checkout", `{"amount":"15000","title":"Kopi susu"}`, nil)
	if code != 200 {
		t.Fatalf("checkout: HTTP %d %v", code, out)
	}
	id := out["order_id"].(string)
	want := map[string]any{"order_id": id, "reference_no": "REF-" + id,
		"redirect_url": "https://m.dana.test/checkout/" + id, "status": "pending"}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("answer %s = %v, want %v", k, out[k], v)
		}
	}
	req := b.dana.requests(createPath)[0]
	h := req.Header
	for name, want := range map[string]string{"Content-Type": "application/json", "Accept": "application/json",
		"X-PARTNER-ID": testPartnerID, "CHANNEL-ID": "95221", "X-TIMESTAMP": "2025-01-01T10:00:00+07:00"} {
		if got := h.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	if ext := h.Get("X-EXTERNAL-ID"); ext == "" || len(ext) > 36 {
		t.Errorf("X-EXTERNAL-ID %q must be 1–36 chars", ext)
	}
	var body createRequest
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	wantBody := createRequest{PartnerReferenceNo: id, MerchantID: testMerchantID,
		Amount: money{"15000.00", "IDR"}, ValidUpTo: "2025-01-01T10:30:00+07:00",
		URLParams: []urlParam{{testPublicURL + "/return?order=" + id, "PAY_RETURN", "N"},
			{testPublicURL + "/v1.0/debit/notify", "NOTIFICATION", "N"}}}
	wantBody.AdditionalInfo.MCC = "5732"
	wantBody.AdditionalInfo.EnvInfo.SourcePlatform, wantBody.AdditionalInfo.EnvInfo.TerminalType = "IPG", "SYSTEM"
	wantBody.AdditionalInfo.Order.OrderTitle, wantBody.AdditionalInfo.Order.Scenario = "Kopi susu", "REDIRECT"
	got, _ := json.Marshal(body)
	exp, _ := json.Marshal(wantBody)
	if !bytes.Equal(got, exp) {
		t.Errorf("create body\n got %s\nwant %s", got, exp)
	}
	if o := b.order(t, id); o["status"] != "pending" || o["amount"] != "15000.00" || num(o["fulfilments"]) != 0 {
		t.Errorf("new order = %v, want pending 15000.00 with no fulfilment", o)
	}
}

func TestCheckout_RejectsBadInputWithoutCallingDANA(t *testing.T) {
	b := newBench(t)
	for _, body := range []string{``, `{}`, `{"amount":""}`, `{"amount":"abc"}`, `{"amount":"0.00"}`,
		`{"amount":"-5"}`, `{"amount":"1.234"}`, `{"amount":15000}`, `not json`,
		`{"amount":"100","title":"` + strings.Repeat("x", 65) + `"}`, `{"amount":"99999999999999"}`} {
		if code, out := b.do(t, "POST", "/checkout", body, nil); code != 400 {
			t.Errorf("checkout %s: HTTP %d %v, want 400", body, code, out)
		}
	}
	if n := len(b.dana.requests(createPath)); n != 0 {
		t.Errorf("DANA got %d create calls for bad input, want 0", n)
	}
}

func TestCheckout_RetriesOnceWithSameReferenceAndBody(t *testing.T) {
	cases := []struct {
		name    string
		replies []fakeReply
		code    int
		calls   int
		status  string // order status afterwards, "" = forgotten
	}{
		{"5xx then success", []fakeReply{{status: 500, body: `{"responseCode":"5005401","responseMessage":"Internal Server Error"}`}}, 200, 2, "pending"},
		{"dropped then success", []fakeReply{{drop: true}}, 200, 2, "pending"},
		{"dropped twice", []fakeReply{{drop: true}, {drop: true}}, 502, 2, "pending"},
		{"refused, not retried", []fakeReply{{status: 400, body: `{"responseCode":"4005401","responseMessage":"Invalid Field Format amount"}`}}, 502, 1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBench(t)
			b.dana.push(createPath, tc.replies...)
			code, out := b.do(t, "POST", "/checkout", `{"amount":"15000.00"}`, nil)
			if code != tc.code {
				t.Fatalf("checkout: HTTP %d %v, want %d", code, out, tc.code)
			}
			reqs := b.dana.requests(createPath)
			if len(reqs) != tc.calls {
				t.Fatalf("DANA got %d create calls, want %d", len(reqs), tc.calls)
			}
			if tc.calls == 2 {
				if !bytes.Equal(reqs[0].Body, reqs[1].Body) {
					t.Errorf("retry body differs:\n%s\n%s", reqs[0].Body, reqs[1].Body)
				}
				if reqs[0].Header.Get("X-EXTERNAL-ID") == reqs[1].Header.Get("X-EXTERNAL-ID") {
					t.Error("retry reused X-EXTERNAL-ID; it must be unique per request")
				}
			}
			var sent createRequest
			json.Unmarshal(reqs[0].Body, &sent)
			code, o := b.do(t, "GET", "/orders/"+sent.PartnerReferenceNo, "", nil)
			if tc.status == "" && code != 404 {
				t.Errorf("refused order still exists: %v", o)
			}
			if tc.status != "" && o["status"] != tc.status {
				t.Errorf("order status %v, want %s", o["status"], tc.status)
			}
			if code == 502 && tc.code == 502 && tc.calls == 1 && out["gateway_code"] != "4005401" {
				t.Errorf("refusal answer %v, want gateway_code 4005401", out)
			}
		})
	}
}

func TestNew_RejectsBadConfig(t *testing.T) {
	testKeys(t)
	good := Config{GatewayURL: "http://127.0.0.1:9080", PartnerID: "p", MerchantID: "m",
		PrivateKeyPEM: merchantPEM, GatewayPublicKeyPEM: gatewayPubPEM}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(merchantKey)
	cases := []struct {
		name   string
		mutate func(*Config)
		ok     bool
	}{
		{"good", func(*Config) {}, true},
		{"PKCS#8 key", func(c *Config) {
			c.PrivateKeyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
		}, true},
		{"every fault", func(c *Config) {
			for _, f := range Faults() {
				c.Faults = append(c.Faults, f.Name)
			}
		}, true},
		{"unknown fault", func(c *Config) { c.Faults = []string{"notify-no-verfy"} }, false},
		{"relative gateway URL", func(c *Config) { c.GatewayURL = "/dana" }, false},
		{"no partner", func(c *Config) { c.PartnerID = "" }, false},
		{"garbage key", func(c *Config) { c.PrivateKeyPEM = []byte("-----BEGIN NOPE-----") }, false},
		{"public key as private", func(c *Config) { c.PrivateKeyPEM = gatewayPubPEM }, false},
		{"no gateway key", func(c *Config) { c.GatewayPublicKeyPEM = nil }, false},
		{"bad ISE amount", func(c *Config) { c.ISEAmount = "11012" }, false},
		{"ISE off", func(c *Config) { c.ISEAmount = "off" }, true},
		{"db path with ?", func(c *Config) { c.DBPath = "x.db?mode=ro" }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.mutate(&cfg)
			s, err := New(cfg)
			if (err == nil) != tc.ok {
				t.Fatalf("New: err = %v, want ok=%v", err, tc.ok)
			}
			if s != nil {
				s.Close()
			}
		})
	}
}

func TestFaults_SortedAndDescribed(t *testing.T) {
	fs := Faults()
	if len(fs) != 32 {
		t.Fatalf("%d faults, want 32", len(fs))
	}
	for i, f := range fs {
		if i > 0 && fs[i-1].Name >= f.Name {
			t.Errorf("faults not sorted at %q", f.Name)
		}
		if f.Description == "" || strings.Contains(f.Description, "\n") {
			t.Errorf("fault %s needs a one-line description", f.Name)
		}
	}
}

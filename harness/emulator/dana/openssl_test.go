package dana

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/snap"
)

// These tests sign and verify with the openssl command line, so that the
// emulator is checked against an implementation that shares no code with
// harness/snap.

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
}

// openssl runs the openssl CLI in dir and returns its stdout.
func openssl(t *testing.T, dir string, stdin []byte, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command("openssl", args...)
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.Bytes(), fmt.Errorf("%v: %s", err, errb.Bytes())
	}
	return out.Bytes(), nil
}

// opensslStringToSign builds METHOD:path:sha256hex(body):ts with the body
// hash from `openssl dgst -sha256`.
func opensslStringToSign(t *testing.T, dir, path string, body []byte, ts string) []byte {
	t.Helper()
	out, err := openssl(t, dir, body, "dgst", "-sha256", "-r")
	if err != nil {
		t.Fatalf("openssl dgst: %v", err)
	}
	hash := strings.Fields(string(out))[0]
	return []byte("POST:" + path + ":" + hash + ":" + ts)
}

func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCreateOrder_AcceptsASignatureMadeWithOpenSSL(t *testing.T) {
	needOpenSSL(t)
	f := newFixture(t)
	mk, _ := testKeys(t)
	dir := t.TempDir()
	pemKey, err := snap.MarshalPrivateKeyPEM(mk)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "merchant.pem", pemKey)
	path := pathOf(APICreateOrder)
	body := mustJSON(t, f.createBody("INV-OSSL", "10000.00"))
	ts := snap.FormatTimestamp(f.clk.Now())
	writeFile(t, dir, "sts.txt", opensslStringToSign(t, dir, path, body, ts))
	if _, err := openssl(t, dir, nil, "dgst", "-sha256", "-sign", "merchant.pem", "-out", "sig.bin", "sts.txt"); err != nil {
		t.Fatalf("openssl sign: %v", err)
	}
	sig, err := openssl(t, dir, nil, "base64", "-A", "-in", "sig.bin")
	if err != nil {
		t.Fatal(err)
	}
	send := func(b []byte) string {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
		for k, v := range map[string]string{"Content-Type": "application/json", "X-TIMESTAMP": ts,
			"X-SIGNATURE": strings.TrimSpace(string(sig)), "X-PARTNER-ID": testPartner,
			"X-EXTERNAL-ID": f.nextExt(), "CHANNEL-ID": "95221"} {
			req.Header.Set(k, v)
		}
		_, res, _ := f.serve(req)
		return res.Get("responseCode").Str
	}
	if code := send(append(body, '\n')); code != "2005400" { // dana-go's wire form ends in a newline
		t.Fatalf("openssl-signed request answered %s", code)
	}
	tampered := bytes.Replace(body, []byte(`"10000.00"`), []byte(`"10001.00"`), 1)
	if code := send(tampered); code != "4015400" {
		t.Fatalf("tampered request answered %s", code)
	}
}

func TestNotify_SignatureVerifiesWithOpenSSL(t *testing.T) {
	needOpenSSL(t)
	f := newFixture(t)
	dir := t.TempDir()
	writeFile(t, dir, "gateway.pub.pem", f.e.PublicKeyPEM())
	f.create("INV-OSSL", "10000.00")
	f.act(actPay, "INV-OSSL", nil)
	f.act(actNotify, "INV-OSSL", map[string]string{"variant": "tampered_body"})
	got := f.merchant.notifies()
	for i, want := range []bool{true, false} {
		n := got[i]
		writeFile(t, dir, "sts.txt", opensslStringToSign(t, dir, n.Path, n.Body, n.Header.Get("X-TIMESTAMP")))
		if _, err := openssl(t, dir, []byte(n.Header.Get("X-SIGNATURE")), "base64", "-d", "-A", "-out", "sig.bin"); err != nil {
			t.Fatal(err)
		}
		out, err := openssl(t, dir, nil, "dgst", "-sha256", "-verify", "gateway.pub.pem", "-signature", "sig.bin", "sts.txt")
		ok := err == nil && strings.Contains(string(out), "Verified OK")
		if ok != want {
			t.Errorf("notify %d: openssl verified=%v (%s %v), want %v", i, ok, out, err, want)
		}
	}
}

package gopaymini

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

// requireOpenSSL returns the openssl binary or skips, unless
// UATRUN_REQUIRE_OPENSSL=1 makes its absence a failure.
func requireOpenSSL(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("UATRUN_REQUIRE_OPENSSL") == "1" {
			t.Fatal("openssl is not on PATH, and UATRUN_REQUIRE_OPENSSL=1")
		}
		t.Skip("openssl is not on PATH")
	}
	return bin
}

func openssl(t *testing.T, bin string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// The debit notify the merchant receives verifies under openssl with the
// gateway's public key, over the string to sign the merchant rebuilds; the
// HMAC-SHA512 the emulator checks equals openssl's.
func TestOpenSSL_NotifySignatureAndTransactionHMAC(t *testing.T) {
	bin := requireOpenSSL(t)
	f := newFixture(t, nil)
	sink := newSink(t, &f.gkey.PublicKey, `{"responseCode":"2005600"}`)
	f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody("P-SSL", "15000.00", sink.srv.URL+"/v1.0/debit/notify", "http://127.0.0.1:1/r"), nil)
	act(t, f.e, emulator.Action{Name: "pay", Order: "P-SSL"})
	if len(sink.got) != 1 {
		t.Fatalf("notifies: %d", len(sink.got))
	}
	req, body := sink.got[0], sink.bodies[0]
	sts, err := snap.AsymmetricStringToSign("POST", "/v1.0/debit/notify", body, req.Header.Get("X-TIMESTAMP"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pub, _ := snap.MarshalPublicKeyPEM(&f.gkey.PublicKey)
	sig, _ := base64.StdEncoding.DecodeString(req.Header.Get("X-SIGNATURE"))
	os.WriteFile(filepath.Join(dir, "pub.pem"), pub, 0o600)
	os.WriteFile(filepath.Join(dir, "sig"), sig, 0o600)
	if out := openssl(t, bin, []byte(sts), "dgst", "-sha256", "-verify", filepath.Join(dir, "pub.pem"), "-signature", filepath.Join(dir, "sig")); !strings.Contains(string(out), "Verified OK") {
		t.Fatalf("openssl: %s", out)
	}
	// HMAC-SHA512 of a transaction call's string to sign.
	msg := "POST:/v1.0/debit/status:tok:" + strings.Repeat("a", 64) + ":2026-05-12T10:00:00+07:00"
	out := openssl(t, bin, []byte(msg), "dgst", "-sha512", "-hmac", secret, "-binary")
	if got, want := base64.StdEncoding.EncodeToString(out), snap.SignHMAC(secret, msg); got != want {
		t.Fatalf("HMAC: openssl %s, harness %s", got, want)
	}
	// The B2B token signature the emulator accepts is one openssl makes.
	key, _ := snap.MarshalPrivateKeyPEM(f.mkey)
	os.WriteFile(filepath.Join(dir, "merchant.pem"), key, 0o600)
	ts := snap.FormatTimestamp(f.wall.Now())
	raw := openssl(t, bin, []byte(partnerID+"|"+ts), "dgst", "-sha256", "-sign", filepath.Join(dir, "merchant.pem"))
	h := basic(credential)
	h.Del("Authorization")
	h.Set("X-TIMESTAMP", ts)
	h.Set("X-CLIENT-KEY", partnerID)
	h.Set("X-SIGNATURE", base64.StdEncoding.EncodeToString(raw))
	if st, b := f.do("POST", "/v1.0/access-token/b2b", h, `{"grantType":"client_credentials"}`); st != 200 {
		t.Fatalf("B2B token signed by openssl: %d %s", st, b.Raw)
	}
}

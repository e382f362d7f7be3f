package snap

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests prove byte-exact interop with an independent implementation:
// whatever a merchant signs with openssl (or any library built on it)
// uatrun must verify, and the other way round.

const crossMsg = "POST:/payment-gateway/v1.0/debit/status.htm:d32ffc2bfb94fcc64a6504243cd51e4ffd15a6a9c3683afb7edb230494219d06:2020-12-23T08:31:11+07:00"

// writeKeyFiles writes the shared test key as key.pem (PKCS#8) and pub.pem
// (PKIX) and returns their paths.
func writeKeyFiles(t *testing.T) (keyPath, pubPath string) {
	t.Helper()
	dir := t.TempDir()
	priv, err := MarshalPrivateKeyPEM(testKey())
	if err != nil {
		t.Fatal(err)
	}
	pub, err := MarshalPublicKeyPEM(&testKey().PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	keyPath, pubPath = filepath.Join(dir, "key.pem"), filepath.Join(dir, "pub.pem")
	writeFile(t, keyPath, priv)
	writeFile(t, pubPath, pub)
	return keyPath, pubPath
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSignRSA_VerifiedByOpenSSL(t *testing.T) {
	bin := needOpenSSL(t)
	_, pubPath := writeKeyFiles(t)
	dir := t.TempDir()
	for _, msg := range []string{crossMsg, "", "clientId|2026-11-21T10:20:00+07:00", "ünïcödé\n"} {
		sig, err := SignRSA(testKey(), msg)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			t.Fatalf("signature is not standard base64: %v", err)
		}
		msgPath, sigPath := filepath.Join(dir, "msg.txt"), filepath.Join(dir, "sig.bin")
		writeFile(t, msgPath, []byte(msg))
		writeFile(t, sigPath, raw)
		out := openssl(t, bin, nil, "dgst", "-sha256", "-verify", pubPath, "-signature", sigPath, msgPath)
		if !strings.Contains(string(out), "Verified OK") {
			t.Errorf("openssl did not verify %q: %s", msg, out)
		}
	}
}

func TestSignRSA_TamperedMessageFailsInOpenSSL(t *testing.T) {
	bin := needOpenSSL(t)
	_, pubPath := writeKeyFiles(t)
	dir := t.TempDir()
	sig, err := SignRSA(testKey(), crossMsg)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(sig)
	msgPath, sigPath := filepath.Join(dir, "msg.txt"), filepath.Join(dir, "sig.bin")
	writeFile(t, msgPath, []byte(crossMsg+"x"))
	writeFile(t, sigPath, raw)
	if out, err := opensslErr(bin, nil, "dgst", "-sha256", "-verify", pubPath, "-signature", sigPath, msgPath); err == nil {
		t.Fatalf("openssl verified a tampered message: %s", out)
	}
}

func TestVerifyRSA_AcceptsOpenSSLSignature(t *testing.T) {
	bin := needOpenSSL(t)
	keyPath, _ := writeKeyFiles(t)
	raw := openssl(t, bin, []byte(crossMsg), "dgst", "-sha256", "-sign", keyPath)
	sig := base64.StdEncoding.EncodeToString(raw)
	if err := VerifyRSA(&testKey().PublicKey, crossMsg, sig); err != nil {
		t.Fatalf("openssl signature rejected: %v", err)
	}
	if err := VerifyRSA(&testKey().PublicKey, crossMsg+" ", sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("openssl signature verified over a different message: %v", err)
	}
}

func TestLoadPrivateKey_OpenSSLGeneratedKeys(t *testing.T) {
	bin := needOpenSSL(t)
	dir := t.TempDir()
	pkcs8 := filepath.Join(dir, "pkcs8.pem")
	openssl(t, bin, nil, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pkcs8)
	pkcs1 := filepath.Join(dir, "pkcs1.pem")
	openssl(t, bin, nil, "pkey", "-in", pkcs8, "-traditional", "-out", pkcs1)
	pub := filepath.Join(dir, "pub.pem")
	openssl(t, bin, nil, "pkey", "-in", pkcs8, "-pubout", "-out", pub)
	rsaPub := filepath.Join(dir, "rsapub.pem")
	openssl(t, bin, nil, "rsa", "-in", pkcs8, "-RSAPublicKey_out", "-out", rsaPub)

	k8, err := LoadPrivateKey(pkcs8)
	if err != nil {
		t.Fatal(err)
	}
	k1, err := LoadPrivateKey(pkcs1)
	if err != nil {
		t.Fatal(err)
	}
	if !k8.Equal(k1) {
		t.Error("PKCS#1 and PKCS#8 forms of one key parsed differently")
	}
	for _, p := range []string{pub, rsaPub} {
		pk, err := LoadPublicKey(p)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if !pk.Equal(&k8.PublicKey) {
			t.Errorf("%s is not the public half", filepath.Base(p))
		}
	}
}

func TestLoadPrivateKey_OpenSSLEncryptedKeyTellsHowToDecrypt(t *testing.T) {
	bin := needOpenSSL(t)
	path := filepath.Join(t.TempDir(), "enc.pem")
	openssl(t, bin, nil, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes256", "-pass", "pass:x", "-out", path)
	_, err := LoadPrivateKey(path)
	if err == nil {
		t.Fatal("encrypted key loaded without a passphrase")
	}
	for _, want := range []string{path, "encrypted", "openssl pkey"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestSignHMAC_MatchesOpenSSL(t *testing.T) {
	bin := needOpenSSL(t)
	for _, tc := range []struct{ secret, msg string }{
		{"secret", "POST:/v1.0/debit/status:tok:abc:2026-11-21T10:20:00+07:00"},
		{"SB-Mid-server-TEST", ""},
		{"k", "line one\nline two"},
	} {
		out := openssl(t, bin, []byte(tc.msg), "dgst", "-sha512", "-hmac", tc.secret, "-binary")
		if got, want := SignHMAC(tc.secret, tc.msg), base64.StdEncoding.EncodeToString(out); got != want {
			t.Errorf("HMAC(%q, %q) = %s, openssl says %s", tc.secret, tc.msg, got, want)
		}
	}
}

func TestBodyHash_MatchesOpenSSLOverMinifiedBytes(t *testing.T) {
	bin := needOpenSSL(t)
	for _, tc := range []struct{ wire, minified string }{
		{`{"originalPartnerReferenceNo":"2020102900000000000001","serviceCode":"54","merchantId":"23489182303312"}`,
			`{"originalPartnerReferenceNo":"2020102900000000000001","serviceCode":"54","merchantId":"23489182303312"}`},
		{"{\"a\": 1,\n \"b\":\"x, y\"}\n", `{"a":1,"b":"x, y"}`},
		{"", ""},
	} {
		got, err := BodyHash([]byte(tc.wire))
		if err != nil {
			t.Fatal(err)
		}
		out := openssl(t, bin, []byte(tc.minified), "dgst", "-sha256", "-r")
		want := strings.Fields(string(out))[0]
		if got != want {
			t.Errorf("BodyHash(%q) = %s, openssl over %q says %s", tc.wire, got, tc.minified, want)
		}
	}
}

package snap

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// keyForms renders the shared key and a few wrong keys in every shape a
// merchant might hand over.
type keyForms struct {
	pkcs8, pkcs1, pkix, pkcs1Pub, legacyEncrypted    []byte
	bareB64Priv, bareB64Pub, crlf, withPreamble      []byte
	ecPKCS8, ecSEC1, ecPub, small, smallPub, certPEM []byte
}

func makeKeyForms(t *testing.T) keyForms {
	t.Helper()
	k := testKey()
	p8, _ := x509.MarshalPKCS8PrivateKey(k)
	pub, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	var f keyForms
	f.pkcs8 = pemOf("PRIVATE KEY", p8)
	f.pkcs1 = pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k))
	f.pkix = pemOf("PUBLIC KEY", pub)
	f.pkcs1Pub = pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&k.PublicKey))
	//lint:ignore SA1019 legacy encrypted PEM is exactly what old portals hand out.
	blk, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k), []byte("x"), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	f.legacyEncrypted = pem.EncodeToMemory(blk)
	f.bareB64Priv = []byte(wrap64(base64.StdEncoding.EncodeToString(p8)))
	f.bareB64Pub = []byte(base64.StdEncoding.EncodeToString(pub))
	f.crlf = []byte(strings.ReplaceAll(string(f.pkcs8), "\n", "\r\n"))
	f.withPreamble = append([]byte("Bag Attributes\n    localKeyID: 01 02\nKey Attributes: <No Attributes>\n"), f.pkcs8...)

	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec8, _ := x509.MarshalPKCS8PrivateKey(ec)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	ecPub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	f.ecPKCS8, f.ecSEC1, f.ecPub = pemOf("PRIVATE KEY", ec8), pemOf("EC PRIVATE KEY", sec1), pemOf("PUBLIC KEY", ecPub)

	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	small8, _ := x509.MarshalPKCS8PrivateKey(small)
	smallPub, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	f.small, f.smallPub = pemOf("PRIVATE KEY", small8), pemOf("PUBLIC KEY", smallPub)

	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gw"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<31, 0)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	f.certPEM = pemOf("CERTIFICATE", cert)
	return f
}

func pemOf(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}

func wrap64(s string) string {
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	return b.String() + s
}

func TestParsePrivateKey_Forms(t *testing.T) {
	f := makeKeyForms(t)
	for _, tc := range []struct {
		name string
		in   []byte
		fix  string // "" means the key must load; otherwise the remedy the error must carry
	}{
		{"PKCS#8", f.pkcs8, ""},
		{"PKCS#1", f.pkcs1, ""},
		{"bare base64 PKCS#8", f.bareB64Priv, ""},
		{"CRLF line ends", f.crlf, ""},
		{"openssl bag attributes before the PEM", f.withPreamble, ""},
		{"legacy encrypted PEM", f.legacyEncrypted, "openssl pkey -in key.pem -out key.plain.pem"},
		{"ECDSA PKCS#8", f.ecPKCS8, "uatrun keys --out keys"},
		{"ECDSA SEC1", f.ecSEC1, "uatrun keys --out keys"},
		{"1024-bit RSA", f.small, "use at least 2048"},
		{"PKIX public key", f.pkix, "point this setting at the private key file"},
		{"bare base64 public key", f.bareB64Pub, "point this setting at the private key file"},
		{"certificate", f.certPEM, "point this setting at the private key file"},
		{"OpenSSH", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), "ssh-keygen -p -m PKCS8"},
		{"garbage", []byte("hello, this is not a key"), "uatrun keys --out keys"},
		{"base64 of garbage", []byte("aGVsbG8gd29ybGQ="), "openssl pkey"},
		{"empty", []byte(" \n"), "uatrun keys --out keys"},
		{"damaged PEM", []byte("-----BEGIN PRIVATE KEY-----\nMIIE\n"), "copy the whole file again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParsePrivateKey(tc.in)
			if tc.fix == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !k.Equal(testKey()) {
					t.Fatal("parsed a different key")
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.fix) {
				t.Fatalf("error %q does not say what to do (want %q)", err, tc.fix)
			}
		})
	}
}

func TestParsePublicKey_Forms(t *testing.T) {
	f := makeKeyForms(t)
	for _, tc := range []struct {
		name string
		in   []byte
		fix  string
	}{
		{"PKIX", f.pkix, ""},
		{"PKCS#1", f.pkcs1Pub, ""},
		{"bare base64 PKIX", f.bareB64Pub, ""},
		{"PKCS#8 private key", f.pkcs8, "openssl pkey -in key.pem -pubout"},
		{"PKCS#1 private key", f.pkcs1, "openssl pkey -in key.pem -pubout"},
		{"bare base64 private key", f.bareB64Priv, "openssl pkey -in key.pem -pubout"},
		{"encrypted private key", f.legacyEncrypted, "openssl pkey"},
		{"ECDSA public key", f.ecPub, "uatrun keys --out keys"},
		{"1024-bit RSA", f.smallPub, "use at least 2048"},
		{"certificate", f.certPEM, "openssl x509 -in cert.pem -pubkey"},
		{"garbage", []byte("{not a key}"), "uatrun keys --out keys"},
		{"base64 of garbage", []byte("aGVsbG8gd29ybGQ="), "-pubout"},
		{"empty", nil, "uatrun keys --out keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParsePublicKey(tc.in)
			if tc.fix == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !k.Equal(&testKey().PublicKey) {
					t.Fatal("parsed a different key")
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.fix) {
				t.Fatalf("error %q does not say what to do (want %q)", err, tc.fix)
			}
		})
	}
}

func TestLoadKey_NamesTheFile(t *testing.T) {
	dir := t.TempDir()
	pubPath := filepath.Join(dir, "merchant.pub.pem")
	writeFile(t, pubPath, makeKeyForms(t).pkix)
	_, err := LoadPrivateKey(pubPath)
	if err == nil || !strings.HasPrefix(err.Error(), pubPath+": ") {
		t.Fatalf("error does not start with the path: %v", err)
	}
	if _, err := LoadPublicKey(filepath.Join(dir, "missing.pem")); !os.IsNotExist(err) {
		t.Fatalf("missing file: %v, want a not-exist error", err)
	}
}

func TestLoadKey_RefusesHugeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.pem")
	writeFile(t, path, make([]byte, MaxKeyFileSize+1))
	_, err := LoadPrivateKey(path)
	if err == nil || !strings.Contains(err.Error(), "too large to be a key") {
		t.Fatalf("err = %v", err)
	}
}

func TestMarshalPEM_RoundTrip(t *testing.T) {
	priv, err := MarshalPrivateKeyPEM(testKey())
	if err != nil {
		t.Fatal(err)
	}
	pub, err := MarshalPublicKeyPEM(&testKey().PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(priv), "-----BEGIN PRIVATE KEY-----") || !strings.HasPrefix(string(pub), "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("unexpected PEM types:\n%.30s\n%.30s", priv, pub)
	}
	k, err := ParsePrivateKey(priv)
	if err != nil || !k.Equal(testKey()) {
		t.Fatalf("private round trip: %v", err)
	}
	p, err := ParsePublicKey(pub)
	if err != nil || !p.Equal(&testKey().PublicKey) {
		t.Fatalf("public round trip: %v", err)
	}
}

package snap

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MinKeyBits is the smallest RSA modulus uatrun accepts.
const MinKeyBits = 2048

// MaxKeyFileSize bounds what LoadPrivateKey and LoadPublicKey read: a PEM
// RSA-4096 key is about 3 KiB, so anything far larger is the wrong file
// (or a device such as /dev/zero) and must not be read to the end.
const MaxKeyFileSize = 64 << 10

// Remedies shared by several errors, so every message ends by saying what
// to do.
const (
	fixGenerate  = "make an RSA-2048 pair with: uatrun keys --out keys"
	fixDecrypt   = "decrypt it first: openssl pkey -in key.pem -out key.plain.pem"
	fixPubout    = "export the public half: openssl pkey -in key.pem -pubout -out key.pub.pem"
	fixPointPriv = "point this setting at the private key file (e.g. keys/gateway.pem), not its .pub.pem half"
	fixExportPEM = "export it as PEM: openssl pkey -in key -out key.pem"
)

var errEncrypted = errors.New("the private key is encrypted; " + fixDecrypt)

// ParsePrivateKey reads an RSA private key from PEM (PKCS#1 "RSA PRIVATE
// KEY" or PKCS#8 "PRIVATE KEY") or from a bare base64 DER body, as gateway
// portals hand them out. Encrypted keys, non-RSA keys, public keys and keys
// under 2048 bits are refused with an error that says what to do.
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	der, kind, err := decodeKey(data, "private")
	if err != nil {
		return nil, err
	}
	if err := privateKind(kind); err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return checkBits(k)
	}
	anyKey, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		if isPublicDER(der) {
			return nil, errors.New("this is a public key where a private key belongs; " + fixPointPriv)
		}
		return nil, fmt.Errorf("not a PKCS#1 or PKCS#8 RSA private key (%v); %s", err, fixExportPEM)
	}
	k, ok := anyKey.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the private key is %s; BI-SNAP signatures need an RSA key: %s", keyType(anyKey), fixGenerate)
	}
	return checkBits(k)
}

// privateKind refuses PEM block types that can never hold a usable RSA
// private key, with a remedy specific to each.
func privateKind(kind string) error {
	switch kind {
	case "ENCRYPTED PRIVATE KEY":
		return errEncrypted
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return errors.New("this is a public key where a private key belongs; " + fixPointPriv)
	case "CERTIFICATE":
		return errors.New("this is a certificate, which holds only a public key; " + fixPointPriv)
	case "EC PRIVATE KEY":
		return errors.New("the private key is an ECDSA key; BI-SNAP signatures need an RSA key: " + fixGenerate)
	case "OPENSSH PRIVATE KEY":
		return errors.New("this is an OpenSSH key; convert it to PEM with: ssh-keygen -p -m PKCS8 -f FILE (rewrites FILE), or " + fixGenerate)
	}
	return nil
}

// ParsePublicKey reads an RSA public key from PEM (PKIX "PUBLIC KEY" or
// PKCS#1 "RSA PUBLIC KEY") or a bare base64 DER body.
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	der, kind, err := decodeKey(data, "public")
	if err != nil {
		return nil, err
	}
	if err := publicKind(kind); err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return checkPubBits(k)
	}
	anyKey, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		if isPrivateDER(der) {
			return nil, errors.New("this is a private key where a public key belongs; " + fixPubout)
		}
		return nil, fmt.Errorf("not a PKIX or PKCS#1 RSA public key (%v); %s", err, fixPubout)
	}
	k, ok := anyKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the public key is %s; BI-SNAP signatures need an RSA key: %s", keyType(anyKey), fixGenerate)
	}
	return checkPubBits(k)
}

func publicKind(kind string) error {
	switch kind {
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY":
		return errors.New("this is a private key where a public key belongs; " + fixPubout)
	case "CERTIFICATE":
		return errors.New("this is a certificate, not a public key; extract its key: openssl x509 -in cert.pem -pubkey -noout -out key.pub.pem")
	}
	return nil
}

func isPublicDER(der []byte) bool {
	if _, err := x509.ParsePKIXPublicKey(der); err == nil {
		return true
	}
	_, err := x509.ParsePKCS1PublicKey(der)
	return err == nil
}

func isPrivateDER(der []byte) bool {
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return true
	}
	_, err := x509.ParsePKCS1PrivateKey(der)
	return err == nil
}

// LoadPrivateKey reads and parses a private key file, naming the file in
// any error.
func LoadPrivateKey(path string) (*rsa.PrivateKey, error) {
	b, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadPublicKey reads and parses a public key file, naming the file in any
// error.
func LoadPublicKey(path string) (*rsa.PublicKey, error) {
	b, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// readKeyFile reads at most MaxKeyFileSize bytes.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > MaxKeyFileSize {
		return nil, fmt.Errorf("%s: larger than %d KiB, too large to be a key; check that the path names a PEM key file", path, MaxKeyFileSize>>10)
	}
	return b, nil
}

// GenerateKey makes a fresh RSA-2048 key.
func GenerateKey() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, MinKeyBits)
}

// MarshalPrivateKeyPEM writes a PKCS#8 "PRIVATE KEY" PEM.
func MarshalPrivateKeyPEM(k *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalPublicKeyPEM writes a PKIX "PUBLIC KEY" PEM.
func MarshalPublicKeyPEM(k *rsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// decodeKey returns DER bytes and the PEM type ("" for bare base64). Text
// before the first PEM block (openssl's "Bag Attributes", a comment) is
// skipped, as openssl itself does.
func decodeKey(data []byte, role string) ([]byte, string, error) {
	text := strings.TrimSpace(string(data))
	if text == "" {
		return nil, "", fmt.Errorf("the %s key is empty; %s", role, fixGenerate)
	}
	if strings.Contains(text, "-----BEGIN") {
		block, _ := pem.Decode([]byte(text))
		if block == nil {
			return nil, "", fmt.Errorf("the %s key PEM is damaged (a BEGIN line without a readable body or END line); copy the whole file again, BEGIN to END", role)
		}
		if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			return nil, "", errEncrypted
		}
		return block.Bytes, block.Type, nil
	}
	compact := strings.Join(strings.Fields(text), "")
	der, err := base64.StdEncoding.DecodeString(compact)
	if err != nil {
		return nil, "", fmt.Errorf("the %s key is neither PEM (-----BEGIN …) nor bare base64 DER; check that the path names a key file, or %s", role, fixGenerate)
	}
	return der, "", nil
}

func checkBits(k *rsa.PrivateKey) (*rsa.PrivateKey, error) {
	if n := k.N.BitLen(); n < MinKeyBits {
		return nil, fmt.Errorf("the RSA key has %d bits; use at least %d: %s", n, MinKeyBits, fixGenerate)
	}
	return k, nil
}

func checkPubBits(k *rsa.PublicKey) (*rsa.PublicKey, error) {
	if n := k.N.BitLen(); n < MinKeyBits {
		return nil, fmt.Errorf("the RSA key has %d bits; use at least %d: %s", n, MinKeyBits, fixGenerate)
	}
	return k, nil
}

func keyType(k any) string {
	switch k.(type) {
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "an ECDSA key"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "an Ed25519 key"
	default:
		return fmt.Sprintf("a %T", k)
	}
}

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
	"os"
	"strings"
)

// MinKeyBits is the smallest RSA modulus uatrun accepts.
const MinKeyBits = 2048

// ParsePrivateKey reads an RSA private key from PEM (PKCS#1 "RSA PRIVATE
// KEY" or PKCS#8 "PRIVATE KEY") or from a bare base64 DER body, as gateway
// portals hand them out. Encrypted keys, non-RSA keys and keys under 2048
// bits are refused with an error that says what to do.
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	der, kind, err := decodeKey(data, "private")
	if err != nil {
		return nil, err
	}
	if kind == "ENCRYPTED PRIVATE KEY" {
		return nil, errors.New("the private key is encrypted; decrypt it first: openssl pkey -in key.pem -out key.plain.pem")
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return checkBits(k)
	}
	anyKey, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("not a PKCS#1 or PKCS#8 private key: %v", err)
	}
	k, ok := anyKey.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the private key is %s; BI-SNAP signatures need an RSA key (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)", keyType(anyKey))
	}
	return checkBits(k)
}

// ParsePublicKey reads an RSA public key from PEM (PKIX "PUBLIC KEY" or
// PKCS#1 "RSA PUBLIC KEY") or a bare base64 DER body.
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	der, _, err := decodeKey(data, "public")
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return checkPubBits(k)
	}
	anyKey, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		if _, perr := x509.ParsePKCS8PrivateKey(der); perr == nil {
			return nil, errors.New("this is a private key where a public key belongs; export the public half: openssl pkey -in key.pem -pubout")
		}
		return nil, fmt.Errorf("not a PKIX or PKCS#1 public key: %v", err)
	}
	k, ok := anyKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the public key is %s; BI-SNAP signatures need an RSA key", keyType(anyKey))
	}
	return checkPubBits(k)
}

// LoadPrivateKey reads and parses a private key file, naming the file in
// any error.
func LoadPrivateKey(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadPublicKey reads and parses a public key file.
func LoadPublicKey(path string) (*rsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
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

// decodeKey returns DER bytes and the PEM type ("" for bare base64).
func decodeKey(data []byte, role string) ([]byte, string, error) {
	text := strings.TrimSpace(string(data))
	if text == "" {
		return nil, "", fmt.Errorf("the %s key is empty", role)
	}
	if strings.HasPrefix(text, "-----BEGIN") {
		block, _ := pem.Decode([]byte(text))
		if block == nil {
			return nil, "", fmt.Errorf("the %s key PEM is damaged (BEGIN line without a readable body)", role)
		}
		if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			return nil, "", errors.New("the private key is encrypted; decrypt it first: openssl pkey -in key.pem -out key.plain.pem")
		}
		return block.Bytes, block.Type, nil
	}
	compact := strings.Join(strings.Fields(text), "")
	der, err := base64.StdEncoding.DecodeString(compact)
	if err != nil {
		return nil, "", fmt.Errorf("the %s key is neither PEM nor bare base64 DER", role)
	}
	return der, "", nil
}

func checkBits(k *rsa.PrivateKey) (*rsa.PrivateKey, error) {
	if n := k.N.BitLen(); n < MinKeyBits {
		return nil, fmt.Errorf("the RSA key has %d bits; use at least %d (uatrun keys makes 2048-bit keys)", n, MinKeyBits)
	}
	return k, nil
}

func checkPubBits(k *rsa.PublicKey) (*rsa.PublicKey, error) {
	if n := k.N.BitLen(); n < MinKeyBits {
		return nil, fmt.Errorf("the RSA key has %d bits; use at least %d", n, MinKeyBits)
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

package snap

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrBadSignature means a signature did not verify. Errors from Verify*
// wrap it, so callers can tell a wrong signature from a malformed one with
// errors.Is.
var ErrBadSignature = errors.New("signature does not verify")

// jsonSpace is the insignificant whitespace RFC 8259 allows between tokens.
const jsonSpace = " \t\r\n"

// Minify compacts a JSON body the way BI-SNAP hashes it: insignificant
// whitespace (including a trailing newline) goes, key order and string
// escapes stay exactly as received. An empty or all-whitespace body minifies
// to empty. Invalid JSON is an error.
func Minify(body []byte) ([]byte, error) {
	// Only JSON's own whitespace makes a body empty: bytes.TrimSpace would
	// also drop Unicode spaces such as U+00A0, hashing a non-JSON body as
	// if it were empty.
	if len(bytes.Trim(body, jsonSpace)) == 0 {
		return []byte{}, nil
	}
	var out bytes.Buffer
	if err := json.Compact(&out, body); err != nil {
		return nil, fmt.Errorf("body is not valid JSON: %w", err)
	}
	return out.Bytes(), nil
}

// BodyHash returns lowercase hex SHA-256 of the minified body.
func BodyHash(body []byte) (string, error) {
	min, err := Minify(body)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(min)
	return hex.EncodeToString(sum[:]), nil
}

// AsymmetricStringToSign builds METHOD:relativePath:hash:timestamp. The
// method is upper-cased; relativePath must be the URL path only (no host,
// no query), exactly as the gateway routes it.
func AsymmetricStringToSign(method, relativePath string, body []byte, timestamp string) (string, error) {
	h, err := BodyHash(body)
	if err != nil {
		return "", err
	}
	return strings.ToUpper(method) + ":" + relativePath + ":" + h + ":" + timestamp, nil
}

// SymmetricStringToSign builds METHOD:path:accessToken:hash:timestamp, the
// string BI-SNAP transaction calls sign with HMAC-SHA512.
func SymmetricStringToSign(method, path, accessToken string, body []byte, timestamp string) (string, error) {
	h, err := BodyHash(body)
	if err != nil {
		return "", err
	}
	return strings.ToUpper(method) + ":" + path + ":" + accessToken + ":" + h + ":" + timestamp, nil
}

// TokenStringToSign builds clientKey|timestamp, signed with RSA for the
// access-token APIs.
func TokenStringToSign(clientKey, timestamp string) string {
	return clientKey + "|" + timestamp
}

// SignRSA signs msg with RSASSA-PKCS1-v1_5 over SHA-256 and returns the
// signature in standard base64.
func SignRSA(key *rsa.PrivateKey, msg string) (string, error) {
	if key == nil {
		return "", errors.New("no private key")
	}
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("rsa sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// VerifyRSA checks a standard-base64 RSASSA-PKCS1-v1_5/SHA-256 signature.
func VerifyRSA(pub *rsa.PublicKey, msg, signatureB64 string) error {
	if pub == nil {
		return errors.New("no public key")
	}
	sig, err := base64.StdEncoding.DecodeString(signatureB64)
	if err != nil {
		return fmt.Errorf("%w: not standard base64", ErrBadSignature)
	}
	sum := sha256.Sum256([]byte(msg))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return fmt.Errorf("%w: RSA-SHA256 check failed", ErrBadSignature)
	}
	return nil
}

// SignHMAC returns base64(HMAC-SHA512(secret, msg)).
func SignHMAC(secret, msg string) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyHMAC checks a base64 HMAC-SHA512 signature in constant time.
func VerifyHMAC(secret, msg, signatureB64 string) error {
	got, err := base64.StdEncoding.DecodeString(signatureB64)
	if err != nil {
		return fmt.Errorf("%w: not standard base64", ErrBadSignature)
	}
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(msg))
	if !hmac.Equal(got, m.Sum(nil)) {
		return fmt.Errorf("%w: HMAC-SHA512 mismatch", ErrBadSignature)
	}
	return nil
}

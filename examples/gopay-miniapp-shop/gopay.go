package gopayminishop

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// The shop's own BI-SNAP plumbing, written from Midtrans' and GoPay's
// published contract: nothing here comes from uatrun.

// jakarta is GMT+7, the zone X-TIMESTAMP is written in.
var jakarta = time.FixedZone("WIB", 7*3600)

func timestamp(t time.Time) string { return t.In(jakarta).Format("2006-01-02T15:04:05+07:00") }

// xTimestamp is the X-TIMESTAMP of a request sent now.
func (s *Shop) xTimestamp() string {
	if s.fault(FaultTimestampUTC) {
		return time.Now().UTC().Format("2006-01-02T15:04:05+07:00")
	}
	return timestamp(time.Now())
}

// bodyHash is lowercase hex SHA-256 of the minified JSON body.
func bodyHash(body []byte) (string, error) {
	var min bytes.Buffer
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Compact(&min, body); err != nil {
			return "", err
		}
	}
	sum := sha256.Sum256(min.Bytes())
	return hex.EncodeToString(sum[:]), nil
}

func signRSA(key *rsa.PrivateKey, msg string) (string, error) {
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	return base64.StdEncoding.EncodeToString(sig), err
}

func verifyRSA(pub *rsa.PublicKey, msg, sigB64 string) error {
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
}

func signHMAC(secret, msg string) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func parsePrivateKey(b []byte) (*rsa.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("private key: no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("private key is not RSA")
	}
	return rk, nil
}

func parsePublicKey(b []byte) (*rsa.PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("public key: no PEM block")
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("public key is not RSA")
	}
	return rk, nil
}

// externalID is a numeric X-EXTERNAL-ID, unique per request.
func externalID() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1e17))
	return fmt.Sprintf("%018d", n)
}

// answer is a gateway answer: HTTP status and JSON body.
type answer struct {
	status int
	body   map[string]any
}

func (a answer) str(k string) string {
	v, _ := a.body[k].(string)
	return v
}

// code is the BI-SNAP responseCode, or the HTTP status for mini-app APIs.
func (a answer) code() string {
	if c := a.str("responseCode"); c != "" {
		return c
	}
	return fmt.Sprint(a.status)
}

// send makes one JSON request to the gateway.
func (s *Shop) send(ctx context.Context, method, path string, h http.Header, body []byte) (answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.cfg.GatewayURL+path, rd)
	if err != nil {
		return answer{}, err
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return answer{}, err
	}
	a := answer{status: resp.StatusCode, body: map[string]any{}}
	_ = json.Unmarshal(raw, &a.body)
	return a, nil
}

// b2bToken returns a cached B2B access token, asking for one when there is
// none or it is about to expire.
func (s *Shop) b2bToken(ctx context.Context, fresh bool) (string, error) {
	s.mu.Lock()
	tok, exp := s.b2b, s.b2bExp
	s.mu.Unlock()
	if tok != "" && s.fault(FaultB2BNeverRefreshed) {
		return tok, nil
	}
	if !fresh && tok != "" && time.Now().Before(exp) {
		return tok, nil
	}
	ts := s.xTimestamp()
	sig, err := signRSA(s.key, s.cfg.PartnerID+"|"+ts)
	if err != nil {
		return "", err
	}
	h := http.Header{}
	h.Set("X-TIMESTAMP", ts)
	h.Set("X-CLIENT-KEY", s.cfg.PartnerID)
	h.Set("X-SIGNATURE", sig)
	a, err := s.send(ctx, http.MethodPost, "/v1.0/access-token/b2b", h, []byte(`{"grantType":"client_credentials"}`))
	if err != nil {
		return "", err
	}
	if a.code() != "2007300" {
		return "", fmt.Errorf("B2B access token: %s %s", a.code(), a.str("responseMessage"))
	}
	tok = a.str("accessToken")
	var secs int
	fmt.Sscan(a.str("expiresIn"), &secs)
	s.mu.Lock()
	s.b2b, s.b2bExp = tok, time.Now().Add(time.Duration(secs)*time.Second-time.Minute)
	s.mu.Unlock()
	return tok, nil
}

// snapCall makes a signed BI-SNAP transaction call; an expired token is
// refreshed once.
func (s *Shop) snapCall(ctx context.Context, path string, body any) (answer, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return answer{}, err
	}
	for attempt := 0; ; attempt++ {
		tok, err := s.b2bToken(ctx, attempt > 0)
		if err != nil {
			return answer{}, err
		}
		hash, _ := bodyHash(raw)
		ts := s.xTimestamp()
		h := http.Header{}
		h.Set("Authorization", "Bearer "+tok)
		h.Set("X-TIMESTAMP", ts)
		h.Set("X-SIGNATURE", signHMAC(s.cfg.ClientSecret, "POST:"+path+":"+tok+":"+hash+":"+ts))
		h.Set("X-PARTNER-ID", s.cfg.PartnerID)
		h.Set("X-EXTERNAL-ID", externalID())
		h.Set("CHANNEL-ID", s.cfg.ChannelID)
		a, err := s.send(ctx, http.MethodPost, path, h, raw)
		if err != nil || attempt > 0 || a.status != http.StatusUnauthorized || !strings.HasSuffix(a.code(), "01") {
			return a, err
		}
	}
}

// exchange trades an auth code for the user's access token.
func (s *Shop) exchange(ctx context.Context, code string) (answer, error) {
	h := http.Header{}
	if s.fault(FaultWrongCredentials) {
		_, secret, _ := strings.Cut(s.cfg.MiniAppCredential, ":")
		h.Set("Authorization", "Bearer "+secret)
	} else {
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(s.cfg.MiniAppCredential)))
	}
	body, _ := json.Marshal(map[string]string{"auth_code": code})
	return s.send(ctx, http.MethodPost, "/v1/mini-apps/authorizations/token", h, body)
}

// userCall calls a GoPay back-end API with the user's access token.
func (s *Shop) userCall(ctx context.Context, method, path, tok string, body any) (answer, error) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+tok)
	return s.send(ctx, method, path, h, raw)
}

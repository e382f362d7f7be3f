package danawidgetshop

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The shop's own DANA Widget client: it signs with its RSA key the way
// DANA's SDKs do, and reads DANA's 7-digit codes. It imports nothing of
// uatrun, so it can be lifted whole.

// Paths of the DANA Widget APIs (dana-go widget/v1/api_widget.go).
const (
	pathApplyToken = "/v1.0/access-token/b2b2c.htm"
	pathApplyOTT   = "/rest/v1.1/qr/apply-ott"
	pathUnbinding  = "/v1.0/registration-account-unbinding.htm"
	pathBalance    = "/v1.0/balance-inquiry.htm"
	pathProfile    = "/dana/member/query/queryUserProfile.htm"
	pathPayment    = "/rest/redirection/v1.0/debit/payment-host-to-host"
	pathQuery      = "/rest/v1.1/debit/status"
	pathCancel     = "/v1.0/debit/cancel.htm"
	pathRefund     = "/v1.0/debit/refund.htm"
	pathOAuth      = "/v1.0/get-auth-code"
)

var jakarta = time.FixedZone("WIB", 7*3600)

func timestamp(t time.Time) string { return t.In(jakarta).Format("2006-01-02T15:04:05+07:00") }

// answer is a DANA answer: its code and the whole body.
type answer struct {
	code, message string
	body          map[string]any
	raw           []byte
}

func (a answer) str(path ...string) string {
	var v any = a.body
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

func sign(key *rsa.PrivateKey, msg string) (string, error) {
	h := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	return base64.StdEncoding.EncodeToString(sig), err
}

func verify(pub *rsa.PublicKey, msg, sigB64 string) error {
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return err
	}
	h := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
}

// stringToSign is POST:path:lowerhex(sha256(minified body)):timestamp.
func stringToSign(path string, body []byte, ts string) (string, error) {
	var min bytes.Buffer
	if err := json.Compact(&min, body); err != nil {
		return "", err
	}
	h := sha256.Sum256(min.Bytes())
	return "POST:" + path + ":" + hex.EncodeToString(h[:]) + ":" + ts, nil
}

// call posts a signed SNAP request. token selects the Apply Token
// signature (clientKey|timestamp, X-CLIENT-KEY, no X-EXTERNAL-ID).
func (s *Shop) call(path string, body any, tokenAPI bool, customerToken string) (answer, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return answer{}, err
	}
	ts := timestamp(time.Now())
	if s.fault["timestamp-utc-as-jakarta"] {
		ts = time.Now().UTC().Format("2006-01-02T15:04:05+07:00")
	}
	req, err := http.NewRequest(http.MethodPost, s.cfg.GatewayURL+path, bytes.NewReader(raw))
	if err != nil {
		return answer{}, err
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("X-TIMESTAMP", ts)
	h.Set("CHANNEL-ID", "95221")
	h.Set("X-PARTNER-ID", s.cfg.PartnerID)
	var msg string
	if tokenAPI {
		h.Set("X-CLIENT-KEY", s.cfg.PartnerID)
		msg = s.cfg.PartnerID + "|" + ts
	} else {
		h.Set("X-EXTERNAL-ID", s.externalID())
		if msg, err = stringToSign(path, raw, ts); err != nil {
			return answer{}, err
		}
	}
	if customerToken != "" {
		h.Set("Authorization-Customer", "Bearer "+customerToken)
	}
	sig, err := sign(s.key, msg)
	if err != nil {
		return answer{}, err
	}
	h.Set("X-SIGNATURE", sig)
	return s.do(req)
}

func (s *Shop) do(req *http.Request) (answer, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return answer{}, err
	}
	a := answer{raw: raw}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		return a, fmt.Errorf("DANA answered HTTP %d with no JSON", resp.StatusCode)
	}
	a.code, a.message = a.str("responseCode"), a.str("responseMessage")
	return a, nil
}

// openAPI posts a DANA Open API envelope signed over the request object.
func (s *Shop) openAPI(path, function string, body map[string]any) (answer, error) {
	head := map[string]any{"version": "2.0", "function": function, "clientId": s.cfg.PartnerID,
		"reqTime": time.Now().In(jakarta).Format("2006-01-02T15:04:05-07:00"), "reqMsgId": newID(), "reserve": "{}"}
	if t, ok := body["accessToken"]; ok {
		head["accessToken"] = t
	}
	reqObj, err := json.Marshal(map[string]any{"head": head, "body": body})
	if err != nil {
		return answer{}, err
	}
	sig, err := sign(s.key, string(reqObj))
	if err != nil {
		return answer{}, err
	}
	env, _ := json.Marshal(map[string]any{"request": json.RawMessage(reqObj), "signature": sig})
	req, err := http.NewRequest(http.MethodPost, s.cfg.GatewayURL+path, bytes.NewReader(env))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	a, err := s.do(req)
	if err == nil {
		a.code = a.str("response", "body", "resultInfo", "resultCode")
	}
	return a, err
}

// fixedExternalID is what the reuse-external-id fault sends on every call.
const fixedExternalID = "dana-widget-shop-0001"

// externalID is a new X-EXTERNAL-ID for each call: DANA requires it
// unique within the day.
func (s *Shop) externalID() string {
	if s.fault["reuse-external-id"] {
		return fixedExternalID
	}
	return newID()
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func parsePrivate(pemBytes []byte) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		return nil, errors.New("private key: no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("private key is not RSA")
	}
	return rk, nil
}

func parsePublic(pemBytes []byte) (*rsa.PublicKey, error) {
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		return nil, errors.New("public key: no PEM block")
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		if rk, err2 := x509.ParsePKCS1PublicKey(b.Bytes); err2 == nil {
			return rk, nil
		}
		return nil, err
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("public key is not RSA")
	}
	return rk, nil
}

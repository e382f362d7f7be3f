package shop

import (
	"bytes"
	"context"
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
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DANA Gapura paths (relative: the relative path is what gets signed).
const (
	createPath = "/payment-gateway/v1.0/debit/payment-host-to-host.htm"
	queryPath  = "/payment-gateway/v1.0/debit/status.htm"
	cancelPath = "/payment-gateway/v1.0/debit/cancel.htm"
	refundPath = "/payment-gateway/v1.0/debit/refund.htm"
	notifyPath = "/v1.0/debit/notify"
)

// timestampLayout is DANA's X-TIMESTAMP: Jakarta wall time and a LITERAL
// "+07:00" (Go has no "+07" token, so the offset here is plain text: always
// format in the jakarta zone and parse with time.ParseInLocation).
const timestampLayout = "2006-01-02T15:04:05+07:00"

var jakarta = time.FixedZone("WIB", 7*60*60)

// maxGatewayAnswer bounds what the shop reads from DANA: an answer is a few
// hundred bytes, and a misbehaving peer must not exhaust memory.
const maxGatewayAnswer = 1 << 20

// errNoAnswer means DANA could not be reached or did not answer in time. The
// request may or may not have taken effect: that is why creates and refunds
// are retried with the same reference, and why reconcile exists.
var errNoAnswer = errors.New("no answer from DANA")

// processExternalID is what the reuse-external-id fault sends on every call.
var processExternalID = randomHex(16)

// money is SNAP's amount object. value is a string with two decimals.
type money struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// danaAnswer holds the fields of DANA's answers that the shop acts on.
type danaAnswer struct {
	HTTPStatus              int    `json:"-"`
	ResponseCode            string `json:"responseCode"`
	ResponseMessage         string `json:"responseMessage"`
	ReferenceNo             string `json:"referenceNo"`
	WebRedirectURL          string `json:"webRedirectUrl"`
	LatestTransactionStatus string `json:"latestTransactionStatus"`
	Amount                  *money `json:"amount"`
	AdditionalInfo          struct {
		StatusDetail struct {
			AcquirementStatus string `json:"acquirementStatus"`
		} `json:"statusDetail"`
	} `json:"additionalInfo"`
	// isJSON reports that the answer's body was JSON (whatever its status).
	isJSON bool
}

// serverError reports a 5xx: DANA may or may not have done the work.
func (a danaAnswer) serverError() bool {
	return a.HTTPStatus >= 500 || strings.HasPrefix(a.ResponseCode, "5")
}

func (a danaAnswer) String() string { return a.ResponseCode + " " + a.ResponseMessage }

// danaClient signs and sends BI-SNAP requests to DANA.
type danaClient struct {
	baseURL   string
	partnerID string
	channelID string
	key       *rsa.PrivateKey
	http      *http.Client
	now       func() time.Time
	faults    faultSet
	log       *slog.Logger
}

// call sends body and, when DANA gave no answer or a 5xx, sends it ONCE more.
// retryBody supplies the second body; nil means "the very same bytes", which
// is what DANA's idempotency rules require for create and refund.
func (c *danaClient) call(ctx context.Context, path string, body []byte, retryBody func() ([]byte, error)) (danaAnswer, error) {
	ans, err := c.post(ctx, path, body)
	if err == nil && !ans.serverError() {
		return ans, nil
	}
	c.log.Warn("retrying DANA call once", "path", path, "first", describe(ans, err))
	if retryBody != nil {
		if body, err = retryBody(); err != nil {
			return danaAnswer{}, err
		}
	}
	return c.post(ctx, path, body)
}

// post sends one signed request. Every attempt gets a fresh X-TIMESTAMP,
// X-EXTERNAL-ID and signature; only the body stays the same.
func (c *danaClient) post(ctx context.Context, path string, body []byte) (danaAnswer, error) {
	full := strings.TrimRight(c.baseURL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, full, bytes.NewReader(body))
	if err != nil {
		return danaAnswer{}, fmt.Errorf("build request: %w", err)
	}
	ts := c.timestamp()
	sig, err := signRequest(c.key, http.MethodPost, c.signedPath(req.URL), body, ts)
	if err != nil {
		return danaAnswer{}, err
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	h.Set("X-TIMESTAMP", ts)
	h.Set("X-SIGNATURE", sig)
	h.Set("X-PARTNER-ID", c.partnerID)
	h.Set("X-EXTERNAL-ID", c.externalID(body))
	h.Set("CHANNEL-ID", c.channelID)
	resp, err := c.http.Do(req)
	if err != nil {
		return danaAnswer{}, fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxGatewayAnswer))
	if err != nil {
		return danaAnswer{}, fmt.Errorf("%w: reading answer: %v", errNoAnswer, err)
	}
	ans := danaAnswer{isJSON: true}
	if err := json.Unmarshal(raw, &ans); err != nil {
		ans = danaAnswer{ResponseMessage: "answer is not JSON"}
	}
	ans.HTTPStatus = resp.StatusCode
	return ans, nil
}

// signedPath is the URL path only: no scheme, host or query. DANA rebuilds
// the string to sign from the path it routed, so anything else never verifies.
func (c *danaClient) signedPath(u *url.URL) string {
	if c.faults.on(faultSignWrongPath) {
		return u.String()
	}
	return u.Path
}

func (c *danaClient) timestamp() string {
	now := c.now()
	if c.faults.on(faultTimestampUTCZ) {
		return now.UTC().Format("2006-01-02T15:04:05Z")
	}
	if c.faults.on(faultTimestampUTCAsJakarta) {
		return now.UTC().Format(timestampLayout) // the right layout, the wrong clock
	}
	return now.In(jakarta).Format(timestampLayout)
}

// externalID is unique per request (DANA: unique within the day, ≤ 36
// chars), retries included. body is only read by the external-id-per-order
// fault, which uses the order the request is about instead.
func (c *danaClient) externalID(body []byte) string {
	switch {
	case c.faults.on(faultReuseExternalID):
		return processExternalID
	case c.faults.on(faultExternalIDPerOrder):
		var about struct {
			PartnerReferenceNo         string `json:"partnerReferenceNo"`
			OriginalPartnerReferenceNo string `json:"originalPartnerReferenceNo"`
		}
		json.Unmarshal(body, &about) // the shop's own bytes: always JSON
		return about.PartnerReferenceNo + about.OriginalPartnerReferenceNo
	}
	return randomHex(16)
}

// stringToSign is BI-SNAP's asymmetric string:
// METHOD:relativePath:lowerhex(sha256(minified body)):X-TIMESTAMP.
// The body is compacted first; for bytes the shop marshalled itself that
// changes nothing, and for a received notify it removes whitespace exactly
// as the signer did.
func stringToSign(method, path string, body []byte, ts string) (string, error) {
	var min bytes.Buffer
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Compact(&min, body); err != nil {
			return "", fmt.Errorf("body is not JSON: %w", err)
		}
	}
	sum := sha256.Sum256(min.Bytes())
	return method + ":" + path + ":" + hex.EncodeToString(sum[:]) + ":" + ts, nil
}

// signRequest returns base64(RSASSA-PKCS1-v1_5(SHA-256)) over the string to sign.
func signRequest(key *rsa.PrivateKey, method, path string, body []byte, ts string) (string, error) {
	msg, err := stringToSign(method, path, body, ts)
	if err != nil {
		return "", err
	}
	digest := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// verifySignature checks DANA's signature on a received message.
func verifySignature(pub *rsa.PublicKey, msg, sigB64 string) error {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sigB64))
	if err != nil {
		return fmt.Errorf("signature is not base64: %w", err)
	}
	digest := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
}

// parsePrivateKey accepts PKCS#1 ("RSA PRIVATE KEY") and PKCS#8 ("PRIVATE
// KEY") PEM, the two forms DANA's portal and SDKs hand out.
func parsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("private key: no PEM block found")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("private key: neither PKCS#1 nor PKCS#8: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key: %T is not RSA", k)
	}
	return rk, nil
}

// parsePublicKey accepts PKIX ("PUBLIC KEY") and, leniently, PKCS#1
// ("RSA PUBLIC KEY") PEM.
func parsePublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("public key: no PEM block found")
	}
	if k, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: not PKIX: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key: %T is not RSA", k)
	}
	return rk, nil
}

// randomHex returns 2n lowercase hex characters from crypto/rand (which
// cannot fail since Go 1.24).
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func describe(a danaAnswer, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("HTTP %d %s", a.HTTPStatus, a)
}

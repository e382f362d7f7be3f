package purwantarashop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// maxGatewayAnswer bounds what the shop reads from Purwantara.
const maxGatewayAnswer = 1 << 20

// errNoAnswer means Purwantara could not be reached or did not answer: the
// payment may or may not exist, which is why reconcile exists.
var errNoAnswer = errors.New("no answer from Purwantara")

// channelSpec is how the shop creates and inquires one kind of payment.
type channelSpec struct {
	path    string // after /v1/
	inquiry string // inquiry path prefix; the uuid is appended
	body    func(s *Shop, o order, expires string) map[string]any
}

// channelSpecs are the channels the shop offers, keyed by create path.
var channelSpecs = map[string]channelSpec{
	"virtual-account": {"virtual-account", "virtual-account/inquiry/", func(s *Shop, o order, exp string) map[string]any {
		return map[string]any{"expected_amount": o.Amount, "name": s.cfg.StoreName, "bank": s.cfg.Bank,
			"description": o.Title, "expired_at": exp, "external_id": o.ID, "merchant_trx_id": o.ID}
	}},
	"qris": {"qris", "qris/inquiry/", func(s *Shop, o order, _ string) map[string]any {
		return map[string]any{"amount": o.Amount, "transaction_description": o.Title, "order_id": o.ID,
			"merchant_trx_id": o.ID, "customer_phone": s.cfg.CustomerPhone}
	}},
	// The e-wallets take external_id as their reference, as Purwantara's
	// own API monitor sends it (github.com/ilhamgepe/automate-ppn-api).
	"ewallet/ovo": {"ewallet/ovo", "ewallet/ovo/inquiry/", func(s *Shop, o order, _ string) map[string]any {
		return map[string]any{"amount": o.Amount, "description": o.Title, "external_id": o.ID,
			"customer_phone": s.cfg.CustomerPhone, "payment_channel": "OVO"}
	}},
	"ewallet/shopeepay": {"ewallet/shopeepay", "ewallet/shopeepay/inquiry/", func(s *Shop, o order, _ string) map[string]any {
		return map[string]any{"amount": o.Amount, "transaction_description": o.Title, "external_id": o.ID,
			"return_url": s.returnURL(o.ID), "payment_channel": "shopee_pay"}
	}},
	"ewallet/dana": {"ewallet/dana", "ewallet/dana/inquiry/", func(s *Shop, o order, _ string) map[string]any {
		return map[string]any{"amount": o.Amount, "description": o.Title, "external_id": o.ID, "merchant_trx_id": o.ID,
			"customer_phone": s.cfg.CustomerPhone, "pay_return": s.returnURL(o.ID), "payment_channel": "wallet_dana"}
	}},
	"payment-link": {"payment-link", "payment-link/", func(s *Shop, o order, exp string) map[string]any {
		return map[string]any{"amount": o.Amount, "title": o.Title, "description": o.Title, "expires_at": exp,
			"external_id": o.ID, "return_url": s.returnURL(o.ID)}
	}},
	"counter": {"counter", "counter/inquiry/", func(s *Shop, o order, exp string) map[string]any {
		return map[string]any{"expected_amount": o.Amount, "name": s.cfg.StoreName, "payment_channel": s.cfg.Outlet,
			"description": o.Title, "expired_at": exp, "external_id": o.ID, "merchant_trx_id": o.ID}
	}},
}

// answer is Purwantara's envelope with the transaction fields the shop
// uses: {"status","success","data"} on success, {"status","success":false,
// "error":{"code","message"}} on failure.
type answer struct {
	HTTPStatus int    `json:"-"`
	Status     int    `json:"status"`
	Success    bool   `json:"success"`
	Data       txData `json:"data"`
	Error      struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// reason says why Purwantara refused, for logs and the shopper's error.
func (a answer) reason() string {
	if a.Error.Code == "" && a.Error.Message == "" {
		return fmt.Sprintf("HTTP %d", a.HTTPStatus)
	}
	return a.Error.Code + ": " + a.Error.Message
}

// txData is a transaction as create and inquiry answer it.
type txData struct {
	UUID           string `json:"uuid"`
	ExternalID     string `json:"external_id"`
	Status         string `json:"status"`
	Amount         string `json:"amount"`
	VANumber       string `json:"va_number,omitempty"`
	QRString       string `json:"qr_string,omitempty"`
	QRURL          string `json:"qr_url,omitempty"`
	CheckoutURL    string `json:"checkout_url,omitempty"`
	PaymentLinkURL string `json:"payment_link_url,omitempty"`
	PaymentCode    string `json:"payment_code,omitempty"`
}

// redirect is where the shopper's browser goes, if the channel has a page.
func (d txData) redirect() string {
	for _, u := range []string{d.PaymentLinkURL, d.CheckoutURL, d.QRURL} {
		if u != "" {
			return u
		}
	}
	return ""
}

type gatewayClient struct {
	baseURL, token string
	http           *http.Client
}

// call sends one API request with the Bearer token and reads the envelope.
func (g *gatewayClient) call(ctx context.Context, method, path string, body any) (answer, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(g.baseURL, "/")+"/v1/"+path, rd)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxGatewayAnswer))
	if err != nil {
		return answer{}, fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil && resp.StatusCode < 300 {
		return answer{}, fmt.Errorf("%w: unreadable answer (HTTP %d)", errNoAnswer, resp.StatusCode)
	}
	a.HTTPStatus = resp.StatusCode
	return a, nil
}

// ok reports a success: Purwantara answers a create with status 201 and an
// inquiry or cancel with 200. Either is accepted in the HTTP status and in
// the body's status, so a success is never mistaken for a refusal.
func (a answer) ok() bool {
	return success(a.HTTPStatus) && success(a.Status) && a.Success && a.Data.UUID != ""
}

func success(status int) bool { return status == http.StatusOK || status == http.StatusCreated }

// definite reports a 4xx: the request was refused and did nothing.
func (a answer) definite() bool { return a.HTTPStatus >= 400 && a.HTTPStatus < 500 }

// ppnAmount is Purwantara's amount text: whole rupiah with optional
// decimals that must all be zero ("15000.0000").
var ppnAmount = regexp.MustCompile(`^([0-9]{1,13})(?:\.(0{1,4}))?$`)

func parsePPNAmount(s string) (int64, error) {
	m := ppnAmount.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("amount %q is not whole rupiah", s)
	}
	return strconv.ParseInt(m[1], 10, 64)
}

// expiry is the ISO-8601 expiry sent with channels that take one, in
// Jakarta time as PHP's date('Y-m-d\TH:i:sP') writes it.
func (s *Shop) expiry() string {
	return s.cfg.Now().Add(s.cfg.Validity).In(jakarta).Format(time.RFC3339)
}

var jakarta = time.FixedZone("WIB", 7*60*60)

func (s *Shop) returnURL(id string) string {
	return s.base() + "/return?order=" + url.QueryEscape(id)
}

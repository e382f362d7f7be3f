package midtransshop

import (
	"bytes"
	"context"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxGatewayAnswer bounds what the shop reads from Midtrans.
const maxGatewayAnswer = 256 << 10

// errNoAnswer wraps transport failures: the call's outcome is unknown.
var errNoAnswer = errors.New("no answer from Midtrans")

// midtransClient speaks Snap and the Core API: JSON over HTTPS with HTTP
// Basic authentication, username = server key, empty password.
type midtransClient struct {
	snapURL, coreURL string
	serverKey        string
	http             *http.Client
	log              *slog.Logger
}

// answer is a Midtrans reply: the HTTP status plus the fields the shop reads.
type answer struct {
	HTTP              int
	StatusCode        string   `json:"status_code"`
	StatusMessage     string   `json:"status_message"`
	TransactionStatus string   `json:"transaction_status"`
	FraudStatus       string   `json:"fraud_status"`
	GrossAmount       string   `json:"gross_amount"`
	OrderID           string   `json:"order_id"`
	Token             string   `json:"token"`
	RedirectURL       string   `json:"redirect_url"`
	ErrorMessages     []string `json:"error_messages"`
	// Refunds is the status answer's refunds[]: the refunds whose money moved.
	Refunds []refundEntry `json:"refunds"`
}

// refundEntry is one element of refunds[] in a status answer or a refund
// notification.
type refundEntry struct {
	RefundKey    string `json:"refund_key"`
	RefundAmount string `json:"refund_amount"`
}

// pending reports a Core API answer that accepted the request but has not
// finished it: status_code 201. For a refund, no money has moved yet.
func (a answer) pending() bool { return a.ok() && a.StatusCode == "201" }

// ok reports a Core API success: HTTP 2xx and a body status_code that
// midtrans-go would not turn into an error (< 401, or 407).
func (a answer) ok() bool {
	code, _ := strconv.Atoi(a.StatusCode)
	return a.HTTP < 300 && (code < 401 || code == 407)
}

// serverError is "don't know": the shop keeps state and may retry.
func (a answer) serverError() bool { return a.HTTP >= 500 }

func (a answer) describe() string {
	if len(a.ErrorMessages) > 0 {
		return strings.Join(a.ErrorMessages, "; ")
	}
	return strings.TrimSpace(a.StatusCode + " " + a.StatusMessage)
}

// snapRequest is the Snap create-transaction body the shop sends.
type snapRequest struct {
	TransactionDetails struct {
		OrderID     string `json:"order_id"`
		GrossAmount any    `json:"gross_amount"` // an integer; a string only under a fault
	} `json:"transaction_details"`
	ItemDetails     []item          `json:"item_details"`
	CustomerDetails customerDetails `json:"customer_details"`
	Callbacks       struct {
		Finish string `json:"finish"`
	} `json:"callbacks"`
}

type item struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Price    int64  `json:"price"`
	Quantity int    `json:"quantity"`
}

type customerDetails struct {
	FirstName string `json:"first_name"`
	Email     string `json:"email"`
}

func (c *midtransClient) createTransaction(ctx context.Context, req snapRequest) (answer, error) {
	body, _ := json.Marshal(req) // plain structs cannot fail
	return c.do(ctx, http.MethodPost, c.snapURL+"/snap/v1/transactions", body)
}

func (c *midtransClient) status(ctx context.Context, orderID string) (answer, error) {
	return c.do(ctx, http.MethodGet, c.coreURL+"/v2/"+url.PathEscape(orderID)+"/status", nil)
}

func (c *midtransClient) cancel(ctx context.Context, orderID string) (answer, error) {
	return c.do(ctx, http.MethodPost, c.coreURL+"/v2/"+url.PathEscape(orderID)+"/cancel", nil)
}

func (c *midtransClient) refund(ctx context.Context, orderID string, body []byte) (answer, error) {
	return c.do(ctx, http.MethodPost, c.coreURL+"/v2/"+url.PathEscape(orderID)+"/refund", body)
}

func (c *midtransClient) do(ctx context.Context, method, target string, body []byte) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return answer{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(c.serverKey, "")
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxGatewayAnswer))
	if err != nil {
		return answer{}, fmt.Errorf("%w: read: %v", errNoAnswer, err)
	}
	a := answer{HTTP: resp.StatusCode}
	if err := json.Unmarshal(raw, &a); err != nil {
		c.log.Warn("Midtrans answered non-JSON", "status", resp.StatusCode)
		a.StatusMessage = "non-JSON answer"
	}
	a.HTTP = resp.StatusCode
	return a, nil
}

// signatureKey is Midtrans' notification signature: lowercase hex
// SHA-512 of order_id + status_code + gross_amount + server key, each
// exactly as the strings in the notification.
func signatureKey(orderID, statusCode, grossAmount, serverKey string) string {
	sum := sha512.Sum512([]byte(orderID + statusCode + grossAmount + serverKey))
	return hex.EncodeToString(sum[:])
}

// validSignature compares in constant time, so the check leaks nothing
// about how much of a forged signature was right.
func validSignature(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
}

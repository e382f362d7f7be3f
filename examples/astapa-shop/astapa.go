package astapashop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
)

const maxGatewayAnswer = 256 << 10

var errNoAnswer = errors.New("no answer from Astapa")

// astapaClient speaks Astapa's shop-payment API.
type astapaClient struct {
	baseURL, clientID, clientSecret string
	http                            *http.Client
	log                             *slog.Logger
}

// createAnswer is the create reply (success or error fields).
type createAnswer struct {
	HTTP       int
	InvoiceURL string `json:"invoice_url"`
	OrderID    string `json:"order_id"`
	PurchaseID string `json:"purchase_id"`
	Error      string `json:"error"`
	Message    string `json:"message"`
}

// verifyAnswer is the verify reply. Raw keeps every field so that a fault
// can read the wrong one.
type verifyAnswer struct {
	HTTP   int
	Status string `json:"status"`
	Raw    map[string]any
}

func (c *astapaClient) create(ctx context.Context, body map[string]any) (createAnswer, error) {
	body["client_id"], body["client_secret"] = c.clientID, c.clientSecret
	raw, _ := json.Marshal(body) // strings, numbers and maps cannot fail
	var a createAnswer
	status, err := c.do(ctx, http.MethodPost, c.baseURL+"/api/platform/shop-payment", raw, &a)
	a.HTTP = status
	return a, err
}

func (c *astapaClient) verify(ctx context.Context, orderID string) (verifyAnswer, error) {
	var a verifyAnswer
	status, err := c.do(ctx, http.MethodGet, c.baseURL+"/api/platform/shop-payment/verify?order_id="+url.QueryEscape(orderID), nil, &a.Raw)
	a.HTTP = status
	a.Status, _ = a.Raw["status"].(string)
	return a, err
}

func (c *astapaClient) do(ctx context.Context, method, target string, body []byte, into any) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxGatewayAnswer))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%w: read: %v", errNoAnswer, err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		c.log.Warn("Astapa answered non-JSON", "status", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

package midtrans

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// shopperAgent is the User-Agent of the emulated shopper's browser.
const shopperAgent = "Mozilla/5.0 (uatrun shopper; Midtrans Snap finish redirect)"

// returnShopper GETs the finish redirect URL as the shopper's browser does
// when Snap closes: callbacks.finish (or the dashboard's Finish Redirect
// URL) with order_id, status_code and transaction_status in the query. It
// changes nothing and sends no notification. forged, when set, replaces
// transaction_status: the query is the browser's to write, which is why a
// merchant must never mark an order paid on it.
func (e *Emulator) returnShopper(ctx context.Context, id, forged string) (emulator.Result, error) {
	if forged != "" && !slices.Contains(notifyStatuses, forged) {
		return emulator.Result{}, fmt.Errorf("midtrans: return_shopper transaction_status %q: want one of %s", forged, strings.Join(notifyStatuses, ", "))
	}
	e.mu.Lock()
	t, err := e.st.lookup(id)
	var base, order, status string
	if err == nil {
		base, order, status = t.finishURL, t.orderID, t.status
	}
	if base == "" {
		base = e.dash.finishURL
	}
	e.mu.Unlock()
	if err != nil {
		return emulator.Result{}, err
	}
	if base == "" {
		return emulator.Result{}, fmt.Errorf("midtrans: transaction %s has no finish redirect URL: send callbacks.finish in the Snap request or configure the dashboard's Finish Redirect URL", order)
	}
	if forged != "" {
		status = forged
	}
	target := finishTarget(base, order, status)
	x := e.visit(ctx, target)
	e.rec.Add(&x)
	res := emulator.Result{Exchanges: []evidence.Exchange{x}}
	if x.Error != "" {
		res.Detail = fmt.Sprintf("shopper returned to %s: %s", target, x.Error)
	} else {
		res.Detail = fmt.Sprintf("shopper returned to %s: HTTP %d (transaction unchanged, no notification)", target, x.Response.Status)
	}
	return res, nil
}

// finishTarget appends Snap's finish query to base, keeping base's own query.
func finishTarget(base, order, status string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("order_id", order)
	q.Set("status_code", notifyCodes[status])
	q.Set("transaction_status", status)
	u.RawQuery = q.Encode()
	return u.String()
}

// visit performs the browser GET and returns it as a shopper exchange.
// Redirects are not followed: the merchant's first answer is the evidence.
func (e *Emulator) visit(ctx context.Context, target string) (x evidence.Exchange) {
	at := e.rec.Stamp()
	h := http.Header{"User-Agent": {shopperAgent}, "Accept": {"text/html,application/xhtml+xml"}}
	x = evidence.Exchange{Kind: evidence.KindShopper, Label: actReturnShopper, At: at,
		Request: e.rec.Message(http.MethodGet, target, 0, h, nil)}
	defer func() { x.DurationMS = since(at.Real) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		x.Error = "finish URL cannot be requested: " + err.Error()
		return x
	}
	req.Header = h
	client := *e.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		x.Error = err.Error()
		return x
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, emulator.MaxAnswerBody+1))
	if err != nil {
		x.Error = "read answer: " + err.Error()
	} else if len(body) > emulator.MaxAnswerBody {
		body, x.Error = body[:emulator.MaxAnswerBody], fmt.Sprintf("answer exceeds %d KiB", emulator.MaxAnswerBody>>10)
	}
	m := e.rec.Message("", "", resp.StatusCode, resp.Header, body)
	x.Response = &m
	return x
}

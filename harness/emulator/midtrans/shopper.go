package midtrans

import (
	"context"
	"fmt"
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
func (e *Emulator) visit(ctx context.Context, target string) evidence.Exchange {
	return e.rec.Visit(ctx, e.client, actReturnShopper, emulator.Outbound{Method: http.MethodGet, URL: target,
		Header:     http.Header{"User-Agent": {shopperAgent}, "Accept": {"text/html,application/xhtml+xml"}},
		BuildError: "finish URL cannot be requested"})
}

package purwantara

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// shopperAgent is the User-Agent of the emulated shopper's browser.
const shopperAgent = "Mozilla/5.0 (uatrun shopper; Purwantara payment page return)"

// forgedResult is Purwantara's own word for a paid transaction (its
// webhook's status), added to emulator.ForgedSuccess on a forged return:
// status=PAID replaces the generic status=SUCCESS.
var forgedResult = url.Values{"status": {StatusPaid}}

// returnShopper GETs the transaction's return URL (return_url for a
// payment link or ShopeePay, pay_return for DANA) as the shopper's browser
// would after the payment page. It changes nothing and sends no webhook: a
// merchant that marks the order paid on this visit alone is caught by the
// scenario, not helped by the emulator. Redirects are not followed; the
// merchant's first answer is what the evidence shows. forged appends
// success parameters to the URL, as anyone can in a browser's address bar.
func (e *Emulator) returnShopper(ctx context.Context, ref, forged string) (emulator.Result, error) {
	if forged != "" && forged != "true" && forged != "false" {
		return emulator.Result{}, fmt.Errorf("purwantara: return_shopper forged %q: want true or false", forged)
	}
	e.mu.Lock()
	t, err := e.st.lookup(ref)
	var target, field, path string
	if err == nil {
		target, field, path = t.returnURL, t.ch.returnField, t.ch.path
	}
	e.mu.Unlock()
	if err != nil {
		return emulator.Result{}, err
	}
	if target == "" {
		if field == "" {
			return emulator.Result{}, fmt.Errorf("purwantara: %w: %s %s has no shopper return: the channel takes no return URL (only payment links, ShopeePay and DANA do)", emulator.ErrOrderState, path, ref)
		}
		return emulator.Result{}, fmt.Errorf("purwantara: %w: %s %s has no shopper return: its create sent no %s", emulator.ErrOrderState, path, ref, field)
	}
	if forged == "true" {
		target = withForgedResult(target)
	}
	x := e.rec.Visit(ctx, e.client, actReturnShopper, emulator.Outbound{Method: http.MethodGet, URL: target,
		Header:     http.Header{"User-Agent": {shopperAgent}, "Accept": {"text/html,application/xhtml+xml"}},
		BuildError: field + " cannot be requested"})
	e.rec.Add(&x)
	res := emulator.Result{Exchanges: []evidence.Exchange{x}}
	if x.Error != "" {
		res.Detail = fmt.Sprintf("shopper returned to %s: %s", target, x.Error)
	} else {
		res.Detail = fmt.Sprintf("shopper returned to %s: HTTP %d (transaction unchanged, no webhook)", target, x.Response.Status)
	}
	return res, nil
}

// withForgedResult is emulator.WithForgedSuccess plus forgedResult.
func withForgedResult(target string) string {
	u, err := url.Parse(emulator.WithForgedSuccess(target))
	if err != nil {
		return target
	}
	q := u.Query()
	for k, v := range forgedResult {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

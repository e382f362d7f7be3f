package dana

import (
	"context"
	"fmt"
	"net/http"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// shopperAgent is the User-Agent of the emulated shopper's browser.
const shopperAgent = "Mozilla/5.0 (uatrun shopper; DANA hosted checkout return)"

// returnShopper GETs the order's PAY_RETURN url as the shopper's browser
// would after paying. It changes nothing and sends no notify: a merchant
// that marks the order paid on this redirect alone is caught by the
// scenario, not helped by the emulator. Redirects are not followed; the
// merchant's first answer is what the evidence shows. forged appends
// success parameters to the URL, as anyone can in a browser's address bar.
func (e *Emulator) returnShopper(ctx context.Context, ref string, forged bool) (emulator.Result, error) {
	e.mu.Lock()
	o, err := e.st.lookup(ref)
	var target string
	if err == nil {
		target = o.returnURL
	}
	e.mu.Unlock()
	if err != nil {
		return emulator.Result{}, err
	}
	if forged {
		target = emulator.WithForgedSuccess(target)
	}
	x := e.visit(ctx, target)
	e.rec.Add(&x)
	res := emulator.Result{Exchanges: []evidence.Exchange{x}}
	if x.Error != "" {
		res.Detail = fmt.Sprintf("shopper returned to %s: %s", target, x.Error)
	} else {
		res.Detail = fmt.Sprintf("shopper returned to %s: HTTP %d (order state unchanged, no notify)", target, x.Response.Status)
	}
	return res, nil
}

// visit performs the browser GET and returns it as a shopper exchange.
func (e *Emulator) visit(ctx context.Context, target string) evidence.Exchange {
	return e.rec.Visit(ctx, e.client, actReturnShopper, emulator.Outbound{Method: http.MethodGet, URL: target,
		Header:     http.Header{"User-Agent": {shopperAgent}, "Accept": {"text/html,application/xhtml+xml"}},
		BuildError: "PAY_RETURN url cannot be requested"})
}

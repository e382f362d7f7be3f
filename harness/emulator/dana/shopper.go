package dana

import (
	"context"
	"fmt"
	"io"
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
// merchant's first answer is what the evidence shows.
func (e *Emulator) returnShopper(ctx context.Context, ref string) (emulator.Result, error) {
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
func (e *Emulator) visit(ctx context.Context, target string) (x evidence.Exchange) {
	at := e.rec.Stamp()
	h := http.Header{"User-Agent": {shopperAgent}, "Accept": {"text/html,application/xhtml+xml"}}
	x = evidence.Exchange{Kind: evidence.KindShopper, Label: actReturnShopper, At: at,
		Request: e.rec.Message(http.MethodGet, target, 0, h, nil)}
	defer func() { x.DurationMS = since(at.Real) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		x.Error = "PAY_RETURN url cannot be requested: " + err.Error()
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

package purwantara

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

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

// simulatorTemplate is the payment simulator the shopper opens: what
// payment_link_url, qr_url and checkout_url point at. Self-contained (no
// scripts, no external assets), readable on a phone. Once the transaction
// has an outcome it links back to the merchant's return URL (return_url or
// pay_return) unchanged, as the sandbox's page sends the shopper back.
var simulatorTemplate = template.Must(template.New("sim").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Purwantara payment simulator (uatrun emulator)</title>
<style>body{font-family:system-ui,sans-serif;background:#eef3f8;margin:0;padding:1rem}
main{max-width:28rem;margin:auto;background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 2px 8px #0002;overflow-wrap:anywhere}
h1{font-size:1.2rem;margin-top:0;color:#0b4f8a}table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.3rem .4rem .3rem 0}th{color:#555;font-weight:600;white-space:nowrap}
form{display:inline}button,a.return{display:inline-block;font-size:1rem;padding:.55rem 1.2rem;margin:.8rem .4rem 0 0;border:0;border-radius:6px;cursor:pointer;text-decoration:none}
.pay,a.return{background:#0b4f8a;color:#fff}.fail{background:#b3261e;color:#fff}.expire{background:#ddd;color:#222}
button:focus-visible,a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
[role=alert]{background:#fdecea;border-left:4px solid #b3261e;padding:.6rem .8rem}.note{color:#666;font-size:.85rem}</style>
</head><body><main>
<h1>Payment simulator</h1>
<p class="note">uatrun's Purwantara emulator. Nothing here moves money.</p>
{{if .Refused}}<p role="alert">{{.Refused}}</p>{{end}}
<table>
<tr><th scope="row">Channel</th><td>{{.Channel}} {{.Provider}}</td></tr>
<tr><th scope="row">Reference</th><td>{{.Reference}}</td></tr>
<tr><th scope="row">Amount</th><td>IDR {{.Amount}}</td></tr>
<tr><th scope="row">Status</th><td id="status"><strong>{{.Status}}</strong></td></tr>
{{if .Instrument}}<tr><th scope="row">Pay to</th><td><code>{{.Instrument}}</code></td></tr>{{end}}
<tr><th scope="row">Expires</th><td>{{.ExpiresAt}}</td></tr>
</table>
{{if eq .Status "ACTIVE"}}
<form method="post" action="/simulator/{{.UUID}}/pay"><button class="pay" type="submit">Pay</button></form>
<form method="post" action="/simulator/{{.UUID}}/fail"><button class="fail" type="submit">Fail</button></form>
<form method="post" action="/simulator/{{.UUID}}/expire"><button class="expire" type="submit">Expire</button></form>
{{else if .ReturnURL}}
<p><a class="return" href="{{.ReturnURL}}">Back to the merchant</a></p>
{{end}}
</main></body></html>
`))

// simulatorView is what the simulator page shows.
type simulatorView struct {
	TransactionView
	ReturnURL string // where the shopper goes back to once there is an outcome
	Refused   string // why a button press changed nothing
}

// simulatorData finds the transaction the page at /simulator/{uuid} shows.
func (e *Emulator) simulatorData(uuid string) (simulatorView, bool) {
	for _, v := range e.Transactions() {
		if v.UUID == uuid {
			sv := simulatorView{TransactionView: v}
			e.mu.Lock()
			if t := e.st.byUUID[uuid]; t != nil {
				sv.ReturnURL = t.returnURL
			}
			e.mu.Unlock()
			return sv, true
		}
	}
	return simulatorView{}, false
}

// renderSimulator writes the simulator page with the given status.
func renderSimulator(c *gin.Context, status int, v simulatorView) {
	var buf bytes.Buffer
	if err := simulatorTemplate.Execute(&buf, v); err != nil {
		c.String(http.StatusInternalServerError, "simulator page failed to render")
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// simulatorPage serves GET /simulator/{uuid}: what payment_link_url,
// qr_url and checkout_url point at, with the sandbox simulator's buttons.
func (e *Emulator) simulatorPage(c *gin.Context) {
	v, ok := e.simulatorData(c.Param("uuid"))
	if !ok {
		c.String(http.StatusNotFound, "no such transaction")
		return
	}
	renderSimulator(c, http.StatusOK, v)
}

// simulatorAction serves the simulator's buttons and shows the page again.
// A press the transaction's status no longer allows (a second Pay from a
// tab left open) changes nothing and shows the page with the refusal.
func (e *Emulator) simulatorAction(c *gin.Context) {
	name := c.Param("action")
	if name != actPay && name != actFail && name != actExpire {
		emulator.ControlError(c, http.StatusNotFound, "the simulator can pay, fail or expire")
		return
	}
	if _, err := e.Act(c.Request.Context(), emulator.Action{Name: name, Order: c.Param("uuid")}); err != nil {
		v, ok := e.simulatorData(c.Param("uuid"))
		if !ok || !errors.Is(err, emulator.ErrOrderState) {
			emulator.ControlError(c, emulator.ActStatus(err), err.Error())
			return
		}
		v.Refused = "Refused: this payment is already " + v.Status + "; nothing was changed and no webhook was sent."
		renderSimulator(c, emulator.ActStatus(err), v)
		return
	}
	c.Redirect(http.StatusSeeOther, "/simulator/"+url.PathEscape(c.Param("uuid")))
}

package dana

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// The hosted checkout speaks DANA's page contract, so a browser flow
// written for DANA's sandbox checkout (DANA's own UAT script's
// PaymentPGBrowser) pays through it unchanged:
//
//  1. GET /checkout/{ref}: the order and the method list; the DANA method
//     is an element of class "dana" whose child "bank-title" opens the
//     DANA login.
//  2. ?step=phone: the phone number in ".desktop-input>.txt-input-phone-number-field"
//     and ".agreement__button>.btn-continue".
//  3. POST login: the PIN in ".txt-input-pin-field" and the one
//     ".btn.btn-primary", which pays (POST confirm): the order is settled,
//     the signed finish notify sent, and the browser sent to PAY_RETURN
//     with a 303.
//  4. Opening the page again after paying shows "This order is already
//     paid." and its ".btn.btn-primary" answers "Payment refused: this
//     order is already paid." (HTTP 409), changing nothing.
//
// The sandbox convention: any Indonesian mobile number (08…, 8…, 628… or
// +628…, 9 to 13 digits after the 0) and any 6-digit PIN; DANA's script
// defaults (083811223355, PIN 181818) are accepted. The Fail, Cancel and
// "Pay without DANA login" shortcuts under "Emulator shortcuts" post to
// /checkout/{ref}/fail, /cancel and /pay.
//
// The pages are self-contained: inline style, no scripts, no external
// assets, escaped by html/template.

// checkoutData is what a checkout page shows.
type checkoutData struct {
	OrderView
	Step   string // choose, phone, pin, done, refused
	Phone  string // normalised, without +62
	Error  string
	Notice string
}

var checkoutTmpl = bisnap.PageTemplate("checkout", `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>DANA checkout (uatrun emulator) · {{.PartnerReferenceNo}}</title>
<style>
{{pageStyle}}
h2{font-size:1rem;margin:1.2rem 0 .5rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem;margin:.5rem 0}
dt{color:#555}dd{margin:0;overflow-wrap:anywhere}.amount{font-size:1.6rem;font-weight:600;margin:.2rem 0}
ul.methods{list-style:none;padding:0;margin:0}
.method{border:1px solid #c9d8ea;border-radius:8px;margin:.4rem 0}
.method .bank-title{display:block;padding:.8rem 1rem;color:#0b6cc0;font-weight:600;text-decoration:none;font-size:1.05rem}
.method .bank-title:focus{outline:3px solid #f0a400;outline-offset:2px}
.shortcut{background:#e7e7e7;color:#1b1b1b}.shortcut.fail{background:#b3261e;color:#fff}
.back{color:#0b6cc0}
</style></head><body><main>
<p class="banner">uatrun emulator — offline stand-in for DANA's hosted checkout. No real money moves.</p>
<h1>DANA Gapura hosted checkout — uatrun emulator</h1>
<p class="amount">{{.Currency}} {{.Amount}}</p>
<dl><dt>Merchant</dt><dd>{{.MerchantID}}</dd>
{{if .Title}}<dt>Order</dt><dd>{{.Title}}</dd>{{end}}
<dt>Reference</dt><dd>{{.PartnerReferenceNo}}</dd><dt>DANA ref</dt><dd>{{.ReferenceNo}}</dd>
<dt>Status</dt><dd>{{.Status}}</dd><dt>Valid until</dt><dd>{{.ValidUpTo}}</dd></dl>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Notice}}<p class="notice" role="status">{{.Notice}}</p>{{end}}
{{if eq .Step "choose"}}
<h2 id="methods-title">Choose a payment method</h2>
<ul class="methods" aria-labelledby="methods-title">
<li class="method dana"><a class="bank-title" href="/checkout/{{.ReferenceNo}}?step=phone">DANA</a></li>
</ul>
{{else if eq .Step "phone"}}
<h2>Log in to DANA</h2>
<form method="post" action="/checkout/{{.ReferenceNo}}/login">
<div class="desktop-input"><label for="phone">Phone number</label><span class="prefix" aria-hidden="true">+62</span><input class="txt-input-phone-number-field" id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" placeholder="811 2233 4455" value="{{.Phone}}" required></div>
<div class="agreement__button"><button class="btn btn-continue" type="submit">Continue</button></div>
</form>
{{else if eq .Step "pin"}}
<h2>Enter your DANA PIN</h2>
<p>Paying as +62 {{.Phone}}</p>
<form method="post" action="/checkout/{{.ReferenceNo}}/confirm">
<input type="hidden" name="phone" value="{{.Phone}}">
<label for="pin">6-digit PIN</label>
<input class="txt-input-pin-field" id="pin" name="pin" type="password" inputmode="numeric" maxlength="6" pattern="[0-9]{6}" autocomplete="off" required>
<button class="btn btn-primary" type="submit">Pay {{.Currency}} {{.Amount}}</button>
</form>
{{else if eq .Step "done"}}
<form method="post" action="/checkout/{{.ReferenceNo}}/confirm"><button class="btn btn-primary" type="submit">Pay again</button></form>
{{end}}
{{if ne .Step "refused"}}{{if eq .Status "INIT"}}
<h2>Emulator shortcuts</h2>
<form class="inline" method="post" action="/checkout/{{.ReferenceNo}}/pay"><button class="shortcut pay" type="submit">Pay without DANA login</button></form>
<form class="inline" method="post" action="/checkout/{{.ReferenceNo}}/fail"><button class="shortcut fail" type="submit">Fail</button></form>
<form class="inline" method="post" action="/checkout/{{.ReferenceNo}}/cancel"><button class="shortcut cancel" type="submit">Cancel</button></form>
{{else}}
<form method="post" action="/checkout/{{.ReferenceNo}}/cancel"><button class="shortcut cancel" type="submit">Return to merchant</button></form>
{{end}}{{else}}
<form method="post" action="/checkout/{{.ReferenceNo}}/cancel"><button class="shortcut cancel" type="submit">Return to merchant</button></form>
{{end}}
<p class="note">Paying settles the order, sends the signed finish notify and returns you to the merchant's PAY_RETURN page.
Fail closes it with a 05 notify; Cancel leaves it unpaid. Sandbox login: any mobile number and any 6-digit PIN
(e.g. 083811223355 and 181818).</p>
</main></body></html>
`)

// render answers one checkout page.
func (e *Emulator) render(c *gin.Context, status int, d checkoutData) {
	bisnap.RenderPage(c, status, checkoutTmpl, d)
}

// settledNotice says why an order that is no longer INIT cannot be paid.
func settledNotice(v OrderView) string {
	if v.Status == StatusInit {
		return ""
	}
	return bisnap.SettledNotice(v.Status == StatusSuccess, v.Status, v.CloseReason)
}

// checkoutPage serves GET /checkout/:ref (?step=phone for the DANA login).
func (e *Emulator) checkoutPage(c *gin.Context) {
	v, ok := e.orderView(c.Param("ref"))
	if !ok {
		bisnap.PageNotFound(c, "No such DANA order at this emulator.")
		return
	}
	d := checkoutData{OrderView: v, Step: "choose"}
	switch {
	case v.Status == StatusSuccess:
		d.Step, d.Notice = "done", settledNotice(v)
	case v.Status != StatusInit:
		d.Step, d.Notice = "closed", settledNotice(v)
	case c.Query("step") == "phone":
		d.Step = "phone"
	}
	e.render(c, http.StatusOK, d)
}

// checkoutChoice serves the page's forms. login and confirm are the DANA
// login's steps; pay, fail and cancel the emulator shortcuts: pay or fail
// the order (with its notify), or leave it (cancel), then send the
// browser to PAY_RETURN with a 303. A shortcut pressed on an order that
// is no longer INIT changes nothing; confirm on such an order answers 409.
func (e *Emulator) checkoutChoice(c *gin.Context) {
	ref, choice := c.Param("ref"), c.Param("choice")
	v, ok := e.orderView(ref)
	if !ok || (choice != actPay && choice != actFail && choice != "cancel" && choice != "login" && choice != "confirm") {
		bisnap.PageNotFound(c, "No such checkout action.")
		return
	}
	switch choice {
	case "login":
		d := checkoutData{OrderView: v, Step: "pin", Phone: bisnap.NormalizePhone(c.PostForm("phone"))}
		if v.Status != StatusInit {
			d.Step, d.Error = "refused", bisnap.Refused(settledNotice(v))
			e.render(c, http.StatusConflict, d)
			return
		}
		if d.Phone == "" {
			d.Step, d.Phone, d.Error = "phone", c.PostForm("phone"), bisnap.PhoneHint
			e.render(c, http.StatusUnprocessableEntity, d)
			return
		}
		e.render(c, http.StatusOK, d)
		return
	case "confirm":
		d := checkoutData{OrderView: v, Step: "pin", Phone: bisnap.NormalizePhone(c.PostForm("phone"))}
		if v.Status != StatusInit {
			d.Step, d.Error = "refused", bisnap.Refused(settledNotice(v))
			e.render(c, http.StatusConflict, d)
			return
		}
		if d.Phone == "" {
			d.Step, d.Error = "phone", "Log in with your phone number first."
			e.render(c, http.StatusUnprocessableEntity, d)
			return
		}
		if !bisnap.ValidPIN(c.PostForm("pin")) {
			d.Error = bisnap.PINHint
			e.render(c, http.StatusUnprocessableEntity, d)
			return
		}
		choice = actPay
	case "cancel":
		c.Redirect(http.StatusSeeOther, v.ReturnURL)
		return
	}
	_, err := e.Act(c.Request.Context(), emulator.Action{Name: choice, Order: v.ReferenceNo})
	if errors.Is(err, errState) && c.Param("choice") == "confirm" {
		// Paid (or closed) by another request since the page was read.
		if v, ok = e.orderView(ref); ok {
			e.render(c, http.StatusConflict, checkoutData{OrderView: v, Step: "refused", Error: bisnap.Refused(settledNotice(v))})
			return
		}
	}
	if err != nil && !errors.Is(err, errState) {
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(err.Error()))
		return
	}
	c.Redirect(http.StatusSeeOther, v.ReturnURL)
}

// orderView finds one order by referenceNo or partnerReferenceNo.
func (e *Emulator) orderView(ref string) (OrderView, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, err := e.st.lookup(ref)
	if err != nil {
		return OrderView{}, false
	}
	return o.view(), true
}

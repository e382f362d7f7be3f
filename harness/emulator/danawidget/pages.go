package danawidget

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// The OAuth binding page and the cashier speak DANA's page contract, so
// the browser flows of DANA's own UAT script (OauthBrowser and
// PaymentWidgetBrowser) bind and pay through them unchanged:
//
//   - the phone number goes in ".desktop-input>.txt-input-phone-number-field"
//     (pre-filled from seamlessData's mobile, or the OTT's user), and
//     ".agreement__button>.btn-continue" moves on to the PIN;
//   - on the OAuth page, six digits typed into ".txt-input-pin-field"
//     link the account at once (a small inline script submits the form;
//     the "Link account" button does the same without it) and the browser
//     goes to the redirectUrl with authCode and state, or with
//     error=access_denied when the user presses Deny;
//   - at the cashier, the one ".btn.btn-primary" after the PIN pays: the
//     notify is sent and the browser goes to PAY_RETURN; opening the
//     cashier again shows "This order is already paid." and its
//     ".btn.btn-primary" answers "Payment refused: this order is already
//     paid." (HTTP 409).
//
// Sandbox convention: any Indonesian mobile number (08…, 8…, 628…,
// +628…) and any 6-digit PIN; DANA's script defaults (083811223355, PIN
// 181818) are accepted. The number typed on the OAuth page is the user
// who binds.

// pageData is what an OAuth or cashier page shows.
type pageData struct {
	Kind     string // oauth or cashier
	Step     string // phone, pin, done, closed, refused
	Title    string
	Lines    []string
	Problems []string
	Error    string
	Notice   string
	Phone    string // without +62 and the leading 0
	Action   string // the path the page's forms post to, without the choice
	Query    template.URL
	Amount   string
	Status   string
}

var pageTmpl = bisnap.PageTemplate("page", `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} (uatrun emulator)</title>
<style>
{{pageStyle}}
p{overflow-wrap:anywhere}
.btn-link-account{background:#0b6cc0;color:#fff}
.secondary{background:#e7e7e7;color:#1b1b1b}.secondary.fail{background:#b3261e;color:#fff}
.problem{color:#b3261e;font-weight:600}
</style></head><body><main>
<p class="banner">uatrun emulator — offline stand-in for DANA. No real account or money is involved.</p>
<h1>{{.Title}} — uatrun emulator</h1>
{{range .Lines}}<p>{{.}}</p>{{end}}
{{range .Problems}}<p class="problem">⚠ {{.}}</p>{{end}}
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Notice}}<p class="notice" role="status">{{.Notice}}</p>{{end}}
{{if eq .Step "phone"}}
<form method="post" action="{{.Action}}/login?{{.Query}}">
<div class="desktop-input"><label for="phone">DANA phone number</label><span class="prefix" aria-hidden="true">+62</span><input class="txt-input-phone-number-field" id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" placeholder="811 2233 4455" value="{{.Phone}}" required></div>
<div class="agreement__button"><button class="btn btn-continue" type="submit">Continue</button></div>
</form>
{{else if eq .Step "pin"}}
<p>DANA account +62 {{.Phone}}</p>
{{if eq .Kind "oauth"}}
<form id="pin-form" method="post" action="{{.Action}}/approve?{{.Query}}">
<input type="hidden" name="phone" value="{{.Phone}}">
<label for="pin">6-digit PIN</label>
<input class="txt-input-pin-field" id="pin" name="pin" type="password" inputmode="numeric" maxlength="6" pattern="[0-9]{6}" autocomplete="off" required>
<button class="btn btn-link-account" type="submit">Link account</button>
</form>
<script>(function(){var f=document.getElementById("pin-form"),p=document.getElementById("pin"),sent=false;
p.addEventListener("input",function(){if(!sent&&/^[0-9]{6}$/.test(p.value)){sent=true;f.submit();}});})();</script>
{{else}}
<form method="post" action="{{.Action}}/pay?{{.Query}}">
<input type="hidden" name="phone" value="{{.Phone}}">
<label for="pin">6-digit PIN</label>
<input class="txt-input-pin-field" id="pin" name="pin" type="password" inputmode="numeric" maxlength="6" pattern="[0-9]{6}" autocomplete="off" required>
<button class="btn btn-primary" type="submit">Pay IDR {{.Amount}}</button>
</form>
{{end}}
{{else if eq .Step "done"}}
<form method="post" action="{{.Action}}/pay?{{.Query}}"><button class="btn btn-primary" type="submit">Pay again</button></form>
{{end}}
{{if eq .Kind "oauth"}}{{if or (eq .Step "phone") (eq .Step "pin")}}
<form class="inline" method="post" action="{{.Action}}/deny?{{.Query}}"><button class="secondary deny" type="submit">Deny</button></form>
<form class="inline" method="post" action="{{.Action}}/close?{{.Query}}"><button class="secondary close" type="submit">Close</button></form>
{{end}}{{else}}{{if or (eq .Step "phone") (eq .Step "pin")}}
<form class="inline" method="post" action="{{.Action}}/fail?{{.Query}}"><button class="secondary fail" type="submit">Fail (emulator)</button></form>
<form class="inline" method="post" action="{{.Action}}/cancel?{{.Query}}"><button class="secondary cancel" type="submit">Cancel</button></form>
{{else}}
<form class="inline" method="post" action="{{.Action}}/cancel?{{.Query}}"><button class="secondary cancel" type="submit">Return to merchant</button></form>
{{end}}{{end}}
<p class="note">Sandbox login: any mobile number and any 6-digit PIN (e.g. 083811223355 and 181818).</p>
</main></body></html>
`)

func renderPage(c *gin.Context, status int, d pageData) { bisnap.RenderPage(c, status, pageTmpl, d) }

// oauthData is the OAuth page for the URL in c.
func (e *Emulator) oauthData(c *gin.Context) pageData {
	r, err := e.readOAuth(oauthPath + "?" + c.Request.URL.RawQuery)
	d := pageData{Kind: "oauth", Step: "phone", Title: "Link your DANA account", Action: oauthPath, Query: template.URL(c.Request.URL.RawQuery)}
	merchant := "A merchant"
	if r != nil {
		d.Problems = r.violations
		if r.merchantID != "" {
			merchant = "Merchant " + r.merchantID
		}
		d.Phone = bisnap.NormalizePhone(r.phone)
	}
	if err != nil {
		d.Problems = append(d.Problems, err.Error())
	}
	d.Lines = []string{merchant + " asks to link your DANA account."}
	return d
}

// oauthPage serves the OAuth page (GET oauthPath).
func (e *Emulator) oauthPage(c *gin.Context) {
	renderPage(c, http.StatusOK, e.oauthData(c))
}

// oauthChoice serves the OAuth page's forms: login moves to the PIN;
// approve (with the PIN, or without a form for scripted clicks), deny and
// close go through the authorize action and send the browser on with a
// 303.
func (e *Emulator) oauthChoice(c *gin.Context) {
	choice := c.Param("choice")
	raw := oauthPath + "?" + c.Request.URL.RawQuery
	r, err := e.readOAuth(raw)
	if err != nil || (choice != "approve" && choice != "deny" && choice != "close" && choice != "login") {
		c.Data(http.StatusBadRequest, "text/plain; charset=utf-8", []byte("this OAuth URL cannot be completed (uatrun emulator)"))
		return
	}
	if !r.authenticated(e.o.PartnerID) {
		// Nothing is kept for a URL the merchant did not sign: no user, no
		// authCode, no held redirect.
		c.Data(http.StatusForbidden, "text/plain; charset=utf-8",
			[]byte("this OAuth URL is not the configured partner's, or its seamlessData is not signed with the merchant's key; nothing was kept (uatrun emulator)"))
		return
	}
	typed, hasPhone := c.GetPostForm("phone")
	phone := bisnap.NormalizePhone(typed)
	if hasPhone && phone == "" && choice != "deny" && choice != "close" {
		d := e.oauthData(c)
		d.Phone, d.Error = typed, bisnap.PhoneHint
		renderPage(c, http.StatusUnprocessableEntity, d)
		return
	}
	switch choice {
	case "login":
		d := e.oauthData(c)
		d.Step, d.Phone = "pin", phone
		renderPage(c, http.StatusOK, d)
		return
	case "close":
		d := e.oauthData(c)
		d.Step, d.Lines, d.Problems = "closed", []string{"Closed: nothing was linked. You can close this tab."}, nil
		renderPage(c, http.StatusOK, d)
		return
	case "approve":
		if pin, ok := c.GetPostForm("pin"); ok && !bisnap.ValidPIN(pin) {
			d := e.oauthData(c)
			d.Step, d.Phone, d.Error = "pin", phone, bisnap.PINHint
			renderPage(c, http.StatusUnprocessableEntity, d)
			return
		}
	}
	p := map[string]string{"url": raw, "choice": choice, "redirect": "hold"}
	if phone != "" {
		p["mobile"] = "0" + phone
	}
	if _, err := e.authorize(c.Request.Context(), p); err != nil {
		c.Data(http.StatusBadRequest, "text/plain; charset=utf-8", []byte(err.Error()))
		return
	}
	e.mu.Lock()
	var target string
	if n := len(e.st.held); n > 0 {
		target = e.st.held[n-1].target
		e.st.held = e.st.held[:n-1]
	}
	e.mu.Unlock()
	if target == "" {
		target = r.redirect
	}
	c.Redirect(http.StatusSeeOther, target)
}

// cashierData is the cashier for the payment c's bizNo names.
func (e *Emulator) cashierData(c *gin.Context) (pageData, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, err := e.st.lookup(c.Query("bizNo"))
	if err != nil {
		return pageData{}, false
	}
	d := pageData{Kind: "cashier", Step: "phone", Title: "DANA cashier", Action: cashierPath,
		Query: template.URL(c.Request.URL.RawQuery), Amount: o.amount.Value, Status: o.status}
	who := "Not logged in: log in to DANA to pay."
	if t, _ := e.st.otts.Get(c.Query("ott")); t != nil && !t.used {
		who = "Logged in with the OTT as " + mask(t.b.phone) + "."
		d.Phone = bisnap.NormalizePhone(t.b.phone)
	}
	d.Lines = []string{"IDR " + o.amount.Value + " · order " + o.partnerRef + " · " + o.status, who}
	switch o.status {
	case StatusInit, StatusPaying:
	case StatusSuccess:
		d.Step, d.Notice, d.Lines = "done", bisnap.SettledNotice(true, o.status, ""), d.Lines[:1]
	default:
		d.Step, d.Notice, d.Lines = "closed", bisnap.SettledNotice(false, o.status, ""), d.Lines[:1]
	}
	return d, true
}

// cashierPage serves the hosted cashier (GET cashierPath?bizNo=…[&ott=…]).
func (e *Emulator) cashierPage(c *gin.Context) {
	d, ok := e.cashierData(c)
	if !ok {
		bisnap.PageNotFound(c, "No such DANA payment at this emulator.")
		return
	}
	renderPage(c, http.StatusOK, d)
}

// cashierChoice serves the cashier's forms: login moves to the PIN; pay
// (after the PIN, or without a form for scripted clicks), fail and cancel
// then send the browser to PAY_RETURN with a 303. Paying an order that is
// no longer open answers 409 with the reason.
func (e *Emulator) cashierChoice(c *gin.Context) {
	choice, ref := c.Param("choice"), c.Query("bizNo")
	d, ok := e.cashierData(c)
	if !ok || (choice != actPay && choice != actFail && choice != "cancel" && choice != "login") {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("no such cashier action (uatrun emulator)"))
		return
	}
	refuse := func(why string) {
		d.Step, d.Error, d.Notice = "refused", bisnap.Refused(why), ""
		renderPage(c, http.StatusConflict, d)
	}
	typed, hasPhone := c.GetPostForm("phone")
	phone := bisnap.NormalizePhone(typed)
	if choice == "login" || (choice == actPay && hasPhone) {
		switch {
		case d.Status == StatusSuccess:
			refuse(bisnap.SettledNotice(true, "", ""))
			return
		case d.Step == "closed":
			refuse(d.Notice)
			return
		case phone == "":
			d.Step, d.Phone, d.Error = "phone", typed, bisnap.PhoneHint
			renderPage(c, http.StatusUnprocessableEntity, d)
			return
		case choice == "login":
			d.Step, d.Phone = "pin", phone
			renderPage(c, http.StatusOK, d)
			return
		case !bisnap.ValidPIN(c.PostForm("pin")):
			d.Step, d.Phone, d.Error = "pin", phone, bisnap.PINHint
			renderPage(c, http.StatusUnprocessableEntity, d)
			return
		}
	} else if choice == actPay && d.Status == StatusSuccess {
		refuse(bisnap.SettledNotice(true, "", ""))
		return
	}
	if choice != "cancel" {
		a := emulator.Action{Name: choice, Order: ref, Params: map[string]string{}}
		if choice == actPay && c.Query("ott") != "" {
			a.Params["url"] = cashierPath + "?" + c.Request.URL.RawQuery
		}
		if _, err := e.Act(c.Request.Context(), a); err != nil {
			if errors.Is(err, emulator.ErrOrderState) && choice == actPay {
				if d2, ok := e.cashierData(c); ok && d2.Status == StatusSuccess {
					refuse(bisnap.SettledNotice(true, "", ""))
				} else {
					refuse(err.Error())
				}
				return
			}
			if !errors.Is(err, emulator.ErrOrderState) {
				c.Data(http.StatusBadRequest, "text/plain; charset=utf-8", []byte(err.Error()))
				return
			}
		}
	}
	e.mu.Lock()
	var back string
	if o, err := e.st.lookup(ref); err == nil {
		back = o.returnURL
	}
	e.mu.Unlock()
	if back == "" {
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte("done; the payment had no PAY_RETURN url (uatrun emulator)"))
		return
	}
	c.Redirect(http.StatusSeeOther, back)
}

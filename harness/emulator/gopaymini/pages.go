package gopaymini

import (
	"context"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
)

// launchTmpl is the GoPay screen launchPayment opens: phone-sized,
// self-contained (inline style, no scripts, no external assets).
var launchTmpl = template.Must(template.New("launch").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>GoPay payment (uatrun emulator) · {{.Ref}}</title>
<style>
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;background:#f3f6f8;color:#1b1b1b;line-height:1.4}
main{max-width:26rem;margin:0 auto;min-height:100vh;background:#fff;padding:1rem}
.banner{background:#fff4ce;border:1px solid #e0c060;border-radius:6px;padding:.4rem .6rem;font-size:.85rem;margin:0 0 1rem}
h1{font-size:1.2rem;color:#00880f;margin:0 0 .3rem}.amount{font-size:1.8rem;font-weight:700;margin:.4rem 0}
p{overflow-wrap:anywhere}.status{font-weight:600}
form{margin:0}button{display:block;width:100%;font-size:1.05rem;padding:.8rem;margin:.6rem 0 0;border:0;border-radius:24px;cursor:pointer}
button:focus{outline:3px solid #f0a400;outline-offset:2px}
.pay{background:#00880f;color:#fff}.fail{background:#b3261e;color:#fff}.abandon{background:#e7e7e7;color:#1b1b1b}
.error{color:#b3261e;font-weight:600}.note{color:#555;font-size:.85rem;margin-top:1rem}
</style></head>
<body><main>
<p class="banner">uatrun emulator — this screen plays the GoPay app that the mini app's launchPayment opens. No real money moves.</p>
<h1>GoPay</h1>
<p class="amount">IDR {{.Amount}}</p>
<p>Payment {{.Ref}}</p>
<p class="status" role="status">Status: {{.Status}}</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Pending}}<form method="post" action="/gopay/pay/{{.RefNo}}/pay"><button class="pay" type="submit">Pay</button></form>
<form method="post" action="/gopay/pay/{{.RefNo}}/fail"><button class="fail" type="submit">Fail</button></form>
<form method="post" action="/gopay/pay/{{.RefNo}}/abandon"><button class="abandon" type="submit">Abandon (back to the mini app)</button></form>
{{else}}<p>This payment is no longer pending; paying again is refused.</p>{{end}}
<p class="note">Pay and Fail send the signed notify; each choice returns to the mini app's PAY_RETURN page with launchPayment's status (success, failed or pending).</p>
</main></body></html>`))

func (e *Emulator) renderLaunch(c *gin.Context, status int, refNo, problem string) bool {
	e.mu.Lock()
	p := e.st.byRef[refNo]
	var data map[string]any
	if p != nil {
		data = map[string]any{"Ref": p.partnerRef, "RefNo": p.referenceNo, "Amount": p.value, "Status": p.status, "Pending": p.status == StatusPending, "Error": problem}
	}
	e.mu.Unlock()
	if p == nil {
		return false
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Status(status)
	_ = launchTmpl.Execute(c.Writer, data)
	return true
}

// launchPage is the page the payment deeplink opens.
func (e *Emulator) launchPage(c *gin.Context) {
	if !e.renderLaunch(c, http.StatusOK, c.Param("ref"), "") {
		c.String(http.StatusNotFound, "no such payment (uatrun emulator)")
	}
}

// launchChoice pays, fails or abandons, then sends the browser back to
// the mini app's PAY_RETURN url with launchPayment's status.
func (e *Emulator) launchChoice(c *gin.Context) {
	e.mu.Lock()
	p := e.st.byRef[c.Param("ref")]
	var ref, ret string
	if p != nil {
		ref, ret = p.partnerRef, p.returnURL
	}
	e.mu.Unlock()
	if p == nil {
		c.String(http.StatusNotFound, "no such payment")
		return
	}
	status := "pending"
	switch choice := c.Param("choice"); choice {
	case actPay, actFail:
		if _, err := e.settle(context.WithoutCancel(c.Request.Context()), emulator.Action{Name: choice, Order: ref}); err != nil {
			if !e.renderLaunch(c, emulator.ActStatus(err), c.Param("ref"), "Refused: "+err.Error()) {
				c.String(emulator.ActStatus(err), err.Error())
			}
			return
		}
		status = map[string]string{actPay: "success", actFail: "failed"}[choice]
	case actAbandon:
	default:
		c.String(http.StatusNotFound, "choose pay, fail or abandon")
		return
	}
	if ret == "" {
		c.String(http.StatusOK, "launchPayment result: "+status+" (the payment has no PAY_RETURN url)")
		return
	}
	c.Redirect(http.StatusSeeOther, withQuery(ret, "status", status))
}

package gopaymini

import (
	"context"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
)

var launchTmpl = template.Must(template.New("launch").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GoPay payment (uatrun emulator)</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto}button{margin:.3rem;padding:.6rem 1rem}</style></head>
<body><h1>GoPay</h1><p>This page plays the GoPay app that <code>launchPayment</code> opens.</p>
<p>Payment <b>{{.Ref}}</b>: IDR {{.Amount}} — {{.Status}}</p>
{{if .Pending}}<form method="post" action="/gopay/pay/{{.RefNo}}/pay"><button>Pay</button></form>
<form method="post" action="/gopay/pay/{{.RefNo}}/fail"><button>Fail</button></form>
<form method="post" action="/gopay/pay/{{.RefNo}}/abandon"><button>Abandon (back to the mini app)</button></form>{{end}}
</body></html>`))

// launchPage is the page the payment deeplink opens.
func (e *Emulator) launchPage(c *gin.Context) {
	e.mu.Lock()
	p := e.st.byRef[c.Param("ref")]
	var data map[string]any
	if p != nil {
		data = map[string]any{"Ref": p.partnerRef, "RefNo": p.referenceNo, "Amount": p.value, "Status": p.status, "Pending": p.status == StatusPending}
	}
	e.mu.Unlock()
	if p == nil {
		c.String(http.StatusNotFound, "no such payment")
		return
	}
	c.Status(http.StatusOK)
	c.Header("Content-Type", "text/html; charset=utf-8")
	_ = launchTmpl.Execute(c.Writer, data)
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
			c.String(emulator.ActStatus(err), err.Error())
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

package dana

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
)

// checkoutTmpl is the hosted checkout page: self-contained (inline style,
// no scripts, no external assets), escaped by html/template.
var checkoutTmpl = template.Must(template.New("checkout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>DANA checkout (uatrun emulator) · {{.PartnerReferenceNo}}</title>
<style>
body{font-family:system-ui,sans-serif;background:#eef4fb;margin:0;padding:2rem}
main{max-width:26rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 8px #0002}
h1{font-size:1.1rem;color:#118eea;margin-top:0}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}
dt{color:#666}dd{margin:0;word-break:break-all}.amount{font-size:1.6rem;font-weight:600}
form{display:inline}button{font-size:1rem;padding:.5rem 1.2rem;margin:.3rem .3rem 0 0;border:0;border-radius:6px;cursor:pointer}
.pay{background:#118eea;color:#fff}.fail{background:#d9534f;color:#fff}.cancel{background:#ddd}
.note{color:#888;font-size:.8rem;margin-top:1rem}
</style></head><body><main>
<h1>DANA Gapura hosted checkout — uatrun emulator</h1>
<p class="amount">{{.Currency}} {{.Amount}}</p>
<dl><dt>Merchant</dt><dd>{{.MerchantID}}</dd>
{{if .Title}}<dt>Order</dt><dd>{{.Title}}</dd>{{end}}
<dt>Reference</dt><dd>{{.PartnerReferenceNo}}</dd><dt>DANA ref</dt><dd>{{.ReferenceNo}}</dd>
<dt>Status</dt><dd>{{.Status}}</dd><dt>Valid until</dt><dd>{{.ValidUpTo}}</dd></dl>
{{if eq .Status "INIT"}}
<form method="post" action="/checkout/{{.ReferenceNo}}/pay"><button class="pay" type="submit">Pay</button></form>
<form method="post" action="/checkout/{{.ReferenceNo}}/fail"><button class="fail" type="submit">Fail</button></form>
<form method="post" action="/checkout/{{.ReferenceNo}}/cancel"><button class="cancel" type="submit">Cancel</button></form>
{{else}}
<form method="post" action="/checkout/{{.ReferenceNo}}/cancel"><button class="cancel" type="submit">Return to merchant</button></form>
{{end}}
<p class="note">Pay settles the order and sends a signed finish notify; Fail closes it with a 05 notify;
Cancel leaves it unpaid. Each then returns you to the merchant's PAY_RETURN page.</p>
</main></body></html>
`))

// checkoutPage serves GET /checkout/:ref.
func (e *Emulator) checkoutPage(c *gin.Context) {
	v, ok := e.orderView(c.Param("ref"))
	if !ok {
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", []byte("<!doctype html><title>Not found</title><p>No such DANA order at this emulator.</p>"))
		return
	}
	var buf bytes.Buffer
	if err := checkoutTmpl.Execute(&buf, v); err != nil {
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("checkout page failed to render"))
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// checkoutChoice serves the page's buttons: pay or fail the order (with its
// notify), or leave it (cancel), then send the browser to PAY_RETURN with a
// 303. A button pressed on an order that is no longer INIT changes nothing.
func (e *Emulator) checkoutChoice(c *gin.Context) {
	ref, choice := c.Param("ref"), c.Param("choice")
	v, ok := e.orderView(ref)
	if !ok || (choice != actPay && choice != actFail && choice != "cancel") {
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", []byte("<!doctype html><title>Not found</title><p>No such checkout action.</p>"))
		return
	}
	if choice != "cancel" {
		_, err := e.Act(c.Request.Context(), emulator.Action{Name: choice, Order: v.ReferenceNo})
		if err != nil && !errors.Is(err, errState) {
			c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(err.Error()))
			return
		}
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

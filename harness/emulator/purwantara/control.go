package purwantara

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
)

// txActions are the actions the control API exposes per transaction.
var txActions = []string{actPay, actFail, actExpire, actNotify, actReturnShopper}

// controlDashboard serves POST /_uatrun/dashboard {"callback_url": …}, the
// settings form every uatrun emulator offers under the same path.
func (e *Emulator) controlDashboard(c *gin.Context) {
	params, err := emulator.ControlParams(c.Request)
	if err != nil {
		emulator.ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	u, ok := params["callback_url"]
	if !ok || len(params) != 1 {
		emulator.ControlError(c, http.StatusBadRequest, `the Purwantara dashboard has one setting: {"callback_url": "<absolute URL>"}`)
		return
	}
	if err := e.SetCallbackURL(u); err != nil {
		emulator.ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	c.JSON(http.StatusOK, gin.H{"callback_url": u})
}

var simulatorTemplate = template.Must(template.New("sim").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Purwantara payment simulator (uatrun)</title></head>
<body><h1>Payment simulator</h1>
<p>uatrun's Purwantara emulator. Nothing here moves money.</p>
<table>
<tr><th>Channel</th><td>{{.Channel}} {{.Provider}}</td></tr>
<tr><th>Reference</th><td>{{.Reference}}</td></tr>
<tr><th>Amount</th><td>IDR {{.Amount}}</td></tr>
<tr><th>Status</th><td id="status">{{.Status}}</td></tr>
{{if .Instrument}}<tr><th>Pay to</th><td><code>{{.Instrument}}</code></td></tr>{{end}}
<tr><th>Expires</th><td>{{.ExpiresAt}}</td></tr>
</table>
{{if eq .Status "ACTIVE"}}
<form method="post" action="/simulator/{{.UUID}}/pay"><button>Pay</button></form>
<form method="post" action="/simulator/{{.UUID}}/fail"><button>Fail</button></form>
<form method="post" action="/simulator/{{.UUID}}/expire"><button>Expire</button></form>
{{end}}
</body></html>
`))

// simulatorPage serves GET /simulator/{uuid}: what payment_link_url,
// qr_url and checkout_url point at, with the sandbox simulator's buttons.
func (e *Emulator) simulatorPage(c *gin.Context) {
	for _, v := range e.Transactions() {
		if v.UUID == c.Param("uuid") {
			c.Header("Content-Type", "text/html; charset=utf-8")
			_ = simulatorTemplate.Execute(c.Writer, v)
			return
		}
	}
	c.String(http.StatusNotFound, "no such transaction")
}

// simulatorAction serves the simulator's buttons and shows the page again.
func (e *Emulator) simulatorAction(c *gin.Context) {
	name := c.Param("action")
	if name != actPay && name != actFail && name != actExpire {
		emulator.ControlError(c, http.StatusNotFound, "the simulator can pay, fail or expire")
		return
	}
	if _, err := e.Act(c.Request.Context(), emulator.Action{Name: name, Order: c.Param("uuid")}); err != nil {
		emulator.ControlError(c, emulator.ActStatus(err), err.Error())
		return
	}
	c.Redirect(http.StatusSeeOther, "/simulator/"+url.PathEscape(c.Param("uuid")))
}

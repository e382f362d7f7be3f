package purwantara

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// controlPrefix is where the manual-UAT control API lives.
const controlPrefix = "/_uatrun"

// maxControlBody bounds control request bodies.
const maxControlBody = 64 << 10

// txActions are the actions the control API exposes per transaction.
var txActions = []string{actPay, actFail, actExpire, actNotify}

// controlAction serves POST /_uatrun/transactions/:ref/:action.
func (e *Emulator) controlAction(c *gin.Context) {
	name := c.Param("action")
	if !slices.Contains(txActions, name) {
		controlError(c, http.StatusNotFound, fmt.Sprintf("unknown transaction action %q; valid: %v", name, txActions))
		return
	}
	e.runControl(c, emulator.Action{Name: name, Order: c.Param("ref")})
}

// controlRespondNext serves POST /_uatrun/respond_next.
func (e *Emulator) controlRespondNext(c *gin.Context) {
	e.runControl(c, emulator.Action{Name: actRespondNext})
}

// controlCallbackURL serves POST /_uatrun/callback_url {"url": …}: the
// dashboard's Settings > Team > Callback URL.
func (e *Emulator) controlCallbackURL(c *gin.Context) {
	e.runControl(c, emulator.Action{Name: actCallbackURL})
}

// controlDashboard serves POST /_uatrun/dashboard {"callback_url": …}, the
// settings form every uatrun emulator offers under the same path.
func (e *Emulator) controlDashboard(c *gin.Context) {
	params, err := controlParams(c.Request)
	if err != nil {
		controlError(c, http.StatusBadRequest, err.Error())
		return
	}
	u, ok := params["callback_url"]
	if !ok || len(params) != 1 {
		controlError(c, http.StatusBadRequest, `the Purwantara dashboard has one setting: {"callback_url": "<absolute URL>"}`)
		return
	}
	if err := e.SetCallbackURL(u); err != nil {
		controlError(c, http.StatusBadRequest, err.Error())
		return
	}
	c.JSON(http.StatusOK, gin.H{"callback_url": u})
}

func (e *Emulator) runControl(c *gin.Context, a emulator.Action) {
	params, err := controlParams(c.Request)
	if err != nil {
		controlError(c, http.StatusBadRequest, err.Error())
		return
	}
	a.Params = params
	res, err := e.Act(c.Request.Context(), a)
	if err != nil {
		controlError(c, errorStatus(err), err.Error())
		return
	}
	c.JSON(http.StatusOK, resultView(res))
}

// errorStatus maps an Act error to an HTTP status for the control API.
func errorStatus(err error) int {
	switch {
	case errors.Is(err, emulator.ErrUnknownOrder), errors.Is(err, emulator.ErrUnknownAction):
		return http.StatusNotFound
	case errors.Is(err, emulator.ErrOrderState):
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// controlParams merges query parameters with a JSON object or form body
// (the body wins); JSON numbers and booleans become their text.
func controlParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxControlBody+1))
	if err != nil || len(body) > maxControlBody {
		return nil, fmt.Errorf("control body unreadable or over %d KiB", maxControlBody>>10)
	}
	if len(body) == 0 {
		return out, nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("control form: %v", err)
		}
		for k, vs := range v {
			out[k] = vs[0]
		}
		return out, nil
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("control body must be a JSON object of params or a form: %v", err)
	}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		} else {
			out[k] = fmt.Sprint(v)
		}
	}
	return out, nil
}

func controlError(c *gin.Context, status int, msg string) {
	c.JSON(status, gin.H{"error": msg})
}

// deliveryView is a Delivery as the control API shows it.
type deliveryView struct {
	Order    string `json:"order"`
	Variant  string `json:"variant"`
	Attempt  int    `json:"attempt"`
	Status   int    `json:"status"`
	Acked    bool   `json:"acked"`
	Error    string `json:"error,omitempty"`
	Exchange string `json:"exchange"`
}

type resultJSON struct {
	Detail     string              `json:"detail"`
	Deliveries []deliveryView      `json:"deliveries,omitempty"`
	Exchanges  []evidence.Exchange `json:"exchanges,omitempty"`
}

func resultView(r emulator.Result) resultJSON {
	out := resultJSON{Detail: r.Detail, Exchanges: r.Exchanges}
	for _, d := range r.Deliveries {
		out.Deliveries = append(out.Deliveries, deliveryView{Order: d.Order, Variant: d.Variant, Attempt: d.Attempt,
			Status: d.Status, Acked: d.Acked, Error: d.Error, Exchange: d.Exchange.ID})
	}
	return out
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
		controlError(c, http.StatusNotFound, "the simulator can pay, fail or expire")
		return
	}
	if _, err := e.Act(c.Request.Context(), emulator.Action{Name: name, Order: c.Param("uuid")}); err != nil {
		controlError(c, errorStatus(err), err.Error())
		return
	}
	c.Redirect(http.StatusSeeOther, "/simulator/"+url.PathEscape(c.Param("uuid")))
}

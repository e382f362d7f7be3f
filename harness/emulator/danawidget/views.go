package danawidget

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
)

// OrderView is a read-only snapshot of a widget payment.
type OrderView struct {
	PartnerReferenceNo string `json:"partnerReferenceNo"`
	ReferenceNo        string `json:"referenceNo"`
	Amount             string `json:"amount"`
	Status             string `json:"status"`
	StatusCode         string `json:"latestTransactionStatus"`
	Payer              string `json:"payer,omitempty"` // masked
	Refunded           string `json:"refunded"`
	CreatedTime        string `json:"createdTime"`
	PaidTime           string `json:"paidTime,omitempty"`
	Deliveries         int    `json:"deliveries"`
}

// BindingView is a read-only snapshot of an account binding (tokens
// never shown).
type BindingView struct {
	ID                string `json:"id"`
	User              string `json:"user"` // masked phone
	AccessExpires     string `json:"accessTokenExpiry"`
	RefreshExpires    string `json:"refreshTokenExpiry"`
	Ended             string `json:"ended,omitempty"`
	RefusedAfterEnded int    `json:"refusedAfterEnded,omitempty"`
}

// Orders lists the kept widget payments (the newest KeptOrders), in
// creation order.
func (e *Emulator) Orders() []OrderView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]OrderView, 0, e.st.orders.Len())
	e.st.orders.Each(func(o *order) {
		v := OrderView{PartnerReferenceNo: o.partnerRef, ReferenceNo: o.referenceNo, Amount: o.amount.Value, Status: o.status,
			StatusCode: statusCodes[o.status], Refunded: bisnap.FormatCents(o.refundedCents), CreatedTime: stamp(o.created),
			PaidTime: stamp(o.paid), Deliveries: len(o.deliveries)}
		if o.payer != "" {
			v.Payer = mask(o.payer)
		}
		out = append(out, v)
	})
	return out
}

// Bindings lists the kept account bindings (the newest KeptBindings),
// tokens left out.
func (e *Emulator) Bindings() []BindingView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]BindingView, 0, e.st.bindings.Len())
	e.st.bindings.Each(func(b *binding) {
		out = append(out, BindingView{ID: b.id, User: mask(b.phone), AccessExpires: stamp(b.accessExp), RefreshExpires: stamp(b.refreshExp),
			Ended: b.revoked, RefusedAfterEnded: b.refusedAfterRevoke})
	})
	return out
}

// Calls returns the merchant's calls to one API, oldest first.
// Calls to a Payment Gateway API on this host (create_order, consult_pay,
// and the Payment Gateway's query, cancel and refund paths) follow the
// Widget's own calls of the same name.
func (e *Emulator) Calls(api string) []emulator.Call {
	return append(e.rec.Calls(api), e.pg.Calls(api)...)
}

// Exchanges returns every recorded exchange, the Payment Gateway API's on
// this host included, in the order they happened.
func (e *Emulator) Exchanges() []evidence.Exchange {
	out := append(e.rec.Exchanges(), e.pg.Exchanges()...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Real.Before(out[j].At.Real) })
	return out
}

// Deliveries returns every notify attempt for an order.
func (e *Emulator) Deliveries(ref string) []emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, err := e.st.lookup(ref)
	if err != nil && e.pgHas(ref) {
		e.mu.Unlock()
		defer e.mu.Lock()
		return e.pg.Deliveries(ref)
	}
	if err != nil {
		return nil
	}
	return append([]emulator.Delivery(nil), o.deliveries...)
}

var cashierTmpl = template.Must(template.New("cashier").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>DANA cashier (uatrun emulator)</title>
<style>body{font-family:system-ui,sans-serif;background:#eef4fb;padding:2rem}main{max-width:26rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem}
button{font-size:1rem;padding:.5rem 1.2rem;margin:.3rem .3rem 0 0;border:0;border-radius:6px}.pay{background:#118eea;color:#fff}</style></head>
<body><main><h1>DANA cashier — uatrun emulator</h1><p>IDR {{.Amount}} · {{.Ref}} · {{.Status}}</p><p>{{.Who}}</p>
<form method="post" action="{{.Path}}/pay?{{.Query}}"><button class="pay">Pay</button></form>
<form method="post" action="{{.Path}}/fail?{{.Query}}"><button>Fail</button></form>
<form method="post" action="{{.Path}}/cancel?{{.Query}}"><button>Cancel</button></form></main></body></html>`))

// cashierPage serves the hosted cashier for people clicking through.
func (e *Emulator) cashierPage(c *gin.Context) {
	e.mu.Lock()
	o, err := e.st.lookup(c.Query("bizNo"))
	var v map[string]any
	if err == nil {
		who := "Not logged in: the user logs in to DANA to pay."
		if t, _ := e.st.otts.Get(c.Query("ott")); t != nil && !t.used {
			who = "Logged in with the OTT as " + mask(t.b.phone) + "."
		}
		v = map[string]any{"Amount": o.amount.Value, "Ref": o.partnerRef, "Status": o.status, "Who": who,
			"Path": cashierPath, "Query": template.URL(c.Request.URL.RawQuery)}
	}
	e.mu.Unlock()
	if err != nil {
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", []byte("<!doctype html><p>No such DANA payment at this emulator."))
		return
	}
	var buf bytes.Buffer
	_ = cashierTmpl.Execute(&buf, v)
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// cashierChoice serves the cashier's buttons, then sends the browser to
// PAY_RETURN with a 303.
func (e *Emulator) cashierChoice(c *gin.Context) {
	choice, ref := c.Param("choice"), c.Query("bizNo")
	if choice != actPay && choice != actFail && choice != "cancel" {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("no such cashier action"))
		return
	}
	if choice != "cancel" {
		a := emulator.Action{Name: choice, Order: ref, Params: map[string]string{}}
		if choice == actPay && c.Query("ott") != "" {
			a.Params["url"] = cashierPath + "?" + c.Request.URL.RawQuery
		}
		if _, err := e.Act(c.Request.Context(), a); err != nil && !errors.Is(err, emulator.ErrOrderState) {
			c.Data(http.StatusBadRequest, "text/plain; charset=utf-8", []byte(err.Error()))
			return
		}
	}
	e.mu.Lock()
	var back string
	if o, err := e.st.lookup(ref); err == nil {
		back = o.returnURL
	}
	e.mu.Unlock()
	if back == "" {
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte("done; the payment had no PAY_RETURN url"))
		return
	}
	c.Redirect(http.StatusSeeOther, back)
}

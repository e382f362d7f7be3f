package astapa

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
)

// invoiceTmpl stands in for the Midtrans payment UI behind invoice_url:
// self-contained, no scripts, escaped by html/template.
var invoiceTmpl = template.Must(template.New("invoice").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Astapa invoice (uatrun emulator) · {{.OrderID}}</title>
<style>` + pageCSS + `</style></head><body><main>
<h1>Astapa — pembayaran (uatrun emulator)</h1>
<p class="amount">IDR {{.Amount}}</p>
<p>{{.ItemName}} · order {{.OrderID}} · status <strong>{{.Status}}</strong></p>
{{if eq .Status "pending"}}
<form method="post" action="/invoice/{{.PurchaseID}}/pay"><button class="pay" type="submit">Bayar (pay)</button></form>
<form method="post" action="/invoice/{{.PurchaseID}}/cancel"><button class="cancel" type="submit">Batal (cancel)</button></form>
{{end}}
<p class="note">Pay settles the payment and sends item.purchased to the project webhook; then you land on
the purchase callback page, as on astapa.com.</p>
</main></body></html>
`))

// callbackTmpl is the buyer's landing page. While the payment is pending
// it reloads itself every 3 s for up to 60 s (§4: "polls every 3 seconds
// for up to 60 seconds"), with a meta refresh instead of a script; once
// the payment has an outcome and metadata.store_slug was given, it sends
// the buyer back to the store after 3 s.
var callbackTmpl = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{{if .Poll}}<meta http-equiv="refresh" content="3;url={{.Poll}}">{{else if .Redirect}}<meta http-equiv="refresh" content="3;url={{.Redirect}}">{{end}}
<title>Status pembayaran (uatrun emulator) · {{.OrderID}}</title>
<style>` + pageCSS + `</style></head><body><main>
{{if eq .Status "settlement"}}<h1>Pembayaran berhasil</h1>{{else if eq .Status "pending"}}<h1>Menunggu pembayaran</h1>
{{else}}<h1>Pembayaran gagal</h1>{{end}}
<p>Order {{.OrderID}}: <strong>{{.Status}}</strong></p>
{{if .Redirect}}<p><a href="{{.Redirect}}">Kembali ke toko (back to the store)</a></p>{{end}}
<p class="note">Astapa purchase callback page (uatrun emulator){{if .Poll}}: it checks the status again every 3 seconds{{else if .Redirect}}: you go back to the store in 3 seconds{{end}}.</p>
</main></body></html>
`))

// refusedTmpl answers a press on an invoice whose payment already has an
// outcome (a second Bayar from a tab left open): nothing changes.
var refusedTmpl = template.Must(template.New("refused").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Astapa invoice (uatrun emulator) · {{.OrderID}}</title>
<style>` + pageCSS + `</style></head><body><main>
<h1>Astapa — pembayaran (uatrun emulator)</h1>
<p role="alert"><strong>{{if eq .Status "settlement"}}Pesanan ini sudah dibayar (this order is already paid).{{else}}Pesanan ini tidak bisa dibayar lagi (this payment is {{.Status}}).{{end}}</strong> Nothing was changed.</p>
<p><a href="/purchase/callback?order_id={{.OrderID}}">Lihat status (see the payment status)</a></p>
</main></body></html>
`))

// pageCSS is the shopper pages' shared look.
const pageCSS = `body{font-family:system-ui,sans-serif;background:#f4f1fb;margin:0;padding:1rem}
main{max-width:26rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 8px #0002;overflow-wrap:anywhere}
h1{font-size:1.1rem;color:#5b2bb5;margin-top:0}.amount{font-size:1.6rem;font-weight:600}
form{display:inline}button{font-size:1rem;padding:.5rem 1.2rem;margin:.3rem .3rem 0 0;border:0;border-radius:6px;cursor:pointer}
button:focus-visible,a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.pay{background:#5b2bb5;color:#fff}.cancel{background:#ddd}.note{color:#666;font-size:.8rem}`

// callbackMaxPolls bounds the pending page's reloads: every 3 s for 60 s.
const callbackMaxPolls = 60 / 3

func (e *Emulator) invoicePage(c *gin.Context) {
	v, ok := e.paymentView(c.Param("purchase"))
	if !ok {
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", []byte("<!doctype html><title>Not found</title><p>No such invoice.</p>"))
		return
	}
	var buf bytes.Buffer
	if err := invoiceTmpl.Execute(&buf, v); err != nil {
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("invoice failed to render"))
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

func (e *Emulator) invoiceChoice(c *gin.Context) {
	v, ok := e.paymentView(c.Param("purchase"))
	choice := c.Param("choice")
	if !ok || (choice != actPay && choice != actCancel) {
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", []byte("<!doctype html><title>Not found</title><p>No such invoice action.</p>"))
		return
	}
	if _, err := e.Act(c.Request.Context(), emulator.Action{Name: choice, Order: v.OrderID}); err != nil {
		// A second press (or one after expiry) changes nothing: say so.
		if v, ok = e.paymentView(c.Param("purchase")); !ok {
			v.OrderID = c.Param("purchase")
		}
		var buf bytes.Buffer
		if err := refusedTmpl.Execute(&buf, v); err != nil {
			c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("page failed to render"))
			return
		}
		c.Data(http.StatusConflict, "text/html; charset=utf-8", buf.Bytes())
		return
	}
	c.Redirect(http.StatusSeeOther, "/purchase/callback?order_id="+url.QueryEscape(v.OrderID))
}

// callbackPage is astapa.com/purchase/callback: the buyer's landing page,
// redirecting to the store when metadata.store_slug was given.
func (e *Emulator) callbackPage(c *gin.Context) {
	v, ok := e.paymentView(c.Query("order_id"))
	if !ok {
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", []byte("<!doctype html><title>Not found</title><p>Pesanan tidak ditemukan.</p>"))
		return
	}
	data := struct{ OrderID, Status, Redirect, Poll string }{OrderID: v.OrderID, Status: v.Status}
	polls, _ := strconv.Atoi(c.Query("poll"))
	switch {
	case v.Status == StatusPending && polls < callbackMaxPolls:
		data.Poll = "/purchase/callback?order_id=" + url.QueryEscape(v.OrderID) + "&poll=" + strconv.Itoa(polls+1)
	case v.Status != StatusPending && v.StoreSlug != "":
		data.Redirect = e.storeURL(c.Request, v.StoreSlug)
	}
	var buf bytes.Buffer
	if err := callbackTmpl.Execute(&buf, data); err != nil {
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("page failed to render"))
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// storeTmpl is the store the buyer returns to, <emulator>/<store_slug>
// (where verify's redirect_url and the callback page send the buyer).
var storeTmpl = template.Must(template.New("store").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} (uatrun emulator)</title>
<style>` + pageCSS + `</style></head><body><main>
<h1>{{.Name}}</h1><p>Terima kasih! Anda kembali ke toko.</p>
<p class="note">uatrun emulator: the store page at <code>/{{.Slug}}</code> the buyer returns to after paying.</p>
</main></body></html>
`))

// storePage serves GET /<store_slug> for a slug some payment was created
// with, and reports whether it did.
func (e *Emulator) storePage(c *gin.Context) bool {
	slug, err := url.PathUnescape(strings.TrimPrefix(c.Request.URL.EscapedPath(), "/"))
	if err != nil || slug == "" || strings.Contains(slug, "/") {
		return false
	}
	name, ok := e.storeBySlug(slug)
	if !ok {
		return false
	}
	var buf bytes.Buffer
	if err := storeTmpl.Execute(&buf, struct{ Name, Slug string }{name, slug}); err != nil {
		return false
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
	return true
}

// storeBySlug finds the newest payment created with metadata.store_slug
// = slug and answers its store name.
func (e *Emulator) storeBySlug(slug string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name, found := "", false
	e.st.payments.Each(func(p *payment) {
		if metaString(p, "store_slug") == slug {
			name, found = e.storeName(p), true
		}
	})
	return name, found
}

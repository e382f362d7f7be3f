package purwantarashop

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// maxRequestBody bounds the shop's own JSON API; its requests are tiny.
const maxRequestBody = 16 << 10

// orderIDPattern is what the shop generates; anything else cannot exist.
var orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// userAmount is what the shop's API accepts: whole rupiah, optionally
// written with zero decimals ("15000" or "15000.00").
var userAmount = regexp.MustCompile(`^([0-9]{1,12})(?:\.0{1,2})?$`)

// defaultTitle deliberately has a non-ASCII character: it travels through
// Purwantara's \u-escaping like any shopper's product name would.
const defaultTitle = "Pesanan toko uatrun — terima kasih"

// checkout records the order, creates the payment at Purwantara on the
// chosen channel, and hands back how to pay. It never marks anything paid.
func (s *Shop) checkout(c *gin.Context) {
	var in struct {
		Amount         json.Number // "15000" or 15000
		Channel, Title string
	}
	if !bindJSON(c, &in) {
		return
	}
	m := userAmount.FindStringSubmatch(strings.TrimSpace(in.Amount.String()))
	amount, _ := strconv.ParseInt(firstOf(m, 1), 10, 64)
	if amount <= 0 {
		c.JSON(http.StatusBadRequest, gin.H{"error": `amount must be whole rupiah, e.g. "15000"`})
		return
	}
	spec, ok := channelSpecs[orDefault(in.Channel, "virtual-account")]
	if !ok {
		c.JSON(http.StatusBadRequest, gin.H{"error": "channel must be one of virtual-account, qris, ewallet/ovo, ewallet/shopeepay, ewallet/dana, payment-link, counter"})
		return
	}
	title := orDefault(strings.TrimSpace(in.Title), defaultTitle)
	if len(title) > 120 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "title must be at most 120 bytes"})
		return
	}
	ctx := c.Request.Context()
	o := order{ID: "PPN-" + randomHex(10), Channel: spec.path, Title: title, Amount: amount}
	if err := s.store.insertOrder(ctx, o); err != nil {
		s.internalError(c, "record order", err)
		return
	}
	// A shopper closing the tab must not abandon a payment call half-way.
	body := spec.body(s, o, s.expiry())
	if s.faults.on(faultReuseReference) {
		for _, k := range []string{"external_id", "order_id"} {
			if _, ok := body[k]; ok {
				body[k] = s.cartRef // the bug: one cart, one reference, however many orders
			}
		}
	}
	ans, err := s.gw.call(context.WithoutCancel(ctx), http.MethodPost, spec.path, body)
	if err != nil {
		s.log.Warn("create got no answer; order stays pending", "order", o.ID, "err", err)
		c.JSON(http.StatusBadGateway, gin.H{"error": "Purwantara did not answer; the order stays pending until reconciled", "order_id": o.ID})
		return
	}
	if !ans.ok() && !s.faults.on(faultCreateIgnoresStatus) {
		if ans.definite() {
			s.logErr(s.store.forgetOrder(ctx, o.ID), "forget refused order")
		}
		c.JSON(http.StatusBadGateway, gin.H{"error": "Purwantara refused the payment: " + ans.reason(),
			"gateway_status": ans.HTTPStatus, "order_id": o.ID})
		return
	}
	if err := s.store.setUUID(ctx, o.ID, ans.Data.UUID); err != nil {
		s.internalError(c, "record uuid", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"order_id": o.ID, "uuid": ans.Data.UUID, "channel": spec.path, "status": "pending",
		"redirect_url": ans.Data.redirect(), "va_number": ans.Data.VANumber, "payment_code": ans.Data.PaymentCode,
		"qr_string": ans.Data.QRString})
}

func (s *Shop) getOrder(c *gin.Context) {
	if o, ok := s.loadOrder(c); ok {
		c.JSON(http.StatusOK, orderView(o))
	}
}

func orderView(o order) gin.H {
	return gin.H{"order_id": o.ID, "uuid": o.UUID, "channel": o.Channel, "status": o.Status,
		"amount": strconv.FormatInt(o.Amount, 10), "refunded": "0", "fulfilments": o.Fulfilments}
}

// cancel closes an unpaid virtual account at Purwantara, then locally.
// Only the gateway's confirmation cancels: a refused cancel changes nothing.
func (s *Shop) cancel(c *gin.Context) {
	o, ok := s.loadOrder(c)
	if !ok {
		return
	}
	if o.Channel != "virtual-account" || o.UUID == "" {
		c.JSON(http.StatusConflict, gin.H{"error": "only virtual accounts created at Purwantara can be cancelled", "status": o.Status})
		return
	}
	ans, err := s.gw.call(context.WithoutCancel(c.Request.Context()), http.MethodPost, "virtual-account/cancel/"+o.UUID, nil)
	if err != nil || !ans.ok() || ans.Data.Status != "CANCELLED" {
		c.JSON(http.StatusBadGateway, gin.H{"error": "Purwantara did not cancel: " + ans.reason(), "gateway_status": ans.HTTPStatus})
		return
	}
	if _, err := s.store.closePending(c.Request.Context(), o.ID, "cancelled"); err != nil {
		s.internalError(c, "cancel order", err)
		return
	}
	s.getOrder(c)
}

// reconcile asks Purwantara's inquiry endpoint and applies the answer
// through the same exactly-once path as a webhook.
func (s *Shop) reconcile(c *gin.Context) {
	o, ok := s.loadOrder(c)
	if !ok {
		return
	}
	if s.faults.on(faultNoReconcile) {
		s.getOrder(c) // the bug: the database is not the news
		return
	}
	if o.UUID == "" {
		c.JSON(http.StatusConflict, gin.H{"error": "the order has no Purwantara transaction yet", "status": o.Status})
		return
	}
	ans, err := s.gw.call(c.Request.Context(), http.MethodGet, channelSpecs[o.Channel].inquiry+o.UUID, nil)
	if err != nil || !ans.ok() || ans.Data.UUID != o.UUID {
		c.JSON(http.StatusBadGateway, gin.H{"error": "inquiry failed: " + ans.reason(), "gateway_status": ans.HTTPStatus})
		return
	}
	if code, msg := s.apply(c.Request.Context(), o, ans.Data.Status, ans.Data.Amount); code != http.StatusOK {
		c.JSON(code, gin.H{"error": msg})
		return
	}
	s.getOrder(c)
}

var returnTemplate = template.Must(template.New("return").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order {{.ID}}</title></head>
<body><h1>Order {{.ID}}</h1>
{{if .Found}}<p>Status: <strong id="status">{{.Status}}</strong></p>
{{if eq .Status "pending"}}<p>We are waiting for Purwantara to confirm your payment. Refresh in a moment.</p>{{end}}
{{else}}<p>We do not know this order.</p>{{end}}
</body></html>
`))

// returnPage is where the payment page sends the shopper back. Anyone can
// open it, paid or not, so it only SHOWS the order's state.
func (s *Shop) returnPage(c *gin.Context) {
	id := c.Query("order")
	view := struct {
		ID, Status string
		Found      bool
	}{ID: id}
	status := http.StatusNotFound
	if orderIDPattern.MatchString(id) {
		o, err := s.store.order(c.Request.Context(), id)
		if err == nil && s.faults.on(faultTrustReturnQuery) && o.Status == "pending" && returnSaysPaid(c.Request.URL.Query()) {
			if err = s.paid(context.WithoutCancel(c.Request.Context()), o); err == nil {
				o, err = s.store.order(c.Request.Context(), id)
			}
		}
		if err == nil && s.faults.on(faultReturnFinalAsPaid) && o.Status == "pending" && s.returnFinished(c.Request.Context(), o) {
			if err = s.paid(context.WithoutCancel(c.Request.Context()), o); err == nil {
				o, err = s.store.order(c.Request.Context(), id)
			}
		}
		if err == nil {
			view.Status, view.Found, status = o.Status, true, http.StatusOK
		}
	}
	c.Status(status)
	c.Header("Content-Type", "text/html; charset=utf-8")
	s.logErr(returnTemplate.Execute(c.Writer, view), "render return page")
}

// returnFinished is how the return-final-as-paid fault reads the return:
// Purwantara's inquiry says the payment is no longer ACTIVE, whatever it
// ended as.
func (s *Shop) returnFinished(ctx context.Context, o order) bool {
	if o.UUID == "" {
		return false
	}
	ans, err := s.gw.call(ctx, http.MethodGet, channelSpecs[o.Channel].inquiry+o.UUID, nil)
	return err == nil && ans.ok() && ans.Data.UUID == o.UUID && ans.Data.Status != "ACTIVE"
}

// returnSaysPaid is how the trust-return-query fault reads the return
// URL: a status of PAID or SUCCESS, which anyone can type.
func returnSaysPaid(q url.Values) bool {
	st := strings.ToUpper(q.Get("status"))
	return st == "PAID" || st == "SUCCESS"
}

// loadOrder answers 404 itself when the order does not exist.
func (s *Shop) loadOrder(c *gin.Context) (order, bool) {
	id := c.Param("id")
	if !orderIDPattern.MatchString(id) {
		c.JSON(http.StatusNotFound, gin.H{"error": "order not found"})
		return order{}, false
	}
	o, err := s.store.order(c.Request.Context(), id)
	if errors.Is(err, errNotFound) {
		c.JSON(http.StatusNotFound, gin.H{"error": "order not found"})
		return order{}, false
	}
	if err != nil {
		s.internalError(c, "load order", err)
		return order{}, false
	}
	return o, true
}

// bindJSON decodes a bounded JSON body into v; an empty body leaves v zero.
func bindJSON(c *gin.Context, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxRequestBody))
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		c.JSON(http.StatusBadRequest, gin.H{"error": "body must be a JSON object: " + err.Error()})
		return false
	}
	return true
}

func (s *Shop) internalError(c *gin.Context, what string, err error) {
	s.log.Error(what, "path", c.Request.URL.Path, "err", err)
	c.JSON(http.StatusInternalServerError, gin.H{"error": "internal error: " + what})
}

func (s *Shop) logErr(err error, what string) {
	if err != nil {
		s.log.Error(what, "err", err)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func firstOf(m []string, i int) string {
	if len(m) > i {
		return m[i]
	}
	return ""
}

package midtransshop

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// maxRequestBody bounds the shop's own JSON API; its requests are tiny.
const maxRequestBody = 16 << 10

// orderIDPattern is what the shop generates; anything else cannot exist.
var orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,50}$`)

// jakarta is WIB, where order ids built from the time read naturally.
var jakarta = time.FixedZone("WIB", 7*60*60)

// checkout records the order, creates the Snap transaction and hands the
// shopper's browser Midtrans' redirect_url. It never marks anything paid.
func (s *Shop) checkout(c *gin.Context) {
	var in struct {
		Amount string `json:"amount"`
		Title  string `json:"title"`
		Email  string `json:"email"`
	}
	if !bindJSON(c, &in) {
		return
	}
	amount, err := parseRupiah(strings.TrimSpace(in.Amount))
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = "Order from the uatrun Midtrans shop"
	}
	if len(title) > 50 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "title must be at most 50 characters"})
		return
	}
	ctx := c.Request.Context()
	id := s.newOrderID()
	inserted, err := s.store.insertOrder(ctx, id, amount)
	if err == nil && !inserted && !s.faults.on(faultReuseOrderID) {
		err = errors.New("order id collision")
	}
	if err != nil {
		s.internalError(c, "record order", err)
		return
	}
	// A shopper closing the tab must not abandon a payment call half-way.
	ans, err := s.mt.createTransaction(context.WithoutCancel(ctx), s.snapRequest(id, amount, title, in.Email, s.baseURL(c.Request)))
	if err != nil {
		c.JSON(http.StatusBadGateway, gin.H{"error": "Midtrans did not answer; the order stays pending until reconciled", "order_id": id})
		return
	}
	if ans.HTTP != http.StatusCreated || ans.Token == "" || ans.RedirectURL == "" {
		// A 4xx is a definite "no": the transaction never existed.
		if inserted && !ans.serverError() {
			s.logErr(s.store.forgetOrder(ctx, id), "forget refused order")
		}
		c.JSON(http.StatusBadGateway, gin.H{"error": "Midtrans refused the transaction: " + ans.describe(), "gateway_status": ans.HTTP})
		return
	}
	if err := s.store.setToken(ctx, id, ans.Token); err != nil {
		s.internalError(c, "record Snap token", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"order_id": id, "token": ans.Token, "redirect_url": ans.RedirectURL, "status": "pending"})
}

// newOrderID is random, so it never collides, and well inside Midtrans'
// 50-character limit.
func (s *Shop) newOrderID() string {
	if s.faults.on(faultReuseOrderID) {
		return "MT-" + s.cfg.Now().In(jakarta).Format("200601021504")
	}
	return "MT-" + randomHex(10)
}

// snapRequest: gross_amount is an integer and the one item adds up to it,
// as Snap checks; the finish URL only brings the shopper back.
func (s *Shop) snapRequest(id string, amount int64, title, email, base string) snapRequest {
	var r snapRequest
	r.TransactionDetails.OrderID = id
	r.TransactionDetails.GrossAmount = amount
	r.ItemDetails = []item{{ID: "item-1", Name: title, Price: amount, Quantity: 1}}
	if email == "" {
		email = "shopper@example.com"
	}
	r.CustomerDetails = customerDetails{FirstName: "Shopper", Email: email}
	r.Callbacks.Finish = base + "/finish"
	return r
}

func (s *Shop) getOrder(c *gin.Context) {
	if o, ok := s.loadOrder(c, c.Param("id")); ok {
		c.JSON(http.StatusOK, orderView(o))
	}
}

func orderView(o order) gin.H {
	return gin.H{"order_id": o.ID, "status": o.Status, "amount": strconv.FormatInt(o.Amount, 10),
		"refunded": strconv.FormatInt(o.Refunded, 10), "fulfilments": o.Fulfilments, "token": o.Token}
}

var finishTemplate = template.Must(template.New("finish").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order {{.ID}}</title></head>
<body><h1>Order {{.ID}}</h1>
{{if .Found}}<p>Status: <strong id="status">{{.Status}}</strong></p>
{{if eq .Status "pending"}}<p>We are waiting for Midtrans to confirm your payment. This page does not
confirm payments by itself: refresh in a moment.</p>{{end}}
{{else}}<p>We do not know this order.</p>{{end}}
</body></html>
`))

// finishPage is where Snap sends the shopper's browser, with order_id,
// status_code and transaction_status in the query. Anyone can type that
// query, so the page only SHOWS the order's state.
func (s *Shop) finishPage(c *gin.Context) {
	id := c.Query("order_id")
	view := struct {
		ID, Status string
		Found      bool
	}{ID: id}
	status := http.StatusNotFound
	if orderIDPattern.MatchString(id) {
		ctx := c.Request.Context()
		o, err := s.store.order(ctx, id)
		if err == nil && s.faults.on(faultTrustFinishRedirect) && c.Query("transaction_status") == "settlement" {
			s.logErr(s.applyPaid(ctx, o), "pay on finish redirect")
			o, err = s.store.order(ctx, id)
		}
		if err == nil && s.faults.on(faultFinishRevivesClosed) && c.Query("transaction_status") == "settlement" &&
			(o.Status == "cancelled" || o.Status == "expired") {
			if s.store.fulfilUnguarded(ctx, id) == nil {
				s.announce(ctx, o)
			}
			o, err = s.store.order(ctx, id)
		}
		if err == nil {
			view.Status, view.Found, status = o.Status, true, http.StatusOK
		} else if !errors.Is(err, errNotFound) {
			s.internalError(c, "load order", err)
			return
		}
	}
	c.Status(status)
	c.Header("Content-Type", "text/html; charset=utf-8")
	s.logErr(finishTemplate.Execute(c.Writer, view), "render finish page")
}

// loadOrder answers 404 itself when the order does not exist.
func (s *Shop) loadOrder(c *gin.Context, id string) (order, bool) {
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

// parseRupiah reads a whole-rupiah amount: "15000" or "15000.00". IDR at
// Midtrans has no minor unit, so "15000.50" is refused.
func parseRupiah(s string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && strings.Trim(frac, "0") != "" {
		return 0, errors.New("amount must be whole rupiah (IDR has no decimals at Midtrans)")
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n < 1 || n > 1e12 || strings.HasPrefix(whole, "+") {
		return 0, errors.New(`amount must be a positive whole number of rupiah, e.g. "15000"`)
	}
	return n, nil
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

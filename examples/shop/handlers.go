package shop

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// maxRequestBody bounds the shop's own JSON API; its requests are tiny.
const maxRequestBody = 16 << 10

// orderValidity is how long the shopper has to pay: validUpTo is this far
// ahead, DANA's sandbox default (and its sandbox maximum).
const orderValidity = 30 * time.Minute

// orderIDPattern is what the shop generates; anything else cannot exist.
var orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// createRequest is Create Order, hosted-checkout (REDIRECT) shape, §1.6.
type createRequest struct {
	PartnerReferenceNo string     `json:"partnerReferenceNo"`
	MerchantID         string     `json:"merchantId"`
	Amount             money      `json:"amount"`
	ValidUpTo          string     `json:"validUpTo"`
	URLParams          []urlParam `json:"urlParams"`
	AdditionalInfo     createInfo `json:"additionalInfo"`
}

type urlParam struct {
	URL        string `json:"url"`
	Type       string `json:"type"`
	IsDeeplink string `json:"isDeeplink"`
}

type createInfo struct {
	MCC     string `json:"mcc"`
	EnvInfo struct {
		SourcePlatform string `json:"sourcePlatform"`
		TerminalType   string `json:"terminalType"`
	} `json:"envInfo"`
	Order struct {
		OrderTitle string `json:"orderTitle"`
		Scenario   string `json:"scenario"`
	} `json:"order"`
}

// checkout creates the order locally, then at DANA, and hands the shopper's
// browser the webRedirectUrl. It never marks anything paid.
func (s *Shop) checkout(c *gin.Context) {
	var in struct {
		Amount string `json:"amount"`
		Title  string `json:"title"`
	}
	if !bindJSON(c, &in) {
		return
	}
	sen, err := parseUserAmount(strings.TrimSpace(in.Amount))
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = "Order from the uatrun shop"
	}
	if len(title) > 64 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "title must be at most 64 characters"})
		return
	}
	ctx := c.Request.Context()
	o := order{ID: s.newOrderID(), Title: title, Amount: sen}
	inserted, err := s.store.insertOrder(ctx, o)
	if err == nil && !inserted && !s.faults.on(faultReusePartnerReference) {
		err = errors.New("order id collision")
	}
	if err != nil {
		s.internalError(c, "record order", err)
		return
	}
	body, _ := json.Marshal(s.createRequest(o, s.baseURL(c.Request))) // plain structs cannot fail
	// A shopper closing the tab must not abandon a payment call half-way.
	ans, err := s.createAtDANA(context.WithoutCancel(ctx), body)
	if err != nil {
		s.log.Warn("create order got no answer; order stays pending", "order", o.ID, "err", err)
		c.JSON(http.StatusBadGateway, gin.H{"error": "DANA did not answer; the order stays pending until reconciled", "order_id": o.ID})
		return
	}
	// The create-ignores-error-code fault takes any JSON answer for a success.
	ignoreCode := s.faults.on(faultCreateIgnoresError) && ans.isJSON
	if ans.ResponseCode != "2005400" && !ignoreCode {
		// A 4xx is a definite "no": the order never existed at DANA. A 5xx
		// is "don't know", so the pending order stays for reconcile.
		if inserted && !ans.serverError() {
			s.logErr(s.store.forgetOrder(ctx, o.ID), "forget refused order")
		}
		c.JSON(http.StatusBadGateway, gin.H{"error": "DANA refused the order: " + ans.ResponseMessage, "gateway_code": ans.ResponseCode})
		return
	}
	if !inserted {
		// Only the reuse-partner-reference fault gets here: DANA has been
		// sent another shopper's reference, and this order cannot be stored.
		s.internalError(c, "record order", errors.New("order id collision: "+o.ID+" already exists"))
		return
	}
	if err := s.store.setReference(ctx, o.ID, ans.ReferenceNo); err != nil {
		s.internalError(c, "record DANA reference", err)
		return
	}
	if ans.WebRedirectURL == "" && !ignoreCode {
		c.JSON(http.StatusBadGateway, gin.H{"error": "DANA created the order but sent no webRedirectUrl", "gateway_code": ans.ResponseCode})
		return
	}
	c.JSON(http.StatusOK, gin.H{"order_id": o.ID, "reference_no": ans.ReferenceNo,
		"redirect_url": ans.WebRedirectURL, "status": "pending"})
}

// createAtDANA sends Create Order, and once more with the same bytes (so
// the same partnerReferenceNo) when DANA gave no answer or a 5xx: the first
// attempt may have created the order, and DANA treats the retry as the same
// order. The create-no-retry fault sends it once and gives up.
func (s *Shop) createAtDANA(ctx context.Context, body []byte) (danaAnswer, error) {
	if s.faults.on(faultCreateNoRetry) {
		return s.dana.post(ctx, createPath, body)
	}
	return s.dana.call(ctx, createPath, body, nil)
}

// newOrderID is the partnerReferenceNo: random, so it never collides, and 24
// characters, inside even QRIS's 25-character limit.
func (s *Shop) newOrderID() string {
	if s.faults.on(faultReusePartnerReference) {
		return "ORD-" + s.cfg.Now().In(jakarta).Format("200601021504")
	}
	return "ORD-" + randomHex(10)
}

func (s *Shop) createRequest(o order, base string) createRequest {
	value := formatAmount(o.Amount)
	if s.faults.on(faultAmountWithoutDecimals) {
		value = formatWholeAmount(o.Amount)
	}
	req := createRequest{
		PartnerReferenceNo: o.ID,
		MerchantID:         s.cfg.MerchantID,
		Amount:             money{Value: value, Currency: "IDR"},
		// DANA's sandbox default; the shopper has half an hour to pay.
		ValidUpTo: s.cfg.Now().Add(orderValidity).In(jakarta).Format(timestampLayout),
		URLParams: []urlParam{{URL: base + "/return?order=" + url.QueryEscape(o.ID), Type: "PAY_RETURN", IsDeeplink: "N"}},
	}
	if !s.faults.on(faultNoNotificationURL) {
		req.URLParams = append(req.URLParams, urlParam{URL: base + notifyPath, Type: "NOTIFICATION", IsDeeplink: "N"})
	}
	req.AdditionalInfo.MCC = "5732"
	req.AdditionalInfo.EnvInfo.SourcePlatform = "IPG"
	req.AdditionalInfo.EnvInfo.TerminalType = "SYSTEM"
	req.AdditionalInfo.Order.OrderTitle = o.Title
	req.AdditionalInfo.Order.Scenario = "REDIRECT"
	return req
}

func (s *Shop) getOrder(c *gin.Context) {
	if o, ok := s.loadOrder(c); ok {
		c.JSON(http.StatusOK, orderView(o))
	}
}

func orderView(o order) gin.H {
	return gin.H{"order_id": o.ID, "status": o.Status, "amount": formatAmount(o.Amount),
		"refunded": formatAmount(o.Refunded), "fulfilments": o.Fulfilments, "reference_no": o.ReferenceNo}
}

var returnTemplate = template.Must(template.New("return").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order {{.ID}}</title></head>
<body><h1>Order {{.ID}}</h1>
{{if .Found}}<p>Status: <strong id="status">{{.Status}}</strong></p>
{{if eq .Status "pending"}}<p>We are waiting for DANA to confirm your payment. This page does not confirm
payments by itself: refresh in a moment.</p>{{end}}
{{else}}<p>We do not know this order.</p>{{end}}
</body></html>
`))

// returnPage is PAY_RETURN, where DANA sends the shopper's browser. Anyone
// can open this URL, paid or not, so it only SHOWS the order's state.
func (s *Shop) returnPage(c *gin.Context) {
	id := c.Query("order")
	view := struct {
		ID, Status string
		Found      bool
	}{ID: id}
	status := http.StatusNotFound
	if orderIDPattern.MatchString(id) {
		o, err := s.store.order(c.Request.Context(), id)
		if err == nil && (s.faults.on(faultTrustReturnRedirect) || s.faults.on(faultTrustReturnQuery) && claimsSuccess(c)) {
			s.logErr(s.applyPaid(c.Request.Context(), o), "pay on return")
			o, err = s.store.order(c.Request.Context(), id)
		}
		if err == nil && s.faults.on(faultReturnQuerySettled) && s.settledAtDANA(c.Request.Context(), o) {
			// The fault: "the shopper is back and DANA is done with the
			// order, so it was paid".
			s.logErr(s.store.fulfilUnguarded(c.Request.Context(), o.ID), "pay on return")
			s.announce(c.Request.Context(), o)
			o, err = s.store.order(c.Request.Context(), id)
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
	s.logErr(returnTemplate.Execute(c.Writer, view), "render return page")
}

// settledAtDANA is the return-query-settled-as-paid fault's question: does
// Query Payment report the order as anything but initiated or paying?
func (s *Shop) settledAtDANA(ctx context.Context, o order) bool {
	body, _ := json.Marshal(queryRequest{OriginalPartnerReferenceNo: o.ID, MerchantID: s.cfg.MerchantID, ServiceCode: "54"})
	ans, err := s.dana.call(context.WithoutCancel(ctx), queryPath, body, nil)
	if err != nil || ans.ResponseCode != "2005500" {
		return false
	}
	st := ans.LatestTransactionStatus
	return st != "" && st != "01" && st != "02"
}

// claimsSuccess is what the trust-return-query fault believes: result
// parameters in the return URL, which the shopper's browser writes.
func claimsSuccess(c *gin.Context) bool {
	return c.Query("status") == "SUCCESS" || c.Query("resultStatus") == "S"
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

// bindJSON decodes a bounded JSON body into v. An empty body is allowed and
// leaves v at its zero value; the caller validates the fields it needs.
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

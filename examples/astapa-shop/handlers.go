package astapashop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

const (
	maxRequestBody = 16 << 10
	maxWebhookBody = 64 << 10
)

var orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,50}$`)

var jakarta = time.FixedZone("WIB", 7*60*60)

// checkout records the order, creates the shop payment and hands the
// shopper Astapa's invoice_url. It never marks anything paid.
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
	ans, err := s.api.create(context.WithoutCancel(ctx), s.createBody(id, amount, in.Title, in.Email))
	if err != nil {
		c.JSON(http.StatusBadGateway, gin.H{"error": "Astapa did not answer; the order stays pending until reconciled", "order_id": id})
		return
	}
	if ans.HTTP != http.StatusOK || ans.InvoiceURL == "" {
		if inserted && ans.HTTP < 500 {
			s.logErr(s.store.forgetOrder(ctx, id), "forget refused order")
		}
		c.JSON(http.StatusBadGateway, gin.H{"error": "Astapa refused the payment: " + ans.Message, "gateway_status": ans.HTTP})
		return
	}
	if err := s.store.setPurchase(ctx, id, ans.PurchaseID); err != nil {
		s.internalError(c, "record purchase", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"order_id": id, "purchase_id": ans.PurchaseID, "redirect_url": ans.InvoiceURL, "status": "pending"})
}

func (s *Shop) newOrderID() string {
	if s.faults.on(faultReuseOrderID) {
		return "AS-" + s.cfg.Now().In(jakarta).Format("200601021504")
	}
	return "AS-" + randomHex(10)
}

func (s *Shop) createBody(id string, amount int64, title, email string) map[string]any {
	if title = strings.TrimSpace(title); title == "" {
		title = "Order " + id
	}
	if email == "" {
		email = "shopper@example.com"
	}
	var amt any = amount
	if s.faults.on(faultAmountNotInteger) {
		amt = strconv.FormatInt(amount, 10) + ".00"
	}
	return map[string]any{"amount": amt, "order_id": id, "buyer_email": email, "buyer_name": "Shopper",
		"item_name": title, "metadata": map[string]any{"store_id": s.cfg.StoreID, "store_name": s.cfg.StoreName, "order_ref": id}}
}

func (s *Shop) getOrder(c *gin.Context) {
	if o, ok := s.loadOrder(c, c.Param("id")); ok {
		c.JSON(http.StatusOK, orderView(o))
	}
}

func orderView(o order) gin.H {
	return gin.H{"order_id": o.ID, "status": o.Status, "amount": strconv.FormatInt(o.Amount, 10),
		"fulfilments": o.Fulfilments, "purchase_id": o.PurchaseID}
}

// webhookBody is the part of item.purchased the shop reads.
type webhookBody struct {
	Event    string      `json:"event"`
	OrderID  string      `json:"order_id"`
	Amount   json.Number `json:"amount"`
	Metadata struct {
		OrderRef string `json:"order_ref"`
	} `json:"metadata"`
}

// webhook handles item.purchased. It is unsigned, so it is only a hint:
// the order must exist, the amount must match, and verify must say
// settlement before anything ships.
func (s *Shop) webhook(c *gin.Context) {
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxWebhookBody))
	var w webhookBody
	if err != nil || json.Unmarshal(raw, &w) != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "not an Astapa webhook"})
		return
	}
	if w.Event != "item.purchased" {
		c.JSON(http.StatusOK, gin.H{"status": "ignored"})
		return
	}
	status, msg := s.handleWebhook(c.Request.Context(), w)
	c.JSON(status, gin.H{"status": msg})
}

func (s *Shop) handleWebhook(ctx context.Context, w webhookBody) (int, string) {
	if !orderIDPattern.MatchString(w.OrderID) {
		return http.StatusNotFound, "unknown order"
	}
	o, err := s.store.order(ctx, w.OrderID)
	if errors.Is(err, errNotFound) {
		return http.StatusNotFound, "unknown order"
	}
	if err != nil {
		return http.StatusInternalServerError, "try again"
	}
	if w.Amount.String() != strconv.FormatInt(o.Amount, 10) {
		s.log.Warn("webhook amount differs from the order", "order", o.ID)
		return http.StatusBadRequest, "amount does not match the order"
	}
	status := "settlement" // what the webhook claims
	if !s.faults.on(faultWebhookTrusted) {
		ask := o.ID
		if s.faults.on(faultVerifyMetadataOrder) && orderIDPattern.MatchString(w.Metadata.OrderRef) {
			ask = w.Metadata.OrderRef // the bug: confirms one order, pays another
		}
		v, err := s.api.verify(context.WithoutCancel(ctx), ask)
		switch {
		case (err != nil || v.HTTP != http.StatusOK) && s.faults.on(faultVerifyErrorTrusts):
			// the bug: fail open, the webhook's word is taken
		case err != nil || v.HTTP != http.StatusOK:
			return http.StatusBadGateway, "could not verify with Astapa; retry later"
		default:
			status = s.readStatus(v)
			if s.faults.on(faultWebhookUnlessPend) && status != "pending" && status != "" {
				status = "settlement" // the bug: "not pending" read as "the webhook is right"
			}
		}
	}
	if status == "pending" && s.faults.on(faultCancelOnForged) {
		s.logErr(ignoreMoved(s.store.move(ctx, o.ID, "pending", "cancelled")), "cancel suspected fraud")
		return http.StatusForbidden, "webhook not confirmed: order cancelled"
	}
	if s.queue != nil {
		return s.enqueue(o, status)
	}
	if err := s.applyVerified(ctx, o, status, true); err != nil {
		return http.StatusInternalServerError, "try again"
	}
	if o, err = s.store.order(ctx, o.ID); err == nil && o.Status == "pending" {
		return http.StatusConflict, "not settled yet at Astapa"
	}
	return http.StatusOK, "ok"
}

// enqueue leaves a confirmed webhook's booking to the queue: the
// queue-based design, which books the payment a moment after Astapa got
// its 200. A status that would leave a pending order pending is answered
// 409 at once, as within the request. The worker re-reads the order and
// goes through the same exactly-once door, so a webhook for an order
// cancelled meanwhile ships nothing. A full queue answers 503, which
// Astapa retries.
func (s *Shop) enqueue(o order, status string) (int, string) {
	moves := status == "settlement" || status == "cancel" || status == "expire" ||
		(s.faults.on(faultVerifyAnyStatusPaid) && status != "pending" && status != "")
	if o.Status == "pending" && !moves {
		return http.StatusConflict, "not settled yet at Astapa"
	}
	id := o.ID
	queued := s.queue.Add(func(ctx context.Context) error {
		o, err := s.store.order(ctx, id)
		if errors.Is(err, errNotFound) {
			return jobqueue.Permanent(fmt.Errorf("order %s: %w", id, err))
		}
		if err == nil {
			err = s.applyVerified(ctx, o, status, true)
		}
		if err != nil {
			return fmt.Errorf("order %s: %w", id, err)
		}
		return nil
	})
	if !queued {
		return http.StatusServiceUnavailable, "busy; retry"
	}
	return http.StatusOK, "queued"
}

// readStatus reads verify's status (or, under a fault, Midtrans' field name).
func (s *Shop) readStatus(v verifyAnswer) string {
	if s.faults.on(faultVerifyMidtransField) {
		st, _ := v.Raw["transaction_status"].(string)
		return st
	}
	return v.Status
}

// applyVerified acts on a status Astapa's verify reported: settlement is
// paid (once), cancel and expire close a pending order, refund marks a
// paid order refunded, pending changes nothing.
func (s *Shop) applyVerified(ctx context.Context, o order, status string, fromWebhook bool) error {
	if s.faults.on(faultVerifyAnyStatusPaid) && status != "pending" && status != "" {
		status = "settlement"
	}
	var err error
	switch status {
	case "settlement":
		if fromWebhook && s.faults.on(faultCheckThenAct) {
			// the bug: o was read before verify; nothing stops a second
			// handler that read it at the same time
			if o.Status != "pending" {
				return nil
			}
			time.Sleep(checkThenActWork) // the work between the check and the act
			if err = s.store.fulfilUnguarded(ctx, o.ID); err == nil {
				s.announce(ctx, o)
			}
			return err
		}
		if fromWebhook && s.faults.on(faultDoubleFulfil) {
			if err = s.store.fulfilUnguarded(ctx, o.ID); err == nil {
				s.announce(ctx, o)
			}
			return err
		}
		var fulfilled bool
		if fulfilled, err = s.store.markPaid(ctx, o.ID); fulfilled {
			s.announce(ctx, o)
		}
	case "cancel":
		_, err = s.store.move(ctx, o.ID, "pending", "cancelled")
	case "expire":
		if s.faults.on(faultExpireLeftPending) {
			return nil // the bug: expire read as "the buyer may still pay"
		}
		_, err = s.store.move(ctx, o.ID, "pending", "expired")
	case "refund":
		_, err = s.store.move(ctx, o.ID, "paid", "refunded")
	}
	return err
}

// reconcile asks verify and applies the answer: the only way cancel,
// expire and refund reach the shop, and the fallback for lost webhooks.
func (s *Shop) reconcile(c *gin.Context) {
	o, ok := s.loadOrder(c, c.Param("id"))
	if !ok {
		return
	}
	if !s.faults.on(faultNoReconcile) {
		ctx := context.WithoutCancel(c.Request.Context())
		v, err := s.api.verify(ctx, o.ID)
		if err != nil || v.HTTP != http.StatusOK {
			c.JSON(http.StatusBadGateway, gin.H{"error": "Astapa's verify did not answer"})
			return
		}
		if err := s.applyVerified(ctx, o, s.readStatus(v), false); err != nil {
			s.internalError(c, "apply status", err)
			return
		}
	}
	if o, ok = s.loadOrder(c, o.ID); ok {
		c.JSON(http.StatusOK, orderView(o))
	}
}

// announce tells the warehouse to ship, after the commit.
func (s *Shop) announce(ctx context.Context, o order) {
	if s.cfg.FulfilmentWebhook == "" {
		return
	}
	body, _ := json.Marshal(map[string]string{"event": "order.fulfilled", "order_id": o.ID, "amount": strconv.FormatInt(o.Amount, 10)})
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.FulfilmentWebhook, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if resp, err := s.cfg.HTTPClient.Do(req); err == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxGatewayAnswer))
		resp.Body.Close()
	}
}

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

// parseRupiah reads "15000" or "15000.00" as whole rupiah.
func parseRupiah(s string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && strings.Trim(frac, "0") != "" {
		return 0, errors.New("amount must be whole rupiah")
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n < 1 || n > 1e12 || strings.HasPrefix(whole, "+") {
		return 0, errors.New(`amount must be a positive whole number of rupiah, e.g. "15000"`)
	}
	return n, nil
}

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

func ignoreMoved(_ bool, err error) error { return err }

func (s *Shop) logErr(err error, what string) {
	if err != nil {
		s.log.Error(what, "err", err)
	}
}

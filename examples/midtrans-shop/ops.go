package midtransshop

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// cancel asks Midtrans to cancel and believes its answer: only a
// status_code 200 "cancel" cancels. A settled order cannot be cancelled
// (Midtrans answers 412) and stays paid; refund it instead.
func (s *Shop) cancel(c *gin.Context) {
	o, ok := s.loadOrder(c, c.Param("id"))
	if !ok {
		return
	}
	ctx := context.WithoutCancel(c.Request.Context())
	switch {
	case o.Status == "cancelled":
		c.JSON(http.StatusOK, orderView(o))
		return
	case o.Status != "pending" && o.Status != "paid":
		c.JSON(http.StatusConflict, gin.H{"error": "order is " + o.Status + " and cannot be cancelled"})
		return
	case s.faults.on(faultCancelLocalOnly):
		s.finishCancel(c, o.ID)
		return
	}
	ans, err := s.mt.cancel(ctx, o.ID)
	if err != nil {
		c.JSON(http.StatusBadGateway, gin.H{"error": "Midtrans did not answer the cancel; the order is unchanged"})
		return
	}
	if (ans.ok() && ans.TransactionStatus == "cancel") || s.faults.on(faultCancelIgnoresGateway) {
		s.finishCancel(c, o.ID)
		return
	}
	c.JSON(http.StatusConflict, gin.H{"error": "Midtrans refused the cancel: " + ans.describe(), "gateway_code": ans.StatusCode})
}

func (s *Shop) finishCancel(c *gin.Context, id string) {
	ctx := c.Request.Context()
	if err := s.store.setStatus(ctx, id, "cancelled"); err != nil {
		s.internalError(c, "record cancel", err)
		return
	}
	if o, ok := s.loadOrder(c, id); ok {
		c.JSON(http.StatusOK, orderView(o))
	}
}

// refund reserves the amount in the database (paid, and no more than what
// remains), sends it with a refund_key, and retries once with the SAME key
// when Midtrans gives no answer or a 5xx, so a retry never refunds twice.
// status_code 200 books the refund; 201 means Midtrans accepted it but the
// money has not moved: the reservation stays and the refund is booked when
// the refund notification (or a reconcile) reports its refund_key.
func (s *Shop) refund(c *gin.Context) {
	var in struct {
		Amount string `json:"amount"`
		Reason string `json:"reason"`
	}
	if !bindJSON(c, &in) {
		return
	}
	o, ok := s.loadOrder(c, c.Param("id"))
	if !ok {
		return
	}
	amount := o.Amount - o.Refunded
	if strings.TrimSpace(in.Amount) != "" {
		var err error
		if amount, err = parseRupiah(strings.TrimSpace(in.Amount)); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
	}
	ctx := context.WithoutCancel(c.Request.Context())
	key := o.ID + "-r" + randomHex(4)
	check := !s.faults.on(faultOverRefund) && !s.faults.on(faultRefundIgnoresGateway)
	if err := s.store.reserveRefund(ctx, o.ID, key, amount, check); err != nil {
		if errors.Is(err, errNotRefunable) {
			c.JSON(http.StatusConflict, gin.H{"error": err.Error()})
			return
		}
		s.internalError(c, "reserve refund", err)
		return
	}
	ans, err := s.sendRefund(ctx, o.ID, key, amount, in.Reason)
	if err != nil || ans.serverError() {
		c.JSON(http.StatusBadGateway, gin.H{"error": "refund outcome unknown; it will be reconciled", "refund_key": key})
		return
	}
	done := ans.ok() && ans.StatusCode == "200"
	switch {
	case s.faults.on(faultRefundIgnoresGateway):
		done = true
	case s.faults.on(faultRefundPendingAsDone):
		done = ans.ok()
	case ans.pending():
		c.JSON(http.StatusAccepted, gin.H{"refund_key": key, "amount": amount, "state": "pending",
			"note": "Midtrans accepted the refund; it is booked when Midtrans reports it done"})
		return
	}
	if err := s.store.finishRefund(ctx, o.ID, key, amount, done); err != nil {
		s.internalError(c, "record refund", err)
		return
	}
	if !done {
		c.JSON(http.StatusConflict, gin.H{"error": "Midtrans refused the refund: " + ans.describe(), "gateway_code": ans.StatusCode})
		return
	}
	c.JSON(http.StatusOK, gin.H{"refund_key": key, "amount": amount})
}

// sendRefund posts the refund, and once more with the same refund_key if
// the first attempt got no answer or a 5xx.
func (s *Shop) sendRefund(ctx context.Context, id, key string, amount int64, reason string) (answer, error) {
	ans, err := s.mt.refund(ctx, id, s.refundBody(key, amount, reason))
	if err == nil && !ans.serverError() {
		return ans, nil
	}
	if s.faults.on(faultRefundNewKeyOnRetry) {
		key = id + "-r" + randomHex(4)
	}
	s.log.Warn("refund got no answer; retrying with the same refund_key", "order", id)
	return s.mt.refund(ctx, id, s.refundBody(key, amount, reason))
}

func (s *Shop) refundBody(key string, amount int64, reason string) []byte {
	body := map[string]any{"refund_key": key, "amount": amount, "reason": reason}
	if s.faults.on(faultRefundAmountAsString) {
		body["amount"] = formatGross(amount)
	}
	b, _ := json.Marshal(body) // strings and numbers cannot fail
	return b
}

// reconcile asks Midtrans for the transaction's status and applies it
// through the same exactly-once path as notifications. It is what a shop
// runs for orders still pending after the notification should have come.
func (s *Shop) reconcile(c *gin.Context) {
	o, ok := s.loadOrder(c, c.Param("id"))
	if !ok {
		return
	}
	if s.faults.on(faultNoReconcile) {
		c.JSON(http.StatusOK, orderView(o))
		return
	}
	ctx := context.WithoutCancel(c.Request.Context())
	ans, err := s.mt.status(ctx, o.ID)
	switch {
	case err != nil:
		c.JSON(http.StatusBadGateway, gin.H{"error": "Midtrans did not answer the status query"})
		return
	case ans.StatusCode == "404":
		// A Snap order whose shopper has not picked a payment method is
		// unknown to the Core API: the order simply stays pending.
		if s.faults.on(faultStatus404ClosesOrder) {
			s.logErr(s.store.setStatus(ctx, o.ID, "failed"), "close order on 404")
			o, _ = s.loadOrder(c, o.ID)
		}
		c.JSON(http.StatusOK, orderView(o))
		return
	case !ans.ok() && ans.StatusCode != "407":
		c.JSON(http.StatusBadGateway, gin.H{"error": "Midtrans refused the status query: " + ans.describe()})
		return
	case ans.GrossAmount != formatGross(o.Amount):
		c.JSON(http.StatusConflict, gin.H{"error": "Midtrans reports gross_amount " + ans.GrossAmount + " for this order"})
		return
	}
	if err := s.applyStatus(ctx, o, ans.TransactionStatus, ans.FraudStatus, false); err != nil && !errors.Is(err, errUnhandledStatus) {
		s.internalError(c, "apply status", err)
		return
	}
	if err := s.bookRefunds(ctx, o, ans.TransactionStatus, ans.Refunds); err != nil {
		s.internalError(c, "book refunds", err)
		return
	}
	if o, ok = s.loadOrder(c, o.ID); ok {
		c.JSON(http.StatusOK, orderView(o))
	}
}

package shop

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// cancelRequest is Cancel Order, §1.9.
type cancelRequest struct {
	OriginalPartnerReferenceNo string `json:"originalPartnerReferenceNo"`
	MerchantID                 string `json:"merchantId"`
	Reason                     string `json:"reason"`
}

// queryRequest is Query Payment, §1.8; serviceCode 54 is the PG cashier.
type queryRequest struct {
	OriginalPartnerReferenceNo string `json:"originalPartnerReferenceNo"`
	MerchantID                 string `json:"merchantId"`
	ServiceCode                string `json:"serviceCode"`
}

// cancel asks DANA to cancel and believes only DANA's 2005700: unpaid
// orders cancel, paid ones only within 24 h, and after that DANA's 4035700
// means the shopper's money stays with the shop, so the order stays paid.
func (s *Shop) cancel(c *gin.Context) {
	var in struct {
		Reason string `json:"reason"`
	}
	if !bindJSON(c, &in) {
		return
	}
	o, ok := s.loadOrder(c)
	if !ok {
		return
	}
	switch o.Status {
	case "cancelled": // already done: cancelling twice is not an error
		c.JSON(http.StatusOK, gin.H{"status": "cancelled"})
		return
	case "expired":
		c.JSON(http.StatusConflict, gin.H{"error": "order expired; there is nothing to cancel", "status": o.Status})
		return
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		reason = "Cancelled by merchant"
	}
	if len(reason) > 256 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "reason must be at most 256 characters"})
		return
	}
	if s.faults.on(faultCancelLocalOnly) {
		s.finishCancel(c, o) // the fault: DANA is never told
		return
	}
	body, _ := json.Marshal(cancelRequest{OriginalPartnerReferenceNo: o.ID, MerchantID: s.cfg.MerchantID, Reason: reason})
	ans, err := s.dana.post(context.WithoutCancel(c.Request.Context()), cancelPath, body)
	switch {
	case err == nil && ans.ResponseCode == "2005700":
		s.finishCancel(c, o)
	case err == nil && ans.ResponseCode == "2025700":
		// Accepted, not done: the order is not cancelled until DANA says so.
		c.JSON(http.StatusAccepted, gin.H{"status": o.Status, "gateway_code": ans.ResponseCode})
	case s.faults.on(faultCancelIgnoresGateway):
		s.finishCancel(c, o)
	case err != nil:
		c.JSON(http.StatusBadGateway, gin.H{"error": "DANA did not answer the cancel", "status": o.Status})
	default:
		c.JSON(http.StatusConflict, gin.H{"error": "DANA refused the cancel: " + ans.ResponseMessage,
			"gateway_code": ans.ResponseCode, "status": o.Status})
	}
}

func (s *Shop) finishCancel(c *gin.Context, o order) {
	if err := s.store.markCancelled(c.Request.Context(), o.ID); err != nil {
		s.internalError(c, "record cancel", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "cancelled"})
}

// reconcile asks DANA for the truth about an order and applies it. It is
// how a careful merchant recovers when a notify never arrives (a firewall, a
// deploy, a lost retry): run it from a job for orders pending too long.
func (s *Shop) reconcile(c *gin.Context) {
	o, ok := s.loadOrder(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	body, _ := json.Marshal(queryRequest{OriginalPartnerReferenceNo: o.ID, MerchantID: s.cfg.MerchantID, ServiceCode: "54"})
	// A query changes nothing at DANA, so retrying it is always safe.
	ans, err := s.dana.call(context.WithoutCancel(ctx), queryPath, body, nil)
	if err != nil {
		c.JSON(http.StatusBadGateway, gin.H{"error": "DANA did not answer the query", "status": o.Status})
		return
	}
	if ans.ResponseCode != "2005500" {
		c.JSON(http.StatusBadGateway, gin.H{"error": "DANA refused the query: " + ans.ResponseMessage,
			"gateway_code": ans.ResponseCode, "status": o.Status})
		return
	}
	if err := s.applyQuery(ctx, o, ans); err != nil {
		c.JSON(http.StatusBadGateway, gin.H{"error": err.Error(), "status": o.Status})
		return
	}
	if o, err = s.store.order(ctx, o.ID); err != nil {
		s.internalError(c, "reload order", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": o.Status, "gateway_status": ans.LatestTransactionStatus})
}

// applyQuery moves the order the way DANA's latestTransactionStatus says,
// through the same exactly-once paths a notify uses.
func (s *Shop) applyQuery(ctx context.Context, o order, ans danaAnswer) error {
	switch ans.LatestTransactionStatus {
	case "00":
		if s.faults.on(faultReconcileIgnoresQuery) {
			return nil // the fault: the answer is fetched and then not acted on
		}
		if ans.Amount != nil {
			if err := sameAmount(*ans.Amount, o.Amount); err != nil {
				return err
			}
		}
		return s.applyPaid(ctx, o)
	case "05":
		closed := "expired"
		if ans.AdditionalInfo.StatusDetail.AcquirementStatus == "CANCELLED" {
			closed = "cancelled"
		}
		changed, err := s.store.closePending(ctx, o.ID, closed)
		if err == nil && !changed && o.Status == "paid" {
			// Money came back to the shopper after the goods shipped.
			s.log.Warn("DANA reports a paid order as closed", "order", o.ID)
		}
		return err
	}
	return nil // 01 initiated, 02 paying, …: nothing to do yet
}

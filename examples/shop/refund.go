package shop

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// refundRequest is Refund Order, §1.10.
type refundRequest struct {
	OriginalPartnerReferenceNo string `json:"originalPartnerReferenceNo"`
	MerchantID                 string `json:"merchantId"`
	PartnerRefundNo            string `json:"partnerRefundNo"`
	RefundAmount               money  `json:"refundAmount"`
	Reason                     string `json:"reason"`
}

// refund pays money back. The order of events is what makes it safe:
//  1. reserve the amount in the database, which refuses more than
//     paid − refunded − refunds still in flight (so two clicks at once
//     cannot both pass the check);
//  2. send it to DANA under a new partnerRefundNo, and if DANA does not
//     answer, send THE SAME partnerRefundNo again, so DANA can recognise the
//     retry instead of refunding twice;
//  3. record what DANA said. A refund whose outcome is unknown stays
//     reserved until a person resolves it: money out is never guessed.
func (s *Shop) refund(c *gin.Context) {
	var in struct {
		Amount string `json:"amount"`
		Reason string `json:"reason"`
	}
	if !bindJSON(c, &in) {
		return
	}
	sen, err := parseUserAmount(strings.TrimSpace(in.Amount))
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		reason = "Refund by merchant"
	}
	if len(reason) > 256 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "reason must be at most 256 characters"})
		return
	}
	o, ok := s.loadOrder(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	refundNo := "RFD-" + randomHex(10)
	check := checkPaidAndAmount
	switch {
	case s.faults.on(faultOverRefund):
		check = checkNothing
	case s.faults.on(faultRefundUnpaidCancels):
		check = checkAmountOnly
	}
	reserved, err := s.store.reserveRefund(ctx, o.ID, refundNo, sen, check)
	if err != nil {
		s.internalError(c, "reserve refund", err)
		return
	}
	if !reserved {
		left, err := s.store.refundable(ctx, o.ID)
		s.logErr(err, "compute refundable amount")
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "refund exceeds what was paid and not yet refunded",
			"refundable": formatAmount(left), "status": o.Status})
		return
	}
	req := refundRequest{OriginalPartnerReferenceNo: o.ID, MerchantID: s.cfg.MerchantID,
		PartnerRefundNo: refundNo, RefundAmount: money{Value: formatAmount(sen), Currency: "IDR"}, Reason: reason}
	body, _ := json.Marshal(req)
	ans, err := s.dana.call(context.WithoutCancel(ctx), refundPath, body, s.refundRetryBody(ctx, &req))
	s.finishRefund(c, o.ID, req.PartnerRefundNo, ans, err)
}

// refundRetryBody returns nil (resend the same bytes) unless the shop runs
// with the refund-new-reference-on-retry fault.
func (s *Shop) refundRetryBody(ctx context.Context, req *refundRequest) func() ([]byte, error) {
	if !s.faults.on(faultRefundNewRefOnRetry) {
		return nil
	}
	return func() ([]byte, error) {
		next := "RFD-" + randomHex(10)
		if err := s.store.renameRefund(ctx, req.PartnerRefundNo, next); err != nil {
			return nil, err
		}
		req.PartnerRefundNo = next
		return json.Marshal(req)
	}
}

func (s *Shop) finishRefund(c *gin.Context, id, refundNo string, ans danaAnswer, callErr error) {
	ctx := c.Request.Context()
	// A definite answer that is neither "done" nor "accepted" is a refusal;
	// the refund-ignores-gateway-error fault books it as done all the same.
	refused := callErr == nil && !ans.serverError() && ans.ResponseCode != "2005800" && ans.ResponseCode != "2025800"
	done := ans.ResponseCode == "2005800" || refused && s.faults.on(faultRefundIgnoresGateway)
	// The refund-unpaid-cancels-order fault reads "Invalid Transaction
	// Status" as "the order was never paid": nothing to refund, so it
	// closes the order and answers as if all were done.
	closed := refused && ans.ResponseCode == "4045800" && s.faults.on(faultRefundUnpaidCancels)
	var err error
	switch {
	case callErr != nil || ans.serverError():
		err = s.store.setRefundState(ctx, refundNo, "unknown")
	case closed:
		if err = s.store.setRefundState(ctx, refundNo, "failed"); err == nil {
			_, err = s.store.closePending(ctx, id, "cancelled")
		}
	case done:
		err = s.store.settleRefund(ctx, refundNo)
	case ans.ResponseCode == "2025800":
		err = s.store.setRefundState(ctx, refundNo, "in_progress")
	default:
		err = s.store.setRefundState(ctx, refundNo, "failed")
	}
	if err != nil {
		s.internalError(c, "record refund", err)
		return
	}
	o, err := s.store.order(ctx, id)
	if err != nil {
		s.internalError(c, "reload order", err)
		return
	}
	out := gin.H{"refund_id": refundNo, "status": o.Status, "refunded": formatAmount(o.Refunded)}
	status := http.StatusOK
	switch {
	case callErr != nil:
		status, out["error"] = http.StatusBadGateway, "DANA did not answer; the refund's outcome is unknown and stays reserved"
	case ans.serverError():
		status, out["gateway_code"] = http.StatusBadGateway, ans.ResponseCode
		out["error"] = "DANA failed twice (" + ans.ResponseMessage + "); the refund's outcome is unknown and stays reserved"
	case done:
	case closed:
		out["note"] = "DANA reports the order unpaid: nothing to refund, the order is closed"
	case ans.ResponseCode == "2025800": // accepted, not yet done
		status, out["gateway_code"] = http.StatusAccepted, ans.ResponseCode
	default:
		status, out["gateway_code"] = http.StatusBadGateway, ans.ResponseCode
		out["error"] = "DANA refused the refund: " + ans.ResponseMessage
	}
	c.JSON(status, out)
}

// refundCheck is what reserveRefund checks before it records a refund.
type refundCheck int

const (
	checkPaidAndAmount refundCheck = iota // the order is paid and the amount fits in what is left
	checkAmountOnly                       // the amount fits; the order's status is left to DANA (refund-unpaid-cancels-order)
	checkNothing                          // everything is left to DANA (over-refund)
)

// reserveRefund records a refund about to be sent. With checkPaidAndAmount,
// the INSERT only happens if the order is paid and the amount fits in what
// is left; the database evaluates that in the same statement as the write,
// so concurrent refunds cannot both see the same "left".
func (s *store) reserveRefund(ctx context.Context, orderID, refundNo string, sen int64, check refundCheck) (bool, error) {
	if check == checkNothing {
		return affected(s.db.ExecContext(ctx, `INSERT INTO refunds (refund_no, order_id, amount, state, created_at)
			VALUES (?, ?, ?, 'sending', ?)`, refundNo, orderID, sen, s.stamp()))
	}
	paid := "o.status IN ('paid','partially_refunded')"
	if check == checkAmountOnly {
		paid = "1"
	}
	return affected(s.db.ExecContext(ctx, `INSERT INTO refunds (refund_no, order_id, amount, state, created_at)
		SELECT ?, o.id, ?, 'sending', ? FROM orders o
		WHERE o.id = ? AND `+paid+`
		  AND o.amount - o.refunded - (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r
		      WHERE r.order_id = o.id AND r.state IN `+openRefundStates+`) >= ?`,
		refundNo, sen, s.stamp(), orderID, sen))
}

// refundable is what may still be refunded, for the 422 answer.
func (s *store) refundable(ctx context.Context, orderID string) (int64, error) {
	var left int64
	err := s.db.QueryRowContext(ctx, `SELECT CASE WHEN o.status IN ('paid','partially_refunded')
		THEN o.amount - o.refunded - (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r
		     WHERE r.order_id = o.id AND r.state IN `+openRefundStates+`)
		ELSE 0 END FROM orders o WHERE o.id = ?`, orderID).Scan(&left)
	return left, err
}

func (s *store) renameRefund(ctx context.Context, from, to string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE refunds SET refund_no = ? WHERE refund_no = ?`, to, from)
	return err
}

func (s *store) setRefundState(ctx context.Context, refundNo, state string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE refunds SET state = ? WHERE refund_no = ?`, state, refundNo)
	return err
}

// settleRefund marks a refund done and adds it to the order, once: a second
// call finds the refund no longer open and changes nothing.
func (s *store) settleRefund(ctx context.Context, refundNo string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var orderID string
		var sen int64
		err := tx.QueryRowContext(ctx, `UPDATE refunds SET state = 'done'
			WHERE refund_no = ? AND state IN `+openRefundStates+` RETURNING order_id, amount`, refundNo).
			Scan(&orderID, &sen)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE orders SET refunded = refunded + ?, updated_at = ?,
			status = CASE WHEN refunded + ? >= amount THEN 'refunded' ELSE 'partially_refunded' END
			WHERE id = ?`, sen, s.stamp(), sen, orderID)
		return err
	})
}

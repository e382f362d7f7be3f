package midtransshop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

const (
	// maxNotifyBody bounds what the shop reads before it knows who is
	// talking: a real notification is about one kilobyte.
	maxNotifyBody = 64 << 10
	// webhookTimeout keeps a slow warehouse from stalling notifications.
	webhookTimeout = 3 * time.Second
)

// notification is the part of a Midtrans HTTP notification the shop uses.
// Every field is a string on the wire, numbers included.
type notification struct {
	OrderID           string `json:"order_id"`
	StatusCode        string `json:"status_code"`
	GrossAmount       string `json:"gross_amount"`
	SignatureKey      string `json:"signature_key"`
	TransactionStatus string `json:"transaction_status"`
	TransactionID     string `json:"transaction_id"`
	FraudStatus       string `json:"fraud_status"`
	// Refunds is refunds[] of a refund or partial_refund notification.
	Refunds []refundEntry `json:"refunds"`
}

// Verify modes: how the shop decides to trust a notification. Midtrans
// documents both: check signature_key, or ask the Get Status API and act
// on its answer instead of the notification's body (what the official
// PHP library's Notification helper does). A notification that fails the
// check is disregarded either way.
const (
	VerifyModeSignature = "signature"
	VerifyModeRequery   = "requery"
)

// notify handles Midtrans' HTTP notification. Order matters: authenticate
// (signature_key over the received strings), find the order, check the
// money, and only then change state through the one exactly-once door.
// Handled and already-handled notifications both get 200: Midtrans retries
// anything else, so a duplicate must be acknowledged, not refused.
func (s *Shop) notify(c *gin.Context) {
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxNotifyBody))
	var n notification
	if err != nil || json.Unmarshal(raw, &n) != nil || n.OrderID == "" {
		c.JSON(http.StatusBadRequest, gin.H{"error": "not a Midtrans notification"})
		return
	}
	status, msg := s.handleNotify(c.Request.Context(), n)
	c.JSON(status, gin.H{"status": msg})
}

func (s *Shop) handleNotify(ctx context.Context, n notification) (int, string) {
	if s.cfg.VerifyMode == VerifyModeRequery {
		if s.queue != nil {
			return s.enqueue(n, s.requeryNotify)
		}
		return s.requeryNotify(ctx, n)
	}
	if !s.faults.on(faultNotifyNoVerify) && !s.verified(ctx, n) {
		s.log.Warn("notification: signature_key does not verify", "order", n.OrderID)
		return http.StatusUnauthorized, "invalid signature_key"
	}
	if s.queue != nil {
		return s.enqueue(n, s.process)
	}
	return s.process(ctx, n)
}

// enqueue acknowledges a notification and leaves the work to the queue:
// the queue-based design, which books the payment a moment after the 200.
// A full queue answers 503, which Midtrans retries.
func (s *Shop) enqueue(n notification, work func(context.Context, notification) (int, string)) (int, string) {
	ok := s.queue.Add(func(ctx context.Context) error {
		if err := jobqueue.HTTPStatus(work(ctx, n)); err != nil {
			return fmt.Errorf("order %s: %w", n.OrderID, err)
		}
		return nil
	})
	if !ok {
		return http.StatusServiceUnavailable, "busy; retry"
	}
	return http.StatusOK, "queued"
}

// process applies an authenticated notification: find the order, check
// the money, then change state through the one exactly-once door.
func (s *Shop) process(ctx context.Context, n notification) (int, string) {
	if !orderIDPattern.MatchString(n.OrderID) {
		return http.StatusNotFound, "unknown order"
	}
	o, err := s.store.order(ctx, n.OrderID)
	if errors.Is(err, errNotFound) {
		return http.StatusNotFound, "unknown order"
	}
	if err != nil {
		s.log.Error("notification: load order", "err", err)
		return http.StatusInternalServerError, "try again" // Midtrans retries: nothing is lost
	}
	checkAmount := !s.faults.on(faultGrossAmountMismatch) && !s.faults.on(faultSignatureOwnOrder)
	if checkAmount && n.GrossAmount != formatGross(o.Amount) {
		s.log.Warn("notification: gross_amount differs from the order", "order", o.ID)
		return http.StatusBadRequest, "gross_amount does not match the order"
	}
	if s.faults.on(faultStatusCode200AsPaid) && n.StatusCode == "200" {
		return s.paidOn200(ctx, o)
	}
	refunds := n.Refunds
	if isRefundStatus(n.TransactionStatus) && len(refunds) == 0 {
		// Not every refund notification lists refunds[]: ask Midtrans which.
		ans, err := s.mt.status(ctx, o.ID)
		if err != nil || !ans.ok() {
			return http.StatusServiceUnavailable, "status query failed; retry" // Midtrans retries a 503
		}
		refunds = ans.Refunds
	}
	return s.apply(ctx, o, n.TransactionStatus, n.FraudStatus, refunds)
}

func (s *Shop) apply(ctx context.Context, o order, status, fraud string, refunds []refundEntry) (int, string) {
	if err := s.applyStatus(ctx, o, status, fraud, true); err != nil {
		if errors.Is(err, errUnhandledStatus) {
			return http.StatusBadRequest, err.Error()
		}
		s.log.Error("notification: apply", "order", o.ID, "err", err)
		return http.StatusInternalServerError, "try again"
	}
	if err := s.bookRefunds(ctx, o, status, refunds); err != nil {
		s.log.Error("notification: book refunds", "order", o.ID, "err", err)
		return http.StatusInternalServerError, "try again"
	}
	return http.StatusOK, "ok"
}

func isRefundStatus(status string) bool { return status == "refund" || status == "partial_refund" }

// bookRefunds books, once each, the shop's refunds that Midtrans reports
// done in a refund or partial_refund notification or status answer: those
// still 'sending' (answered 201 pending, or never answered) whose
// refund_key and amount match. Refunds the shop did not ask for (made in
// the dashboard) are left to a person.
func (s *Shop) bookRefunds(ctx context.Context, o order, status string, refunds []refundEntry) error {
	if !isRefundStatus(status) {
		return nil
	}
	for _, r := range refunds {
		amount, err := parseRupiah(r.RefundAmount)
		if err != nil || r.RefundKey == "" {
			continue
		}
		booked, err := s.store.settleRefund(ctx, o.ID, r.RefundKey, amount)
		if err != nil {
			return err
		}
		if booked {
			s.log.Info("refund booked as Midtrans reported it done", "order", o.ID, "refund_key", r.RefundKey)
		}
	}
	return nil
}

// requeryNotify trusts Midtrans' answer, never the notification's body:
// it asks the Get Status API about the transaction the notification names
// and applies that answer. Anyone can post a notification, so it is
// acknowledged with 200 whatever it says; a forged one changes nothing
// because Midtrans' answer does not confirm it.
func (s *Shop) requeryNotify(ctx context.Context, n notification) (int, string) {
	id := n.TransactionID
	if id == "" {
		id = n.OrderID
	}
	if !orderIDPattern.MatchString(id) {
		return http.StatusOK, "ignored: names no transaction"
	}
	ans, err := s.mt.status(ctx, id)
	switch {
	case err != nil || ans.serverError():
		return http.StatusServiceUnavailable, "status query failed; retry" // Midtrans retries a 503
	case ans.StatusCode == "404":
		return http.StatusOK, "ignored: Midtrans knows no such transaction yet"
	case !ans.ok() && ans.StatusCode != "407":
		return http.StatusOK, "ignored: Midtrans refused the status query"
	}
	o, err := s.store.order(ctx, ans.OrderID)
	if errors.Is(err, errNotFound) {
		return http.StatusOK, "ignored: not our order"
	}
	if err != nil {
		return http.StatusInternalServerError, "try again"
	}
	if ans.GrossAmount != formatGross(o.Amount) {
		s.log.Warn("status API: gross_amount differs from the order", "order", o.ID)
		return http.StatusOK, "ignored: gross_amount does not match the order"
	}
	return s.apply(ctx, o, ans.TransactionStatus, ans.FraudStatus, ans.Refunds)
}

// paidOn200 is the status-code-200-as-paid fault: any status_code 200 is a
// payment unless the order already reads paid.
func (s *Shop) paidOn200(ctx context.Context, o order) (int, string) {
	if o.Status == "paid" {
		return http.StatusOK, "ok"
	}
	if err := s.store.fulfilUnguarded(ctx, o.ID); err != nil {
		return http.StatusInternalServerError, "try again"
	}
	s.announce(ctx, o)
	return http.StatusOK, "ok"
}

// verified recomputes signature_key from the strings exactly as
// received; the faults below each skip or bend a part of that.
func (s *Shop) verified(ctx context.Context, n notification) bool {
	switch {
	case s.faults.on(faultUnsignedAccepted) && n.SignatureKey == "":
		return true
	case s.faults.on(faultTrustSeenSignature) && s.seenSignature(n.SignatureKey, false):
		return true
	}
	gross := n.GrossAmount
	if s.faults.on(faultSignatureOwnAmount) {
		if v, err := parseRupiah(gross); err == nil {
			gross = strconv.FormatInt(v, 10)
		}
	}
	if s.faults.on(faultSignatureOwnOrder) {
		o, err := s.store.order(ctx, n.OrderID)
		if err != nil {
			return false
		}
		gross = formatGross(o.Amount)
	}
	ok := validSignature(n.SignatureKey, signatureKey(n.OrderID, n.StatusCode, gross, s.cfg.ServerKey))
	if ok && s.faults.on(faultTrustSeenSignature) {
		s.seenSignature(n.SignatureKey, true)
	}
	return ok
}

// seenSignature is the trust-seen-signature fault's cache of verified
// signature_keys: it reports whether sig is in it, adding it when add.
func (s *Shop) seenSignature(sig string, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.verifiedSigs == nil {
			s.verifiedSigs = map[string]bool{}
		}
		s.verifiedSigs[sig] = true
	}
	return sig != "" && s.verifiedSigs[sig]
}

// formatGross is Midtrans' gross_amount for a whole-rupiah amount.
func formatGross(rupiah int64) string { return strconv.FormatInt(rupiah, 10) + ".00" }

var errUnhandledStatus = errors.New("unhandled transaction_status")

// applyStatus acts on a verified transaction_status, from a notification
// or a status query. Paid is settlement, or capture accepted by fraud
// detection; cancel, expire and failure close a pending order and never
// touch a paid one; deny leaves it open for another try in the same Snap
// session; pending, a challenged capture and refund news change nothing
// here.
func (s *Shop) applyStatus(ctx context.Context, o order, status, fraud string, fromNotify bool) error {
	if s.faults.on(faultNotifyRejectsExpire) && status != "settlement" && status != "capture" && status != "pending" {
		return errUnhandledStatus
	}
	if s.faults.on(faultOutOfOrderRegresses) {
		if final, ok := regressStatus[status]; ok {
			return s.store.setStatus(ctx, o.ID, final)
		}
	}
	switch status {
	case "settlement":
		return s.paid(ctx, o, fromNotify)
	case "capture":
		if fraud == "accept" || fraud == "" || s.faults.on(faultChallengeAsPaid) {
			return s.paid(ctx, o, fromNotify)
		}
		return nil // challenge: wait for Midtrans' decision
	case "pending":
		if s.faults.on(faultSettlementOnPending) {
			return s.paid(ctx, o, fromNotify)
		}
		return nil
	case "deny":
		// Snap keeps the session open after a deny: the shopper may try
		// another card or method on the same order_id, so the order stays
		// pending until it settles or expires.
		if s.faults.on(faultDenyClosesOrder) {
			_, err := s.store.closePending(ctx, o.ID, "failed")
			return err
		}
		return nil
	case "failure":
		_, err := s.store.closePending(ctx, o.ID, "failed")
		return err
	case "cancel":
		_, err := s.store.closePending(ctx, o.ID, "cancelled")
		return err
	case "expire":
		_, err := s.store.closePending(ctx, o.ID, "expired")
		return err
	}
	return nil // refund, partial_refund: booked by bookRefunds; chargeback, authorize: left to a person
}

// regressStatus is the out-of-order-regresses fault's naive mapping.
var regressStatus = map[string]string{"pending": "pending", "deny": "failed", "cancel": "cancelled", "expire": "expired"}

func (s *Shop) paid(ctx context.Context, o order, fromNotify bool) error {
	if fromNotify && s.faults.on(faultNotifyReopensOrder) && o.Status != "paid" && o.Status != "pending" {
		if err := s.store.fulfilUnguarded(ctx, o.ID); err != nil {
			return err
		}
		s.announce(ctx, o)
		return nil
	}
	if fromNotify && s.faults.on(faultCheckThenAct) {
		return s.paidCheckThenAct(ctx, o.ID)
	}
	if fromNotify && s.faults.on(faultNotifyDoubleFulfil) {
		if err := s.store.fulfilUnguarded(ctx, o.ID); err != nil {
			return err
		}
		s.announce(ctx, o)
		return nil
	}
	return s.applyPaid(ctx, o)
}

// paidCheckThenAct is the fulfil-check-then-act fault: the order is read,
// the fulfilment work done, then the order is written, with nothing in the
// database stopping a second writer that read it pending too.
func (s *Shop) paidCheckThenAct(ctx context.Context, id string) error {
	o, err := s.store.order(ctx, id)
	if err != nil || o.Status != "pending" {
		return err
	}
	time.Sleep(checkThenActWork) // the work between the check and the act
	if err := s.store.fulfilUnguarded(ctx, id); err != nil {
		return err
	}
	s.announce(ctx, o)
	return nil
}

// applyPaid is the one door through which an order becomes paid and is
// fulfilled. The database decides who gets through.
func (s *Shop) applyPaid(ctx context.Context, o order) error {
	fulfilled, err := s.store.markPaid(ctx, o.ID)
	if err != nil {
		return err
	}
	switch {
	case fulfilled:
		s.announce(ctx, o)
	case o.Status == "cancelled" || o.Status == "expired" || o.Status == "failed":
		// Midtrans says paid, the shop had given up: a person must refund or ship.
		s.log.Warn("payment reported for a closed order", "order", o.ID, "status", o.Status)
	}
	return nil
}

// announce tells the warehouse to ship. It runs after the commit, so a
// crash in between loses an announcement, never a payment.
func (s *Shop) announce(ctx context.Context, o order) {
	if s.cfg.FulfilmentWebhook == "" {
		return
	}
	body, _ := json.Marshal(map[string]string{"event": "order.fulfilled", "order_id": o.ID, "amount": strconv.FormatInt(o.Amount, 10)})
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.FulfilmentWebhook, bytes.NewReader(body))
	if err != nil {
		s.log.Error("fulfilment webhook: bad URL", "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		s.log.Error("fulfilment webhook failed", "order", o.ID, "err", err)
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxGatewayAnswer))
	resp.Body.Close()
}

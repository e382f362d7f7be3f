package purwantarashop

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

const (
	// maxWebhookBody bounds what the shop reads before it knows who is
	// talking: a real webhook is under a kilobyte.
	maxWebhookBody = 64 << 10
	// fulfilmentTimeout keeps a slow warehouse from holding the webhook.
	fulfilmentTimeout = 3 * time.Second
)

// payload is the part of a Purwantara webhook the shop acts on.
type payload struct {
	UUID       string `json:"uuid"`
	Status     string `json:"status"`
	Amount     string `json:"amount"`
	ExternalID string `json:"external_id"`
}

// webhook handles Purwantara's webhook. Order matters: authenticate the raw
// bytes, then parse, then find the order and check it is the same
// transaction and amount, and only then change state through the same
// exactly-once path as everything else. Every authentic webhook for a
// known order gets a 2xx, handled before or not.
func (s *Shop) webhook(c *gin.Context) {
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxWebhookBody))
	code, msg := http.StatusBadRequest, "unreadable body"
	if err == nil {
		code, msg = s.handleWebhook(c.Request.Context(), c.Request.Header, raw)
	}
	c.JSON(code, gin.H{"success": code == http.StatusOK, "message": msg})
}

func (s *Shop) handleWebhook(ctx context.Context, h http.Header, raw []byte) (int, string) {
	if !s.faults.on(faultWebhookNoVerify) && !s.authentic(h.Get("Signature"), raw) {
		s.log.Warn("webhook: signature does not verify")
		return http.StatusUnauthorized, "invalid signature"
	}
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil {
		return http.StatusBadRequest, "payload is not JSON"
	}
	o, err := s.store.order(ctx, p.ExternalID)
	if !orderIDPattern.MatchString(p.ExternalID) {
		err = errNotFound
	}
	if errors.Is(err, errNotFound) && s.faults.on(faultMatchByAmount) {
		// the bug: someone paid this amount, so it must be our newest order
		if amount, perr := parsePPNAmount(p.Amount); perr == nil {
			if o, err = s.store.newestPendingWithAmount(ctx, amount); err == nil {
				return s.book(ctx, o, p, h.Get("X-PPN-Delivery"))
			}
		}
	}
	if errors.Is(err, errNotFound) {
		return http.StatusNotFound, "unknown order"
	}
	if err != nil {
		s.log.Error("webhook: load order", "err", err)
		return http.StatusInternalServerError, "try again" // Purwantara retries: nothing is lost
	}
	switch {
	case o.UUID != "" && p.UUID != o.UUID:
		return http.StatusBadRequest, "webhook for another transaction"
	case o.UUID == "" && p.UUID != "":
		// The webhook beat the create answer; it is authentic, so its uuid is.
		s.logErr(s.store.setUUID(ctx, o.ID, p.UUID), "webhook: record uuid")
	}
	return s.book(ctx, o, p, h.Get("X-PPN-Delivery"))
}

// book applies an authentic webhook for o: within the request, or, in
// queue mode, once its answer is known (the amount and status checks a
// refusal depends on), from the queue a moment after the 200. The worker
// re-reads the order and goes through the same exactly-once door, so a
// webhook for an order cancelled meanwhile ships nothing. A full queue
// answers 503, which Purwantara retries.
func (s *Shop) book(ctx context.Context, o order, p payload, deliveryID string) (int, string) {
	if s.queue == nil {
		return s.deduplicated(ctx, o, p, deliveryID)
	}
	if code, msg, ok := s.acceptable(o, p.Status, p.Amount); !ok {
		return code, msg
	}
	id := o.ID
	queued := s.queue.Add(func(ctx context.Context) error {
		o, err := s.store.order(ctx, id)
		if errors.Is(err, errNotFound) {
			return jobqueue.Permanent(fmt.Errorf("order %s: %w", id, err))
		}
		if err != nil {
			return fmt.Errorf("order %s: load: %w", id, err)
		}
		if err := jobqueue.HTTPStatus(s.deduplicated(ctx, o, p, deliveryID)); err != nil {
			return fmt.Errorf("order %s: %w", id, err)
		}
		return nil
	})
	if !queued {
		return http.StatusServiceUnavailable, "busy; retry"
	}
	return http.StatusOK, "queued"
}

// acceptable is apply's refusals, checked before a webhook is queued: an
// amount that is not the order's, and a status the shop does not know.
func (s *Shop) acceptable(o order, status, amount string) (int, string, bool) {
	if got, err := parsePPNAmount(amount); (err != nil || got != o.Amount) && !s.faults.on(faultTrustSignedAmount) {
		s.log.Warn("amount differs from the order", "order", o.ID)
		return http.StatusBadRequest, "amount " + strconv.Quote(amount) + " is not the order's", false
	}
	switch {
	case status == "FAILED" && s.faults.on(faultFailedUnhandled),
		status != "ACTIVE" && status != "PAID" && status != "FAILED" && status != "EXPIRED" && status != "CANCELLED":
		return http.StatusBadRequest, "unknown status " + strconv.Quote(status), false
	}
	return 0, "", true
}

// authentic is verify, except under the faults that skip it: a missing
// header, or a Signature remembered from an earlier webhook.
func (s *Shop) authentic(signature string, raw []byte) bool {
	if signature == "" && s.faults.on(faultUnsignedAccepted) {
		return true // the bug: no signature read as nothing to check
	}
	key := ""
	switch {
	case s.faults.on(faultSignatureCache):
		key = signature
	case s.faults.on(faultSignaturePerTx):
		var p payload
		if json.Unmarshal(raw, &p) == nil && p.UUID != "" {
			key = p.UUID + "\x00" + signature
		}
	}
	if key != "" {
		s.sigMu.Lock()
		seen := s.sigCache[key]
		s.sigMu.Unlock()
		if seen {
			return true // the bug: a Signature seen before, its body never hashed
		}
	}
	if !s.verify(signature, raw) {
		return false
	}
	if key != "" {
		s.sigMu.Lock()
		s.sigCache[key] = true
		s.sigMu.Unlock()
	}
	return true
}

// verify checks Signature: lowercase hex HMAC-SHA256 of the raw body with
// the team secret, compared in constant time.
func (s *Shop) verify(signature string, raw []byte) bool {
	msg := raw
	if s.faults.on(faultVerifyReencodedJSON) {
		var v any
		if json.Unmarshal(raw, &v) == nil {
			msg, _ = json.Marshal(v) // the bug: Go's bytes are not Purwantara's
		}
	}
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, []byte(s.cfg.WebhookSecret))
	m.Write(msg)
	return hmac.Equal(got, m.Sum(nil))
}

// deduplicated skips a delivery id already handled, applies the webhook
// otherwise, and logs the id once it took effect. The log is a courtesy:
// exactly-once fulfilment is the database's job, because the same event
// can come again under a new delivery id.
func (s *Shop) deduplicated(ctx context.Context, o order, p payload, deliveryID string) (int, string) {
	if deliveryID != "" && s.faults.on(faultDedupeByDeliveryOnly) {
		first, err := s.store.claimDelivery(ctx, deliveryID, o.ID, p.Status)
		if err != nil {
			return http.StatusInternalServerError, "try again"
		}
		if !first {
			return http.StatusOK, "already handled"
		}
		return s.apply(ctx, o, p.Status, p.Amount)
	}
	if deliveryID != "" && !s.faults.on(faultDoubleFulfil) {
		seen, err := s.store.deliverySeen(ctx, deliveryID)
		if err != nil {
			return http.StatusInternalServerError, "try again"
		}
		if seen {
			return http.StatusOK, "already handled"
		}
	}
	code, msg := s.apply(ctx, o, p.Status, p.Amount)
	if code == http.StatusOK && deliveryID != "" {
		s.logErr(s.store.logDelivery(ctx, deliveryID, o.ID, p.Status), "webhook: log delivery")
	}
	return code, msg
}

// apply acts on an authentic status for o (from a webhook or an inquiry).
func (s *Shop) apply(ctx context.Context, o order, status, amount string) (int, string) {
	if got, err := parsePPNAmount(amount); (err != nil || got != o.Amount) && !s.faults.on(faultTrustSignedAmount) {
		s.log.Warn("amount differs from the order", "order", o.ID)
		return http.StatusBadRequest, "amount " + strconv.Quote(amount) + " is not the order's"
	}
	var err error
	switch status {
	case "ACTIVE":
		if s.faults.on(faultStatusFromWebhook) {
			err = s.store.setStatus(ctx, o.ID, "pending") // the bug: the newest webhook is not the newest news
			break
		}
		if s.faults.on(faultActiveReopens) && o.Status != "pending" && o.Status != "paid" {
			err = s.store.setStatus(ctx, o.ID, "pending") // the bug: ACTIVE read as "Purwantara reopened it"
			break
		}
		return http.StatusOK, "noted"
	case "PAID":
		err = s.paid(ctx, o)
	case "FAILED":
		if s.faults.on(faultFailedUnhandled) {
			return http.StatusBadRequest, "unknown status " + strconv.Quote(status) // the bug
		}
		_, err = s.store.closePending(ctx, o.ID, "failed")
	case "EXPIRED", "CANCELLED":
		if s.faults.on(faultExpiredAsPaid) {
			err = s.paid(ctx, o) // the bug: "not pending any more" read as "paid"
		} else {
			_, err = s.store.closePending(ctx, o.ID, strings.ToLower(status))
		}
	default:
		return http.StatusBadRequest, "unknown status " + strconv.Quote(status)
	}
	if err != nil {
		s.log.Error("apply status", "order", o.ID, "err", err)
		return http.StatusInternalServerError, "try again"
	}
	return http.StatusOK, "ok"
}

// paid is the one door through which an order becomes paid and is
// fulfilled. The database decides who gets through.
func (s *Shop) paid(ctx context.Context, o order) error {
	if s.faults.on(faultCheckThenAct) {
		// the bug: o was read when the webhook arrived; a copy handled at
		// the same time read it too
		if o.Status != "pending" {
			return nil
		}
		time.Sleep(checkThenActWork) // the work between the check and the act
		s.announce(ctx, o)
		return s.store.fulfilUnguarded(ctx, o.ID)
	}
	if s.faults.on(faultDoubleFulfil) || s.faults.on(faultDedupeByDeliveryOnly) {
		if err := s.store.fulfilUnguarded(ctx, o.ID); err != nil {
			return err
		}
		s.announce(ctx, o)
		return nil
	}
	fulfilled, err := s.store.markPaid(ctx, o.ID)
	if err != nil {
		return err
	}
	if fulfilled {
		s.announce(ctx, o)
	} else if o.Status != "pending" && o.Status != "paid" {
		// Purwantara says paid, the shop had given up: a person must act.
		s.log.Warn("payment reported for a closed order", "order", o.ID, "status", o.Status)
	}
	return nil
}

// announce tells the warehouse to ship, after the commit.
func (s *Shop) announce(ctx context.Context, o order) {
	if s.cfg.FulfilmentWebhook == "" {
		return
	}
	body, _ := json.Marshal(map[string]string{"event": "order.fulfilled", "order_id": o.ID,
		"amount": strconv.FormatInt(o.Amount, 10)})
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fulfilmentTimeout)
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

package shop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

const (
	// maxNotifyBody bounds what the shop reads before it knows who is
	// talking: a real Finish Notify is about one kilobyte.
	maxNotifyBody = 64 << 10
	// notifySkew is how far X-TIMESTAMP may be from the shop's clock. It
	// limits how long a captured notify can be replayed.
	notifySkew = 5 * time.Minute
	// webhookTimeout keeps a slow warehouse from eating DANA's 8 s budget.
	webhookTimeout = 3 * time.Second
)

// notifyBody is the part of Finish Notify (§1.12) the shop acts on.
type notifyBody struct {
	OriginalPartnerReferenceNo string `json:"originalPartnerReferenceNo"`
	OriginalReferenceNo        string `json:"originalReferenceNo"`
	MerchantID                 string `json:"merchantId"`
	Amount                     *money `json:"amount"`
	LatestTransactionStatus    string `json:"latestTransactionStatus"`
	FinishedTime               string `json:"finishedTime"` // read only by the notify-refuses-early-close fault
}

// snapAnswer is a SNAP-style reply: HTTP status plus responseCode/Message.
type snapAnswer struct {
	status        int
	code, message string
}

var (
	ackOK        = snapAnswer{http.StatusOK, "2005600", "Successful"}
	ackWrong     = snapAnswer{http.StatusOK, "200", "OK"} // the notify-wrong-ack fault
	unauthorized = snapAnswer{http.StatusUnauthorized, "4015600", "Unauthorized. Invalid Signature"}
	notFound     = snapAnswer{http.StatusNotFound, "4045601", "Transaction Not Found"}
	serverError  = snapAnswer{http.StatusInternalServerError, "5005601", "Internal Server Error"}
)

func badFormat(field string) snapAnswer {
	return snapAnswer{http.StatusBadRequest, "4005601", "Invalid Field Format " + field}
}

func missingField(field string) snapAnswer {
	return snapAnswer{http.StatusBadRequest, "4005602", "Invalid Mandatory Field " + field}
}

// notify handles DANA's Finish Notify. Order matters: authenticate the raw
// bytes first, then parse, then find the order and check the money, and
// only then change state, through the same exactly-once path as everything
// else. Handled and already-handled notifies get the same 2005600: DANA
// retries until it sees it, so a duplicate must be acknowledged, not refused.
func (s *Shop) notify(c *gin.Context) {
	// Read the RAW bytes: the signature covers them, and re-encoding a
	// parsed struct can reorder keys or change escapes.
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxNotifyBody))
	ans := badFormat("body")
	if err == nil {
		ans = s.handleNotify(c.Request.Context(), c.Request.Header, raw)
	}
	if ans == ackOK && s.faults.on(faultNotifyWrongAck) {
		ans = ackWrong
	}
	c.JSON(ans.status, gin.H{"responseCode": ans.code, "responseMessage": ans.message})
}

func (s *Shop) handleNotify(ctx context.Context, h http.Header, raw []byte) snapAnswer {
	trusting := s.faults.on(faultNotifyTrustsPayload)
	if !s.faults.on(faultNotifyNoVerify) && !trusting {
		if ans, ok := s.verifyNotify(h, raw); !ok {
			return ans
		}
	}
	var n notifyBody
	if err := json.Unmarshal(raw, &n); err != nil {
		return badFormat("body")
	}
	if n.OriginalPartnerReferenceNo == "" {
		return missingField("originalPartnerReferenceNo")
	}
	if n.MerchantID != "" && n.MerchantID != s.cfg.MerchantID {
		return badFormat("merchantId")
	}
	if !orderIDPattern.MatchString(n.OriginalPartnerReferenceNo) {
		return notFound
	}
	o, err := s.store.order(ctx, n.OriginalPartnerReferenceNo)
	if errors.Is(err, errNotFound) {
		return notFound
	}
	if err != nil {
		s.log.Error("notify: load order", "err", err)
		return serverError // a 5xx makes DANA retry later: nothing is lost
	}
	checkAmount := !s.faults.on(faultNotifyIgnoresAmount) && !trusting
	if checkAmount && (n.Amount == nil || sameAmount(*n.Amount, o.Amount) != nil) {
		s.log.Warn("notify: amount differs from the order", "order", o.ID)
		return badFormat("amount")
	}
	if n.LatestTransactionStatus == "05" && s.faults.on(faultNotifyRefusesEarly05) && s.closedEarly(ctx, o, n.FinishedTime) {
		// The fault: "05 is the Expired Notify", so a close before the
		// order could expire is taken for a mistake and refused.
		return badFormat("latestTransactionStatus")
	}
	return s.applyNotify(ctx, o, n.LatestTransactionStatus)
}

// closedEarly is the notify-refuses-early-close fault's test: the notify
// says the order closed well before its validUpTo.
func (s *Shop) closedEarly(ctx context.Context, o order, finished string) bool {
	t, err := parseTimestamp(finished)
	created, cerr := s.store.createdAt(ctx, o.ID)
	return err == nil && cerr == nil && t.Before(created.Add(orderValidity-notifySkew))
}

// verifyNotify checks X-TIMESTAMP (format and freshness, unless
// VerifyLikeSDK) and X-SIGNATURE over
// POST:/v1.0/debit/notify:<sha256(minified body)>:<X-TIMESTAMP>.
func (s *Shop) verifyNotify(h http.Header, raw []byte) (snapAnswer, bool) {
	ts, sig := h.Get("X-TIMESTAMP"), h.Get("X-SIGNATURE")
	switch {
	case ts == "":
		return missingField("X-TIMESTAMP"), false
	case sig == "" && s.faults.on(faultNotifyUnsigned):
		return snapAnswer{}, true // the fault: "no signature to check" passes as checked
	case sig == "":
		return missingField("X-SIGNATURE"), false
	}
	if !s.cfg.VerifyLikeSDK {
		t, err := parseTimestamp(ts)
		if err != nil {
			return badFormat("X-TIMESTAMP"), false
		}
		if d := s.cfg.Now().Sub(t); d > notifySkew || d < -notifySkew {
			s.log.Warn("notify: stale X-TIMESTAMP", "skew", d.String())
			return unauthorized, false
		}
	}
	memo := s.faults.on(faultSignatureMemo)
	if _, seen := s.verifiedSigs.Load(sig); memo && seen {
		return snapAnswer{}, true // the fault: "this signature verified before"
	}
	msg, err := stringToSign(http.MethodPost, notifyPath, raw, ts)
	if err != nil {
		return badFormat("body"), false
	}
	if err := verifySignature(s.gatewayKey, msg, sig); err != nil {
		s.log.Warn("notify: signature does not verify")
		return unauthorized, false
	}
	if memo {
		s.verifiedSigs.Store(sig, true)
	}
	return snapAnswer{}, true
}

// applyNotify acts on a verified notify for a known order with the right amount.
func (s *Shop) applyNotify(ctx context.Context, o order, status string) snapAnswer {
	if s.iseAmount != 0 && o.Amount == s.iseAmount {
		first, err := s.store.claimISE(ctx, o.ID)
		if err == nil && first && status == "00" && s.faults.on(faultNotifyFulfilThenFail) {
			// The fault: the goods go out before the error answer, and the
			// order is not marked paid, so the retry ships them again.
			if err = s.store.addFulfilment(ctx, o.ID, "notify-"+randomHex(8)); err == nil {
				s.announce(ctx, o)
			}
		}
		if err != nil || first {
			return serverError // sandbox convention: the first one fails, untouched
		}
	}
	if status != "00" && status != "05" {
		return badFormat("latestTransactionStatus")
	}
	if s.queue != nil {
		return s.enqueue(o.ID, status)
	}
	if err := s.book(ctx, o, status); err != nil {
		s.log.Error("notify: apply", "order", o.ID, "err", err)
		return serverError
	}
	return ackOK
}

// book changes state for a checked notify: 00 pays (and fulfils once), 05
// closes a still-pending order.
func (s *Shop) book(ctx context.Context, o order, status string) error {
	if status == "00" || s.faults.on(faultNotifyExpiredAsPaid) {
		return s.notifyPaid(ctx, o)
	}
	_, err := s.store.closePending(ctx, o.ID, "expired")
	return err
}

// enqueue acknowledges a checked notify and leaves the booking to the
// queue: the queue-based design, which books the payment a moment after
// DANA got its 2005600. The worker re-reads the order, so a notify for an
// order cancelled meanwhile ships nothing (the exactly-once door only
// opens from pending). A full queue answers 5005601, which DANA retries.
func (s *Shop) enqueue(id, status string) snapAnswer {
	ok := s.queue.Add(func(ctx context.Context) error {
		o, err := s.store.order(ctx, id)
		if errors.Is(err, errNotFound) {
			return jobqueue.Permanent(fmt.Errorf("order %s: %w", id, err))
		}
		if err == nil {
			err = s.book(ctx, o, status)
		}
		if err != nil {
			return fmt.Errorf("order %s: %w", id, err)
		}
		return nil
	})
	if !ok {
		return serverError
	}
	return ackOK
}

func (s *Shop) notifyPaid(ctx context.Context, o order) error {
	switch {
	case s.faults.on(faultCheckThenAct):
		// The fault: o was read when the notify arrived; a copy handled at
		// the same moment read it too, and both act on what they read.
		if o.Status != "pending" {
			return nil
		}
		time.Sleep(checkThenActWork) // the work between the check and the act
		if err := s.store.fulfilUnguarded(ctx, o.ID); err != nil {
			return err
		}
		s.announce(ctx, o)
		return nil
	case s.faults.on(faultNotifyReopensOrder):
		reopened, err := s.store.markPaidUnlessPaid(ctx, o.ID)
		if err == nil && reopened {
			s.announce(ctx, o)
		}
		return err
	case !s.faults.on(faultNotifyDoubleFulfil):
		return s.applyPaid(ctx, o)
	}
	if err := s.store.fulfilUnguarded(ctx, o.ID); err != nil {
		return err
	}
	s.announce(ctx, o)
	return nil
}

// applyPaid is the one door through which an order becomes paid and is
// fulfilled. The database decides who gets through; everyone else learns
// the order was already handled, which is not an error.
func (s *Shop) applyPaid(ctx context.Context, o order) error {
	fulfilled, err := s.store.markPaid(ctx, o.ID)
	if err != nil {
		return err
	}
	switch {
	case fulfilled:
		s.announce(ctx, o)
	case o.Status == "cancelled" || o.Status == "expired":
		// DANA says paid, the shop had given up: a person must refund or ship.
		s.log.Warn("payment reported for a closed order", "order", o.ID, "status", o.Status)
	}
	return nil
}

// announce tells the warehouse to ship. It runs after the commit, so a
// crash in between loses an announcement, never a payment; a production
// shop would write an outbox row in the same transaction and deliver it
// from a worker.
func (s *Shop) announce(ctx context.Context, o order) {
	if s.cfg.FulfilmentWebhook == "" {
		return
	}
	body, _ := json.Marshal(struct {
		Event   string `json:"event"`
		OrderID string `json:"order_id"`
		Amount  string `json:"amount"`
	}{"order.fulfilled", o.ID, formatAmount(o.Amount)})
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
	if resp.StatusCode >= 300 {
		s.log.Error("fulfilment webhook refused", "order", o.ID, "status", resp.StatusCode)
	}
}

// parseTimestamp accepts exactly YYYY-MM-DDTHH:mm:ss+07:00 and nothing
// looser: the round trip rejects one-digit hours and other lenient parses.
func parseTimestamp(s string) (time.Time, error) {
	t, err := time.ParseInLocation(timestampLayout, s, jakarta)
	if err != nil || len(s) != len(timestampLayout) || t.Format(timestampLayout) != s {
		return time.Time{}, fmt.Errorf("X-TIMESTAMP %q is not YYYY-MM-DDTHH:mm:ss+07:00", s)
	}
	return t, nil
}

// sameAmount checks value and currency against the order's amount in sen.
func sameAmount(m money, sen int64) error {
	got, err := parseDanaAmount(m.Value)
	if err != nil || m.Currency != "IDR" || got != sen {
		return fmt.Errorf("DANA reports %s %s, the order is IDR %s", m.Value, m.Currency, formatAmount(sen))
	}
	return nil
}

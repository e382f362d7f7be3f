package danawidgetshop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

func parseCents(v string) (int64, bool) {
	whole, frac, ok := strings.Cut(v, ".")
	if !ok || len(frac) != 2 {
		return 0, false
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	return n, err == nil && n > 0
}

func money(c int64) map[string]string {
	return map[string]string{"value": fmt.Sprintf("%d.%02d", c/100, c%100), "currency": "IDR"}
}

// checkout pays from the bound account: Apply OTT, Widget Payment, then
// the complete payment URL (webRedirectUrl + ott) for the shopper.
func (s *Shop) checkout(w http.ResponseWriter, r *http.Request) {
	var in struct{ User, Amount string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(w, http.StatusBadRequest, "want {user, amount}")
		return
	}
	cents, ok := parseCents(in.Amount)
	if !ok {
		fail(w, http.StatusBadRequest, "amount must look like 15000.00")
		return
	}
	ott, status, err := s.ott(in.User)
	if err != nil {
		fail(w, status, err.Error())
		return
	}
	s.mu.Lock()
	s.seq++
	o := &order{ID: fmt.Sprintf("DW%d%04d", time.Now().UnixNano()%1e9, s.seq), User: in.User, Status: "pending", AmountCents: cents}
	s.orders[o.ID] = o
	s.mu.Unlock()
	base := s.publicURL()
	body := func(ref string) map[string]any {
		return map[string]any{"partnerReferenceNo": ref, "merchantId": s.cfg.MerchantID, "amount": money(cents),
			"validUpTo": timestamp(time.Now().Add(25 * time.Minute)),
			"additionalInfo": map[string]any{"productCode": "51051000100000000001", "mcc": "5732",
				"order":   map[string]any{"orderTitle": "Order " + o.ID},
				"envInfo": map[string]any{"sourcePlatform": "IPG", "terminalType": "SYSTEM", "orderTerminalType": "WEB"}},
			"urlParams": []any{
				map[string]string{"url": base + "/return/" + o.ID, "type": "PAY_RETURN", "isDeeplink": "N"},
				map[string]string{"url": base + "/dana/notify", "type": "NOTIFICATION", "isDeeplink": "N"}}}
	}
	req := body(o.ID)
	a, err := s.call(pathPayment, req, false, "")
	if err != nil || strings.HasPrefix(a.code, "5") {
		if s.fault["new-reference-on-retry"] {
			req = body(o.ID + "-2")
		}
		a, err = s.call(pathPayment, req, false, "")
	}
	if err != nil || a.code != "2005400" {
		s.setStatus(o.ID, "failed")
		fail(w, http.StatusBadGateway, fmt.Sprintf("DANA refused the payment: %s %s %v", a.code, a.message, err))
		return
	}
	u, err := url.Parse(a.str("webRedirectUrl"))
	if err != nil {
		fail(w, http.StatusBadGateway, "DANA gave no webRedirectUrl")
		return
	}
	q := u.Query()
	q.Set("ott", ott)
	u.RawQuery = q.Encode()
	writeJSON(w, http.StatusOK, map[string]string{"order_id": o.ID, "payment_url": u.String()})
}

// ott applies a fresh OTT for the user (the reuse-ott fault caches one).
func (s *Shop) ott(user string) (string, int, error) {
	if s.fault["reuse-ott"] {
		if b, ok := s.bindingOf(user); ok && b.ott != "" {
			return b.ott, 0, nil
		}
	}
	a, status, err := s.withToken(user, func(t string) (answer, error) {
		return s.call(pathApplyOTT, map[string]any{"userResources": []string{"OTT"}, "additionalInfo": tokenInfo(t)}, false, t)
	})
	if err != nil {
		return "", status, err
	}
	res, _ := a.body["userResources"].([]any)
	if len(res) == 0 {
		return "", http.StatusBadGateway, fmt.Errorf("Apply OTT returned no OTT")
	}
	v, _ := res[0].(map[string]any)["value"].(string)
	s.mu.Lock()
	if b := s.users[user]; b != nil {
		b.ott = v
	}
	s.mu.Unlock()
	return v, 0, nil
}

func (s *Shop) setStatus(id, st string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orders[id]; o != nil {
		o.Status = st
	}
}

func (s *Shop) get(id string) (order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id]
	if o == nil {
		return order{}, false
	}
	return *o, true
}

func (s *Shop) orderStatus(w http.ResponseWriter, r *http.Request) {
	o, ok := s.get(r.PathValue("id"))
	if !ok {
		fail(w, http.StatusNotFound, "no such order")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"order_id": o.ID, "status": o.Status, "fulfilments": o.Fulfilments,
		"refunded": fmt.Sprintf("%d.%02d", o.RefundedCents/100, o.RefundedCents%100)})
}

// markPaid moves a pending order to paid and fulfils it, once.
func (s *Shop) markPaid(id string) {
	if s.fault["fulfil-check-then-act"] {
		// the bug: the check and the act are apart, so concurrent
		// notifies all pass the check
		if o, ok := s.get(id); !ok || o.Status != "pending" {
			return
		}
		time.Sleep(checkThenActWork)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.orders[id].Status = "paid"
		s.orders[id].Fulfilments++
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id]
	if o == nil {
		return
	}
	if s.fault["ship-queue-ignores-cancel"] {
		if o.Status == "pending" {
			o.Status = "paid"
		}
		// the bug: the shipment is queued whatever the order's state, and
		// the queue does not read it again
		if !o.queued {
			o.queued = true
			time.AfterFunc(shipQueueDelay, func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				o.Fulfilments++
			})
		}
		return
	}
	if o.Status == "pending" || (s.fault["notify-double-fulfil"] && o.Status == "paid") ||
		(s.fault["paid-after-cancel"] && o.Status == "cancelled") ||
		(s.fault["notify-pays-unless-paid"] && o.Status != "paid") {
		o.Status = "paid"
		o.Fulfilments++
	}
}

func (s *Shop) cancel(w http.ResponseWriter, r *http.Request) {
	o, ok := s.get(r.PathValue("id"))
	if !ok {
		fail(w, http.StatusNotFound, "no such order")
		return
	}
	if !s.fault["cancel-local-only"] {
		a, err := s.call(pathCancel, map[string]any{"originalPartnerReferenceNo": o.ID, "merchantId": s.cfg.MerchantID, "reason": "cancelled by the shop"}, false, "")
		if (err != nil || a.code != "2005700") && !s.fault["cancel-ignores-gateway-error"] {
			fail(w, http.StatusConflict, fmt.Sprintf("DANA refused the cancel: %s %s", a.code, a.message))
			return
		}
	}
	s.setStatus(o.ID, "cancelled")
	writeJSON(w, http.StatusOK, map[string]string{"status": "cancelled"})
}

func (s *Shop) refund(w http.ResponseWriter, r *http.Request) {
	var in struct{ Amount string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	cents, ok := parseCents(in.Amount)
	id := r.PathValue("id")
	s.mu.Lock()
	o := s.orders[id]
	if o == nil || !ok {
		s.mu.Unlock()
		fail(w, http.StatusBadRequest, "unknown order or bad amount")
		return
	}
	if o.Status != "paid" && o.Status != "refunded" && o.Status != "partially_refunded" {
		s.mu.Unlock()
		fail(w, http.StatusConflict, "only paid orders can be refunded")
		return
	}
	if o.RefundedCents+cents > o.AmountCents && !s.fault["over-refund"] {
		s.mu.Unlock()
		fail(w, http.StatusUnprocessableEntity, "the refund exceeds what is left to refund")
		return
	}
	o.refunds++
	refNo := fmt.Sprintf("%s-R%d", id, o.refunds)
	s.mu.Unlock()
	body := func(no string) map[string]any {
		return map[string]any{"merchantId": s.cfg.MerchantID, "originalPartnerReferenceNo": id, "partnerRefundNo": no,
			"refundAmount": money(cents), "reason": "refund by the shop", "additionalInfo": map[string]any{"envInfo": map[string]any{}}}
	}
	a, err := s.call(pathRefund, body(refNo), false, "")
	if err != nil || strings.HasPrefix(a.code, "5") {
		if s.fault["refund-new-reference-on-retry"] {
			refNo += "-retry"
		}
		a, err = s.call(pathRefund, body(refNo), false, "")
	}
	if (err != nil || a.code != "2005800") && !s.fault["over-refund"] && !s.fault["refund-ignores-gateway-error"] {
		fail(w, http.StatusBadGateway, fmt.Sprintf("DANA refused the refund: %s %s", a.code, a.message))
		return
	}
	s.mu.Lock()
	if s.fault["refund-overwrites-total"] {
		o.RefundedCents = cents // the bug: the last refund replaces the ones before
	} else {
		o.RefundedCents += cents
	}
	o.Status = "partially_refunded"
	if o.RefundedCents >= o.AmountCents {
		o.Status = "refunded"
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"refund_id": refNo})
}

func (s *Shop) reconcile(w http.ResponseWriter, r *http.Request) {
	o, ok := s.get(r.PathValue("id"))
	if !ok {
		fail(w, http.StatusNotFound, "no such order")
		return
	}
	if !s.fault["reconcile-ignores-query"] && o.Status == "pending" {
		a, err := s.call(pathQuery, map[string]any{"originalPartnerReferenceNo": o.ID, "merchantId": s.cfg.MerchantID, "serviceCode": "54"}, false, "")
		if err == nil && a.code == "2005500" {
			switch a.str("latestTransactionStatus") {
			case "00":
				s.markPaid(o.ID)
			case "05":
				s.setStatus(o.ID, "cancelled")
			}
		}
	}
	o, _ = s.get(o.ID)
	writeJSON(w, http.StatusOK, map[string]string{"status": o.Status})
}

// returnPage is PAY_RETURN: navigation only, unless the fault trusts it.
func (s *Shop) returnPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.fault["trust-return-redirect"] || (s.fault["trust-return-from-cashier"] && sameHost(r.Referer(), s.cfg.GatewayURL)) {
		s.markPaid(id)
	}
	o, _ := s.get(id)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><p>Order %s is %s.</p>", o.ID, o.Status)
}

// notify handles DANA's finish notify: verify, match the amount, apply
// once, acknowledge with 2005600.
func (s *Shop) notify(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	ack := func(status int, code, msg string) {
		writeJSON(w, status, map[string]string{"responseCode": code, "responseMessage": msg})
	}
	if err != nil {
		ack(http.StatusBadRequest, "4005600", "Bad Request")
		return
	}
	sig := r.Header.Get("X-SIGNATURE")
	unsigned := s.fault["notify-unsigned-accepted"] && sig == ""
	if !s.fault["notify-no-verify"] && !unsigned && !s.seenSignature(sig) {
		signed := raw
		if s.fault["notify-verifies-reserialised"] {
			signed = reserialise(raw)
		}
		sts, err := stringToSign(r.URL.Path, signed, r.Header.Get("X-TIMESTAMP"))
		if err != nil || r.Header.Get("X-TIMESTAMP") == "" || verify(s.gwPub, sts, sig) != nil {
			ack(http.StatusUnauthorized, "4015600", "Unauthorized. Invalid Signature")
			return
		}
		// Hardening beyond DANA's SDKs (DANAW-SIG-06, recommended): a
		// notify signed long ago is a captured one replayed.
		if ts, err := time.Parse(time.RFC3339, r.Header.Get("X-TIMESTAMP")); err != nil || time.Since(ts).Abs() > notifyMaxAge {
			ack(http.StatusBadRequest, "4005601", "Invalid Field Format X-TIMESTAMP")
			return
		}
		if s.fault["notify-trusts-seen-signature"] {
			s.mu.Lock()
			s.sigs[sig] = true
			s.mu.Unlock()
		}
	}
	var n struct {
		Ref    string            `json:"originalPartnerReferenceNo"`
		Status string            `json:"latestTransactionStatus"`
		Amount map[string]string `json:"amount"`
	}
	if json.NewDecoder(bytes.NewReader(raw)).Decode(&n) != nil {
		ack(http.StatusBadRequest, "4005600", "Bad Request")
		return
	}
	if s.fault["notify-verifies-reserialised"] {
		// the bug's other half: fields read from the received bytes, the
		// first of a duplicated key
		n.Ref, n.Status = gjson.GetBytes(raw, "originalPartnerReferenceNo").Str, gjson.GetBytes(raw, "latestTransactionStatus").Str
		n.Amount = map[string]string{"value": gjson.GetBytes(raw, "amount.value").Str, "currency": gjson.GetBytes(raw, "amount.currency").Str}
	}
	o, ok := s.get(n.Ref)
	if !ok {
		ack(http.StatusNotFound, "4045601", "Transaction Not Found")
		return
	}
	if c, ok := parseCents(n.Amount["value"]); (!ok || c != o.AmountCents) && !s.fault["notify-ignores-amount"] {
		ack(http.StatusBadRequest, "4005601", "Invalid Field Format amount")
		return
	}
	if s.queue != nil {
		if !s.enqueue(n.Ref, n.Status) {
			ack(http.StatusInternalServerError, "5005601", "Internal Server Error")
			return
		}
		ack(http.StatusOK, "2005600", "Successful")
		return
	}
	switch {
	case n.Status == "00", s.fault["notify-ignores-status"]:
		s.markPaid(n.Ref)
	case n.Status == "05":
		if o.Status == "pending" {
			s.setStatus(n.Ref, "expired")
		}
	}
	ack(http.StatusOK, "2005600", "Successful")
}

// enqueue leaves a checked notify's booking to the queue: the queue-based
// design, which books the payment a moment after DANA got its 2005600.
// The worker reads the order again under the lock (markPaid moves only a
// pending order to paid), so a notify for an order cancelled meanwhile
// ships nothing. false: the queue is full or closed, and DANA retries.
func (s *Shop) enqueue(id, status string) bool {
	return s.queue.Add(func(context.Context) error {
		switch {
		case status == "00", s.fault["notify-ignores-status"]:
			s.markPaid(id)
		case status == "05":
			s.expirePending(id)
		}
		return nil // in memory: nothing here can fail
	})
}

// expirePending closes a still-pending order as expired; a paid or
// cancelled one is left as it is.
func (s *Shop) expirePending(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orders[id]; o != nil && o.Status == "pending" {
		o.Status = "expired"
	}
}

// notifyMaxAge is how far a notify's X-TIMESTAMP may be from the shop's
// clock.
const notifyMaxAge = 10 * time.Minute

// seenSignature is the notify-trusts-seen-signature fault: a signature
// verified once is trusted again, whatever body it comes with.
func (s *Shop) seenSignature(sig string) bool {
	if !s.fault["notify-trusts-seen-signature"] || sig == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sigs[sig]
}

// reserialise is the notify-verifies-reserialised fault's signed form:
// the body parsed into a map (the last of a duplicated key wins) and
// encoded again, keys sorted.
func reserialise(raw []byte) []byte {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	b, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return b
}

// sameHost reports whether the URL a names the host of the URL b.
func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host != "" && ua.Host == ub.Host
}

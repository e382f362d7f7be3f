package midtrans

import (
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/tidwall/gjson"
)

// apiStatusCodes is the status_code the Core API answers for each state.
// Expired transactions read 407, which midtrans-go does not treat as an
// error; cancel reads 200 (§2.4). A capture held for review
// (fraud_status challenge) reads 201: see apiCode.
var apiStatusCodes = map[string]string{
	StatusPending: "201", StatusCapture: "200", StatusSettlement: "200", StatusDeny: "202", StatusCancel: "200",
	StatusExpire: "407", StatusRefund: "200", StatusPartialRefund: "200",
}

// apiCode is the status_code of t's current state on the Core API.
func apiCode(t *txn) string {
	if t.status == StatusCapture && t.fraud == FraudChallenge {
		return "201"
	}
	return apiStatusCodes[t.status]
}

// refundable lists the payment types each refund endpoint accepts
// (docs.midtrans.com/reference/refund-transaction and
// /reference/direct-refund-transaction). Bank transfer, convenience store
// and bill payment cannot be refunded through the API at all.
var refundable = map[bool][]string{
	false: {"credit_card", "gopay", "shopeepay", "dana", "ovo", "qris", "kredivo", "akulaku"},
	true:  {"gopay", "qris", "shopeepay", "credit_card", "akulaku", "kredivo"},
}

// chargeAnswer is the Core API answer to cancel, expire, approve and deny:
// the transaction fields of Midtrans' charge-shaped response, which has
// no merchant_id or settlement_time (midtrans-go decodes these answers
// into coreapi.ChargeResponse and would drop them); e.mu is held.
func (e *Emulator) chargeAnswer(t *txn, code, msg string) map[string]any {
	m := e.txnFields(t, t.status, code)
	delete(m, "merchant_id")
	delete(m, "settlement_time")
	addChannel(m, t, t.status)
	delete(m, "payment_amounts") // not in coreapi.ChargeResponse
	delete(m, "issuer")
	m["status_message"] = msg
	return m
}

// notFound is Midtrans' answer for an id it does not know.
func (in *inbound) notFound() *reply {
	return in.fail(http.StatusNotFound, "404", "Transaction doesn't exist.",
		"no transaction with order_id or transaction_id "+quote(in.id)+" was created at this emulator")
}

// cannotUpdate is Midtrans' answer for a transition the state forbids.
func (in *inbound) cannotUpdate(t *txn, want string) *reply {
	return in.fail(http.StatusPreconditionFailed, "412", "Transaction status cannot be updated.",
		"transaction "+t.orderID+" is "+t.status+"; "+want)
}

// getStatus is GET /v2/{id}/status.
func (e *Emulator) getStatus(in *inbound) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.find(in.id); t != nil {
		t.statusQueries++
		t.lastQueried = "404 (no payment method chosen yet)"
		if t.chosen {
			t.lastQueried = t.status
		}
	}
	t := e.findCore(in.id)
	if t == nil {
		return in.notFound()
	}
	return &reply{status: http.StatusOK, code: apiCode(t), body: e.statusBody(t)}
}

// statusBody is the Core API transaction view, with signature_key as
// Midtrans includes it; e.mu is held.
func (e *Emulator) statusBody(t *txn) map[string]any {
	m := e.txnFields(t, t.status, apiCode(t))
	m["status_message"] = "Success, transaction is found"
	m["signature_key"] = e.signature(t.orderID, apiCode(t), amount(t.gross))
	addChannel(m, t, t.status)
	addRefunds(m, t)
	return m
}

// addRefunds lists t's settled refunds and their total, as the status
// answer and refund notifications carry them; a pending refund is not
// listed until it settles (⚠ see doc.go).
func addRefunds(m map[string]any, t *txn) {
	if len(t.refunds) == 0 {
		return
	}
	var rs []map[string]any
	for _, r := range t.refunds {
		e := map[string]any{"refund_chargeback_id": r.id, "refund_chargeback_uuid": r.uuid,
			"refund_amount": amount(r.amount), "reason": r.reason, "refund_key": r.key,
			"refund_method": refundMethod, "created_at": wib(r.at)}
		if !r.bankConfirmed.IsZero() {
			// Present only once the bank confirmed: Midtrans' first refund
			// notification has no bank_confirmed_at, the second has it.
			e["bank_confirmed_at"] = wib(r.bankConfirmed)
		}
		rs = append(rs, e)
	}
	m["refunds"] = rs
	m["refund_amount"] = amount(t.refunded)
}

// txnFields are the fields answers and notifications share.
func (e *Emulator) txnFields(t *txn, status, code string) map[string]any {
	m := map[string]any{
		"status_code": code, "transaction_id": t.transactionID, "order_id": t.orderID,
		"gross_amount": amount(t.gross), "currency": "IDR", "payment_type": t.paymentTypeOr(),
		"transaction_time": wib(t.created), "transaction_status": status, "fraud_status": t.fraud,
		"merchant_id": e.o.MerchantID, "expiry_time": wib(t.expiresAt),
	}
	if !t.settled.IsZero() {
		m["settlement_time"] = wib(t.settled)
	}
	return m
}

// paymentTypeOr is the chosen payment type; a Snap transaction whose
// shopper has not chosen yet reads bank_transfer (see doc.go).
func (t *txn) paymentTypeOr() string {
	if t.paymentType == "" {
		return defaultPaymentType
	}
	return t.paymentType
}

// cancelTxn is POST /v2/{id}/cancel: a pending transaction, or a card
// capture not yet settled, cancels; Midtrans then sends a cancel
// notification (status_code 200).
func (e *Emulator) cancelTxn(in *inbound) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.findCore(in.id)
	if t == nil {
		return in.notFound()
	}
	if t.status != StatusPending && t.status != StatusCapture {
		return in.cannotUpdate(t, "only pending (or captured, unsettled card) transactions can be cancelled; refund a settled one instead")
	}
	t.status = StatusCancel
	t.stopExpiry()
	e.notifyLater(t, StatusCancel)
	return &reply{status: http.StatusOK, code: "200", body: e.chargeAnswer(t, "200", "Success, transaction is canceled")}
}

// approveTxn is POST /v2/{id}/approve: a card capture held for review
// (fraud_status challenge) is accepted; Midtrans notifies capture/accept.
func (e *Emulator) approveTxn(in *inbound) *reply {
	return e.decideChallenge(in, FraudAccept)
}

// denyTxn is POST /v2/{id}/deny: a challenged capture is denied; Midtrans
// notifies deny.
func (e *Emulator) denyTxn(in *inbound) *reply {
	return e.decideChallenge(in, FraudDeny)
}

func (e *Emulator) decideChallenge(in *inbound, fraud string) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.findCore(in.id)
	if t == nil {
		return in.notFound()
	}
	if t.status != StatusCapture || t.fraud != FraudChallenge {
		return in.cannotUpdate(t, "only a card capture with fraud_status challenge can be approved or denied")
	}
	t.fraud = fraud
	msg := "Success, transaction is approved"
	if fraud == FraudDeny {
		t.status = StatusDeny
		msg = "Success, transaction is denied"
	}
	e.notifyLater(t, t.status)
	return &reply{status: http.StatusOK, code: "200", body: e.chargeAnswer(t, "200", msg)}
}

// expireTxn is POST /v2/{id}/expire: a pending transaction expires and its
// order_id may be reused (§2.3). The answer's status_code is 407.
func (e *Emulator) expireTxn(in *inbound) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.findCore(in.id)
	if t == nil {
		return in.notFound()
	}
	if t.status != StatusPending {
		return in.cannotUpdate(t, "only pending transactions can be expired")
	}
	t.status = StatusExpire
	t.stopExpiry()
	e.notifyLater(t, StatusExpire)
	return &reply{status: http.StatusOK, code: "407", body: e.chargeAnswer(t, "407", "Success, transaction has expired")}
}

// refundTxn is POST /v2/{id}/refund; refundDirect is
// /refund/online/direct. Settled transactions of a payment type the
// endpoint supports only, never more than what remains, refund_key
// idempotent; Midtrans then notifies refund or partial_refund.
func (e *Emulator) refundTxn(in *inbound) *reply { return e.refund(in, false) }

func (e *Emulator) refundDirect(in *inbound) *reply { return e.refund(in, true) }

func (e *Emulator) refund(in *inbound, direct bool) *reply {
	body := gjson.ParseBytes(in.Body)
	if len(in.Body) > 0 && (!gjson.ValidBytes(in.Body) || !body.IsObject()) {
		return in.fail(http.StatusBadRequest, "400", "The request cannot be processed due to malformed syntax in the request body.",
			"the refund body must be a JSON object {refund_key, amount, reason}")
	}
	amt := body.Get("amount")
	if amt.Exists() && (amt.Type != gjson.Number || amt.Float() != math.Trunc(amt.Float()) || amt.Float() < 0) {
		return in.fail(http.StatusBadRequest, "400", "amount must be a positive integer",
			"refund amount is whole rupiah as a JSON number, e.g. 5000")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.findCore(in.id)
	if t == nil {
		return in.notFound()
	}
	key, reason := body.Get("refund_key").String(), body.Get("reason").String()
	if prev := t.refundByKey(key); prev != nil {
		return e.repeatRefund(in, t, prev, amt.Int())
	}
	if t.status != StatusSettlement && t.status != StatusPartialRefund {
		return in.fail(http.StatusPreconditionFailed, "412", refundRefused,
			"transaction "+t.orderID+" is "+t.status+"; only settled transactions can be refunded; cancel a pending one instead")
	}
	if !slices.Contains(refundable[direct], t.paymentTypeOr()) {
		which := "the refund API (POST /v2/{id}/refund)"
		if direct {
			which = "direct refund (POST /v2/{id}/refund/online/direct)"
		}
		return in.fail(http.StatusPreconditionFailed, "412", "Payment type "+t.paymentTypeOr()+" does not support refund through this API.",
			t.paymentTypeOr()+" cannot be refunded through "+which+"; it supports "+strings.Join(refundable[direct], ", ")+
				". Refund bank transfers outside the API (e.g. by your own transfer) and record it yourself")
	}
	n := amt.Int()
	if n == 0 {
		n = t.refundable()
	}
	if n > t.refundable() {
		return in.fail(invalidAmountHTTP, "414", invalidAmount,
			"asked "+amount(n)+", but only "+amount(t.refundable())+" of "+amount(t.gross)+" remains refundable")
	}
	if n < t.gross && slices.Contains(noPartialRefund, t.paymentTypeOr()) {
		return in.fail(invalidAmountHTTP, "414", invalidAmount,
			t.paymentTypeOr()+" does not support partial refund (Refund Transaction, amount: \"Shopeepay and OVO does not support partial refund\"); refund the whole "+amount(t.gross))
	}
	if direct && t.denyNext > 0 {
		t.denyNext--
		return e.deniedReply(t, e.newRefund(t, key, reason, n))
	}
	if t.pendingNext > 0 {
		t.pendingNext--
		return e.pendingReply(t, e.addPendingRefund(t, key, reason, n))
	}
	r := e.addRefund(t, key, reason, n)
	e.notifyLater(t, t.status)
	e.confirmLater(t)
	rep := e.refundReply(t, r)
	if direct {
		rep.body["status_message"] = "Success, refund request is approved by the bank"
	}
	return rep
}

// Refund answers in Midtrans' words (Refund Transaction and Direct
// Refund Transaction samples).
const (
	refundRefused = "Merchant cannot modify the status of the transaction"
	invalidAmount = "Refund request is rejected due to invalid amount"
	// invalidAmountHTTP is the HTTP status of a 414 answer: the emulator
	// keeps HTTP status = status_code, as for every other Core API error.
	invalidAmountHTTP = 414
)

// noPartialRefund are the payment types refunded only in full ("Shopeepay
// and OVO does not support partial refund at the moment", Refund
// Transaction, amount).
var noPartialRefund = []string{"shopeepay", "ovo"}

// deniedReply is a direct refund the bank or provider declined (Direct
// Refund Transaction, "Rejected Direct Refund"): status_code 202, the
// transaction unchanged, refund_amount 0.00; no money moves and, as only
// successful direct refunds are notified, nothing is notified. e.mu is held.
func (e *Emulator) deniedReply(t *txn, r *refund) *reply {
	rep := e.refundReply(t, r)
	rep.body["status_code"], rep.body["status_message"] = "202", "Refund denied by the bank"
	rep.body["refund_amount"] = amount(0)
	rep.code = "202"
	rep.hint = "the direct refund of " + amount(r.amount) + " was denied by the bank (status_code 202): nothing was refunded and transaction_status is still " +
		t.status + "; record no refund, and retry later or refund another way"
	return rep
}

// repeatRefund answers a refund_key seen before: the same refund again, or
// a refusal when the amount differs.
func (e *Emulator) repeatRefund(in *inbound, t *txn, prev *refund, asked int64) *reply {
	if asked != 0 && asked != prev.amount {
		return in.fail(http.StatusNotAcceptable, "406", "Duplicate refund ID",
			"refund_key "+quote(prev.key)+" already refunded "+amount(prev.amount)+"; a retry must resend the same amount, a new refund needs a new key")
	}
	rep := e.refundReply(t, prev)
	if t.isPending(prev) {
		rep = e.pendingReply(t, prev)
	}
	rep.hint = "refund_key " + quote(prev.key) + " was seen before: the same refund is answered again and nothing more is refunded"
	return rep
}

// addRefund records a refund approved at once and moves the state; e.mu
// is held.
func (e *Emulator) addRefund(t *txn, key, reason string, n int64) *refund {
	r := e.newRefund(t, key, reason, n)
	t.book(r)
	return r
}

// newRefund numbers a refund; Midtrans makes up a refund_key when the
// request has none. e.mu is held.
func (e *Emulator) newRefund(t *txn, key, reason string, n int64) *refund {
	e.st.refundSeq++
	if key == "" {
		key = newUUID()
	}
	return &refund{id: e.st.refundSeq, uuid: newUUID(), key: key, amount: n, reason: reason, at: e.clockOf(t).Now()}
}

// book moves a refund's money: the transaction reads partial_refund, or
// refund once nothing remains.
func (t *txn) book(r *refund) {
	t.refunds = append(t.refunds, r)
	t.refunded += r.amount
	t.status = StatusPartialRefund
	if t.refunded == t.gross {
		t.status = StatusRefund
	}
}

func (e *Emulator) refundReply(t *txn, r *refund) *reply {
	m := e.txnFields(t, t.status, "200")
	delete(m, "expiry_time") // not in Midtrans' refund answer (coreapi.RefundResponse)
	m["status_message"] = "Success, refund request is approved"
	m["refund_chargeback_id"], m["refund_chargeback_uuid"] = r.id, r.uuid
	m["refund_amount"], m["refund_key"] = amount(r.amount), r.key
	return &reply{status: http.StatusOK, code: "200", body: m}
}

// refundByKey finds a settled or pending refund by its refund_key.
func (t *txn) refundByKey(key string) *refund {
	if key == "" {
		return nil
	}
	for _, r := range slices.Concat(t.refunds, t.pendingRefunds) {
		if r.key == key {
			return r
		}
	}
	return nil
}

// findCore is find as the Core API sees it: a Snap transaction whose
// shopper has not chosen a payment method does not exist there yet
// ("Notes when using Snap API", docs.midtrans.com transaction status
// cycle); e.mu is held.
func (e *Emulator) findCore(id string) *txn {
	t := e.find(id)
	if t == nil || !t.chosen || id == t.token {
		return nil
	}
	return t
}

// find looks a transaction up by a Core API path id; e.mu is held.
func (e *Emulator) find(id string) *txn {
	t, err := e.st.lookup(id)
	if err != nil {
		return nil
	}
	return t
}

package midtrans

import (
	"math"
	"net/http"

	"github.com/tidwall/gjson"
)

// apiStatusCodes is the status_code the Core API answers for each state.
// Expired transactions read 407, which midtrans-go does not treat as an
// error; cancel reads 200 (§2.4).
var apiStatusCodes = map[string]string{
	StatusPending: "201", StatusSettlement: "200", StatusDeny: "202", StatusCancel: "200",
	StatusExpire: "407", StatusRefund: "200", StatusPartialRefund: "200",
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
	t := e.find(in.id)
	if t == nil {
		return in.notFound()
	}
	return &reply{status: http.StatusOK, code: apiStatusCodes[t.status], body: e.statusBody(t)}
}

// statusBody is the Core API transaction view, with signature_key as
// Midtrans includes it; e.mu is held.
func (e *Emulator) statusBody(t *txn) map[string]any {
	m := e.txnFields(t, t.status, apiStatusCodes[t.status])
	m["status_message"] = "Success, transaction is found"
	m["signature_key"] = e.signature(t.orderID, apiStatusCodes[t.status], amount(t.gross))
	if len(t.refunds) > 0 {
		var rs []map[string]any
		for _, r := range t.refunds {
			rs = append(rs, map[string]any{"refund_chargeback_id": r.id, "refund_chargeback_uuid": r.uuid,
				"refund_amount": amount(r.amount), "reason": r.reason, "refund_key": r.key,
				"refund_method": "", "bank_confirmed_at": "", "created_at": wib(r.at)})
		}
		m["refunds"] = rs
		m["refund_amount"] = amount(t.refunded)
	}
	return m
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

// cancelTxn is POST /v2/{id}/cancel: only a pending transaction cancels.
func (e *Emulator) cancelTxn(in *inbound) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.find(in.id)
	if t == nil {
		return in.notFound()
	}
	if t.status != StatusPending {
		return in.cannotUpdate(t, "only pending transactions can be cancelled; refund a settled one instead")
	}
	t.status = StatusCancel
	t.stopExpiry()
	m := e.txnFields(t, t.status, "200")
	m["status_message"] = "Success, transaction is canceled"
	return &reply{status: http.StatusOK, code: "200", body: m}
}

// expireTxn is POST /v2/{id}/expire: a pending transaction expires and its
// order_id may be reused (§2.3). The answer's status_code is 407.
func (e *Emulator) expireTxn(in *inbound) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.find(in.id)
	if t == nil {
		return in.notFound()
	}
	if t.status != StatusPending {
		return in.cannotUpdate(t, "only pending transactions can be expired")
	}
	t.status = StatusExpire
	t.stopExpiry()
	m := e.txnFields(t, t.status, "407")
	m["status_message"] = "Success, transaction has expired"
	return &reply{status: http.StatusOK, code: "407", body: m}
}

// refundTxn is POST /v2/{id}/refund: settled transactions only, never
// more than what remains, refund_key idempotent.
func (e *Emulator) refundTxn(in *inbound) *reply {
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
	t := e.find(in.id)
	if t == nil {
		return in.notFound()
	}
	key, reason := body.Get("refund_key").String(), body.Get("reason").String()
	if prev := t.refundByKey(key); prev != nil {
		return e.repeatRefund(in, t, prev, amt.Int())
	}
	if t.status != StatusSettlement && t.status != StatusPartialRefund {
		return in.cannotUpdate(t, "only settled transactions can be refunded; cancel a pending one instead")
	}
	n := amt.Int()
	if n == 0 {
		n = t.refundable()
	}
	if n > t.refundable() {
		return in.fail(http.StatusPreconditionFailed, "412", "Refund amount exceeds the remaining refundable amount.",
			"asked "+amount(n)+", but only "+amount(t.refundable())+" of "+amount(t.gross)+" remains refundable")
	}
	return e.refundReply(t, e.addRefund(t, key, reason, n))
}

// repeatRefund answers a refund_key seen before: the same refund again, or
// a refusal when the amount differs.
func (e *Emulator) repeatRefund(in *inbound, t *txn, prev *refund, asked int64) *reply {
	if asked != 0 && asked != prev.amount {
		return in.fail(http.StatusNotAcceptable, "406", "Duplicate refund_key with a different amount.",
			"refund_key "+quote(prev.key)+" already refunded "+amount(prev.amount)+"; a retry must resend the same amount, a new refund needs a new key")
	}
	rep := e.refundReply(t, prev)
	rep.hint = "refund_key " + quote(prev.key) + " was seen before: the same refund is answered again and nothing more is refunded"
	return rep
}

// addRefund records a refund and moves the state; e.mu is held.
func (e *Emulator) addRefund(t *txn, key, reason string, n int64) *refund {
	e.st.refundSeq++
	if key == "" {
		key = newUUID()
	}
	r := &refund{id: e.st.refundSeq, uuid: newUUID(), key: key, amount: n, reason: reason, at: e.clk.Now()}
	t.refunds = append(t.refunds, r)
	t.refunded += n
	t.status = StatusPartialRefund
	if t.refunded == t.gross {
		t.status = StatusRefund
	}
	return r
}

func (e *Emulator) refundReply(t *txn, r *refund) *reply {
	m := e.txnFields(t, t.status, "200")
	m["status_message"] = "Success, refund request is approved"
	m["refund_chargeback_id"], m["refund_chargeback_uuid"] = r.id, r.uuid
	m["refund_amount"], m["refund_key"] = amount(r.amount), r.key
	return &reply{status: http.StatusOK, code: "200", body: m}
}

func (t *txn) refundByKey(key string) *refund {
	if key == "" {
		return nil
	}
	for _, r := range t.refunds {
		if r.key == key {
			return r
		}
	}
	return nil
}

// find looks a transaction up by a Core API path id; e.mu is held.
func (e *Emulator) find(id string) *txn {
	t, err := e.st.lookup(id)
	if err != nil {
		return nil
	}
	return t
}

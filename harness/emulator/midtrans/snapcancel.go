package midtrans

import "net/http"

// APISnapCancel is POST /snap/v1/transactions/{token}/cancel: the merchant
// closes a Snap session before it expires (Cancel a Snap Session,
// docs.midtrans.com). midtrans-go has no method for it.
const APISnapCancel = "snap_cancel"

// snapCancel answers {"canceled_at": <UTC, milliseconds>} for an open
// session, or {"error_messages": [...]} in Midtrans' words: "token not
// found", "token already canceled", "Transaction is on progress" (the
// shopper already confirmed a method). The HTTP statuses of the refusals
// are not documented: 404 for an unknown token, 400 otherwise (choice).
// A cancelled session's page refuses the shopper; its order_id may get a
// new token, since no method was chosen. Nothing is notified.
func (e *Emulator) snapCancel(in *inbound) *reply {
	token := in.id
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.st.byID[token]
	switch {
	case t == nil || t.token != token:
		return snapError(http.StatusNotFound, "no Snap session with token "+quote(token)+" is open at this emulator", "token not found")
	case t.snapCanceled:
		return snapError(http.StatusBadRequest, "this Snap session was cancelled before", "token already canceled")
	case t.chosen:
		return snapError(http.StatusBadRequest, "the shopper of "+t.orderID+" already confirmed a payment method: cancel the transaction with POST /v2/{order_id}/cancel instead",
			"Transaction is on progress")
	case t.status != StatusPending:
		return snapError(http.StatusNotFound, "the Snap session of "+t.orderID+" has lapsed", "token not found")
	}
	t.snapCanceled = true
	t.stopExpiry()
	now := e.wall.Now().UTC()
	return &reply{status: http.StatusOK, code: "200", body: map[string]any{"canceled_at": now.Format("2006-01-02T15:04:05.000Z")},
		hint: "Snap session of " + t.orderID + " cancelled: its page no longer accepts a payment; the order_id may get a new token"}
}

package midtransshop

import (
	"fmt"
	"sort"
	"time"
)

// Fault is one deliberate integration bug the shop can be started with, so
// that a conformance run can be shown to catch it.
type Fault struct {
	Name        string // the --fault value
	Description string // one line: the bug and why it matters
}

// The fault names. Each switches on exactly one realistic mistake.
const (
	faultNotifyNoVerify       = "notify-no-verify"
	faultNotifyDoubleFulfil   = "notify-double-fulfil"
	faultTrustFinishRedirect  = "trust-finish-redirect"
	faultGrossAmountMismatch  = "gross-amount-mismatch-accepted"
	faultSettlementOnPending  = "settlement-on-pending"
	faultOutOfOrderRegresses  = "out-of-order-regresses"
	faultClientKeyAsServerKey = "client-key-as-server-key"
	faultSignatureOwnAmount   = "signature-own-amount-format"
	faultNotifyRejectsExpire  = "notify-rejects-expire"
	faultNoReconcile          = "no-reconcile"
	faultCancelLocalOnly      = "cancel-local-only"
	faultCancelIgnoresGateway = "cancel-ignores-gateway-error"
	faultRefundAmountAsString = "refund-amount-as-string"
	faultOverRefund           = "over-refund"
	faultRefundIgnoresGateway = "refund-ignores-gateway-error"
	faultRefundNewKeyOnRetry  = "refund-new-key-on-retry"
	faultReuseOrderID         = "reuse-order-id"
	faultStatusCode200AsPaid  = "status-code-200-as-paid"
	faultStatus404ClosesOrder = "status-404-closes-order"
	faultDenyClosesOrder      = "deny-closes-order"
	faultChallengeAsPaid      = "capture-challenge-as-paid"
	faultRefundPendingAsDone  = "refund-pending-as-done"
	faultUnsignedAccepted     = "notify-unsigned-accepted"
	faultSignatureOwnOrder    = "signature-over-stored-amount"
	faultTrustSeenSignature   = "trust-seen-signature"
	faultNotifyReopensOrder   = "notify-reopens-order"
	faultCheckThenAct         = "fulfil-check-then-act"
	faultFinishRevivesClosed  = "finish-revives-closed-order"
)

var faultCatalogue = map[string]string{
	faultNotifyNoVerify: "accepts notifications without checking signature_key, " +
		"so anyone who can reach the shop can mark orders paid",
	faultNotifyDoubleFulfil: "fulfils on every settlement notification with no exactly-once guard, " +
		"so Midtrans' retries and duplicates ship the goods twice",
	faultTrustFinishRedirect: "marks the order paid when the shopper's browser lands on the finish URL with " +
		"transaction_status=settlement, a query anyone can type",
	faultGrossAmountMismatch: "verifies signature_key but never compares gross_amount with the order, " +
		"so a validly signed notification for another amount pays the order",
	faultSettlementOnPending: `treats "pending" like "settlement", ` +
		"so an order is shipped as soon as the shopper picks a bank transfer, before paying",
	faultOutOfOrderRegresses: "applies every notification's transaction_status as the order's status, " +
		"so a late pending notification moves a settled order back to pending",
	faultClientKeyAsServerKey: "authenticates server-side calls with the client key, " +
		"which Midtrans refuses with 401",
	faultSignatureOwnAmount: "recomputes signature_key with its own amount format (15000) instead of the " +
		`received gross_amount ("15000.00"), so every genuine notification is rejected`,
	faultNotifyRejectsExpire: "answers HTTP 400 to notifications it has no case for (expire, deny, cancel), " +
		"so Midtrans retries them for days and the order never closes",
	faultNoReconcile: "never asks Midtrans for a transaction's status, " +
		"so a lost notification leaves a paid order pending forever",
	faultCancelLocalOnly: "marks the order cancelled without telling Midtrans, " +
		"so the shopper can still pay a cancelled order",
	faultCancelIgnoresGateway: "marks an order cancelled even when Midtrans refuses the cancel, " +
		"so a settled order is shown cancelled while the money was taken",
	faultRefundAmountAsString: `sends the refund amount as a decimal string ("15000.00") instead of an integer, ` +
		"which Midtrans refuses",
	faultOverRefund: "skips the local refundable-amount check and relies on Midtrans " +
		"to stop refunds above what was paid",
	faultRefundIgnoresGateway: "records a refund whatever Midtrans answered, " +
		"so an unpaid order shows refunded money that never moved",
	faultRefundNewKeyOnRetry: "generates a new refund_key when retrying a failed refund, " +
		"so one refund request can pay the shopper back twice",
	faultReuseOrderID: `builds order_id as "MT-" + the current minute, ` +
		"so two checkouts in the same minute collide at Midtrans",
	faultStatusCode200AsPaid: `treats every verified notification with status_code "200" as a payment, ` +
		"so the cancel and refund notifications Midtrans sends (also 200) mark the order paid and ship it again",
	faultStatus404ClosesOrder: "closes the order as failed when the status API answers 404, " +
		"which Midtrans answers for every Snap order whose shopper has not picked a payment method yet",
	faultDenyClosesOrder: "closes the order for good on a deny notification, " +
		"so when the shopper pays with another method in the same Snap session the payment is never fulfilled",
	faultChallengeAsPaid: "treats transaction_status capture as paid whatever fraud_status says, " +
		"so a card payment held for fraud review (challenge) ships before anyone reviewed it",
	faultRefundPendingAsDone: `books a refund as done on any successful answer, status_code "201" (pending) included, ` +
		"so the order shows money returned that the payment provider has not moved yet",
	faultUnsignedAccepted: "checks signature_key only when the notification carries one, " +
		"so a notification without signature_key is trusted as it is",
	faultSignatureOwnOrder: "recomputes signature_key over the order's stored amount instead of the received gross_amount " +
		"and, trusting that to pin the amount, never reads gross_amount, so a notification altered after signing is accepted",
	faultTrustSeenSignature: "keeps the signature_keys it has verified and trusts a notification carrying one of them without " +
		"recomputing it over this notification's order_id, so another order's genuine signature_key pays this order",
	faultNotifyReopensOrder: "applies a settlement notification to any order not already paid, " +
		"so a replayed settlement reopens a refunded order as paid and ships it again",
	faultCheckThenAct: "reads the order, does its fulfilment work, then marks it paid and ships without a conditional update, " +
		"so concurrent copies of one notification all read it pending and each ships it",
	faultFinishRevivesClosed: "when the shopper lands on the finish URL with transaction_status=settlement for an order it had " +
		"cancelled or expired, assumes the shopper paid just as it closed and marks it paid, on a query anyone can type",
}

// Faults lists every fault the shop can be started with, sorted by name.
func Faults() []Fault {
	out := make([]Fault, 0, len(faultCatalogue))
	for name, desc := range faultCatalogue {
		out = append(out, Fault{Name: name, Description: desc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// faultSet is the set of faults a shop was started with; empty = correct.
type faultSet map[string]bool

func newFaultSet(names []string) (faultSet, error) {
	set := faultSet{}
	for _, n := range names {
		if _, ok := faultCatalogue[n]; !ok {
			return nil, fmt.Errorf("unknown fault %q (run with --fault list to see them)", n)
		}
		set[n] = true
	}
	return set, nil
}

func (f faultSet) on(name string) bool { return f[name] }

// checkThenActWork is what the fulfil-check-then-act fault does between
// reading the order and fulfilling it (a real shop reserves stock, calls
// its warehouse): long enough that concurrent copies of one notification
// all read the order pending before any fulfils, so the bug shows on every
// run, not only when the scheduler happens to interleave them.
const checkThenActWork = 250 * time.Millisecond // wider than any delay between copies sent at once, on a loaded CI machine under -race too

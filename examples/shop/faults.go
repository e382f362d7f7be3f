package shop

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

// The fault names. Each one switches on exactly one realistic mistake.
const (
	faultNotifyNoVerify        = "notify-no-verify"
	faultNotifyDoubleFulfil    = "notify-double-fulfil"
	faultNotifyWrongAck        = "notify-wrong-ack"
	faultNotifyExpiredAsPaid   = "notify-expired-as-paid"
	faultTrustReturnRedirect   = "trust-return-redirect"
	faultReusePartnerReference = "reuse-partner-reference"
	faultAmountWithoutDecimals = "amount-without-decimals"
	faultSignWrongPath         = "sign-wrong-path"
	faultNoNotificationURL     = "no-notification-url"
	faultCancelIgnoresGateway  = "cancel-ignores-gateway-error"
	faultOverRefund            = "over-refund"
	faultRefundNewRefOnRetry   = "refund-new-reference-on-retry"
	faultReuseExternalID       = "reuse-external-id"
	faultTimestampUTCZ         = "timestamp-utc-z"
	faultCreateIgnoresError    = "create-ignores-error-code"
	faultCreateNoRetry         = "create-no-retry"
	faultExternalIDPerOrder    = "external-id-per-order"
	faultTrustReturnQuery      = "trust-return-query"
	faultNotifyIgnoresAmount   = "notify-ignores-amount"
	faultNotifyTrustsPayload   = "notify-trusts-payload"
	faultReconcileIgnoresQuery = "reconcile-ignores-query"
	faultRefundIgnoresGateway  = "refund-ignores-gateway-error"
	faultRefundUnpaidCancels   = "refund-unpaid-cancels-order"
	faultCancelLocalOnly       = "cancel-local-only"
	faultNotifyFulfilThenFail  = "notify-fulfil-then-fail"
	faultNotifyUnsigned        = "notify-unsigned-accepted"
	faultNotifyReopensOrder    = "notify-reopens-order"
	faultNotifyRefusesEarly05  = "notify-refuses-early-close"
	faultCheckThenAct          = "fulfil-check-then-act"
	faultReturnQuerySettled    = "return-query-settled-as-paid"
	faultTimestampUTCAsJakarta = "timestamp-utc-as-jakarta"
	faultSignatureMemo         = "notify-signature-memo"
)

var faultCatalogue = map[string]string{
	faultNotifyNoVerify: "accepts Finish Notify without checking X-SIGNATURE or X-TIMESTAMP, " +
		"so anyone who can reach the shop can mark orders paid",
	faultNotifyDoubleFulfil: "fulfils on every valid 00 notify with no exactly-once guard, " +
		"so DANA's retries and duplicates ship the goods twice",
	faultNotifyWrongAck: `answers notifies with HTTP 200 {"responseCode":"200","responseMessage":"OK"} ` +
		"instead of 2005600, so DANA keeps retrying a notify the shop already handled",
	faultNotifyExpiredAsPaid: "treats any valid notify as paid and ignores latestTransactionStatus 05, " +
		"so expired orders are shipped without payment",
	faultTrustReturnRedirect: "marks the order paid and fulfils when the shopper lands on PAY_RETURN, " +
		"which anyone can open without paying",
	faultReusePartnerReference: `builds partnerReferenceNo as "ORD-" + the current minute, ` +
		"so two checkouts in the same minute collide at DANA",
	faultAmountWithoutDecimals: `sends amount.value without decimals ("15000"), ` +
		"which DANA rejects with 4005401 Invalid Field Format amount",
	faultSignWrongPath: "signs the full gateway URL instead of the relative path, " +
		"so every signed request fails with 401 Invalid Signature",
	faultNoNotificationURL: "omits the NOTIFICATION urlParam from Create Order, " +
		"so the shop never hears that an order was paid",
	faultCancelIgnoresGateway: "marks an order cancelled even when DANA refuses the cancel, " +
		"so the shop's books disagree with DANA's (e.g. a paid order after 24 h)",
	faultOverRefund: "skips the local refundable-amount check and sends any refund to DANA, " +
		"relying on the gateway to stop refunds above what was paid",
	faultRefundNewRefOnRetry: "generates a new partnerRefundNo when retrying a timed-out refund, " +
		"so one refund request can pay the shopper back twice",
	faultReuseExternalID: "sends one constant X-EXTERNAL-ID for the whole process, " +
		"although DANA requires it to be unique within the day",
	faultTimestampUTCZ: "sends X-TIMESTAMP in UTC with a Z suffix instead of +07:00, " +
		"which DANA rejects as Invalid Field Format X-TIMESTAMP",
	faultCreateIgnoresError: "reports an order created (HTTP 200 with its redirect_url) for any JSON answer to Create Order, " +
		"ignoring responseCode and HTTP status, so a refused order looks payable",
	faultCreateNoRetry: "gives up at once when Create Order times out or answers 5xx, with no retry under the same " +
		"partnerReferenceNo and no Query Payment, so an order DANA may have created is left unresolved",
	faultExternalIDPerOrder: "derives X-EXTERNAL-ID from the order, so create, query, cancel and refund of one order " +
		"all repeat it, although DANA requires it to be unique per request within the day",
	faultTrustReturnQuery: "marks the order paid and fulfils when the PAY_RETURN query string claims success " +
		"(status=SUCCESS or resultStatus=S), which anyone can type into the address bar",
	faultNotifyIgnoresAmount: "verifies the notify's signature but never compares its amount with the order's, " +
		"so a signed notify for a smaller payment marks the whole order paid",
	faultNotifyTrustsPayload: "believes whatever a Finish Notify says: no signature check and no amount check, " +
		"so anyone who can reach the shop can mark any order paid",
	faultReconcileIgnoresQuery: "calls Query Payment when reconciling but never applies latestTransactionStatus 00, " +
		"so a paid order whose notify was lost stays pending forever",
	faultRefundIgnoresGateway: "marks a refund done even when DANA refuses it, " +
		"so the shop's books show money returned that the shopper never got",
	faultRefundUnpaidCancels: "leaves the paid check to DANA and reads 4045800 Invalid Transaction Status as \"never paid, nothing to refund\": " +
		"answers the refund as done and closes the order as cancelled without DANA's Cancel Order, so an order the shopper may still pay is given up",
	faultCancelLocalOnly: "marks the order cancelled without calling DANA's Cancel Order, " +
		"so the shopper can still pay an order the shop has given up on",
	faultNotifyFulfilThenFail: "for the 11012.00 sandbox convention ships the goods first and then answers 5005601, " +
		"so DANA's retry ships them a second time",
	faultNotifyUnsigned: "verifies X-SIGNATURE only when the header is there: a Finish Notify without one is processed unchecked, " +
		"so anyone who leaves the signature out can mark orders paid",
	faultNotifyReopensOrder: "guards fulfilment with \"not paid yet\" instead of \"still pending\": a replayed or late 00 notify " +
		"marks a cancelled, expired or refunded order paid again and ships it again",
	faultNotifyRefusesEarly05: "believes a 05 notify only as an expiry: one that closes the order before its validUpTo " +
		"(how DANA reports a failed payment) is refused with 4005601 and the order left pending, so DANA retries it for days",
	faultCheckThenAct: "reads the order when the notify arrives and fulfils if it was pending, without a conditional write, " +
		"so overlapping copies of one notify all see it pending and all ship",
	faultReturnQuerySettled: "on the shopper's return asks Query Payment and books the order paid whenever DANA no longer " +
		"reports it waiting (anything but 01/02), so a cancelled or closed order comes back paid",
	faultSignatureMemo: "remembers which X-SIGNATURE values verified and skips the check when one comes again, " +
		"keyed by the signature alone, so a signature lifted from another order's notify passes for any body",
	faultTimestampUTCAsJakarta: "writes the server's UTC clock with a literal +07:00 suffix, " +
		"so every X-TIMESTAMP claims a time seven hours in the past",
}

// checkThenActWork is what the fulfil-check-then-act fault does between
// reading the order and fulfilling it (a real shop reserves stock, calls
// its warehouse): long enough that overlapping copies of one notify all
// read the order pending before any fulfils, so the bug shows on every
// run, not only when the scheduler happens to interleave them.
const checkThenActWork = 250 * time.Millisecond // wider than any delay between copies sent at once, on a loaded CI machine under -race too

// Faults lists every fault the shop can be started with, sorted by name.
func Faults() []Fault {
	out := make([]Fault, 0, len(faultCatalogue))
	for name, desc := range faultCatalogue {
		out = append(out, Fault{Name: name, Description: desc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// faultSet is the set of faults a shop was started with. The zero value is
// a correct shop.
type faultSet map[string]bool

// newFaultSet validates names against the catalogue so a typo on the command
// line is an error rather than a silently correct shop.
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

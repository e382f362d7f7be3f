package gopayminishop

import "time"

// Fault is one switchable integration bug.
type Fault struct{ Name, Description string }

// Fault names.
const (
	FaultCachesAuthCode       = "caches-auth-code"
	FaultLoginIgnoresError    = "login-ignores-error"
	FaultWrongCredentials     = "wrong-credentials"
	FaultTrustLaunchRedirect  = "trust-launch-redirect"
	FaultOmitPopID            = "omit-pop-id"
	FaultStatusAnswerAsPaid   = "status-answer-as-paid"
	FaultNoReconcile          = "no-reconcile"
	FaultCancelLocalOnly      = "cancel-local-only"
	FaultCancelIgnoresError   = "cancel-ignores-gateway-error"
	FaultRefundLocalOnly      = "refund-local-only"
	FaultRefundReuseReference = "refund-reuse-reference"
	FaultNotifyNoVerify       = "notify-no-verify"
	FaultNotifyDoubleFulfil   = "notify-double-fulfil"
	FaultDisburseNewReference = "disburse-new-reference-on-retry"
	FaultDisburseIgnoresError = "disburse-ignores-error"
	FaultNotifyIgnoresStatus  = "notify-ignores-status"
	FaultNotifyNoAmountCheck  = "notify-no-amount-check"
	FaultLaunchCancelFinal    = "launch-cancel-final"
	FaultB2BNeverRefreshed    = "b2b-token-never-refreshed"
	FaultRefundRetryNewRef    = "refund-retry-new-reference"
	FaultRefundIgnoresRefusal = "refund-ignores-refusal"
	FaultOneTokenSlot         = "one-token-slot"
	FaultNotifyReopensOrder   = "notify-reopens-order"
	FaultNotifyVerifyOwnBody  = "notify-verifies-own-body"
	FaultNotifyUnsigned       = "notify-unsigned-accepted"
	FaultCheckThenAct         = "fulfil-check-then-act"
	FaultOverRefund           = "over-refund"
	FaultEchoesAccessToken    = "echoes-access-token"
	FaultTimestampUTC         = "timestamp-utc-as-wib"
	FaultSignatureCache       = "notify-signature-cache"
)

// Faults lists the shop's switchable bugs.
func Faults() []Fault {
	return []Fault{
		{FaultCachesAuthCode, "keeps the auth code instead of the access token and exchanges it again for every GoPay API call"},
		{FaultLoginIgnoresError, "logs the user in even when the token exchange is refused (expired, reused, unauthorised)"},
		{FaultWrongCredentials, "sends the mini-app secret as a Bearer token instead of HTTP Basic client_id:client_secret"},
		{FaultTrustLaunchRedirect, "marks an order paid when launchPayment returns to the mini app with status=success"},
		{FaultOmitPopID, "creates payments without the PoP ID in additionalInfo.popId"},
		{FaultStatusAnswerAsPaid, "treats any successful status answer (2005500) as paid, whatever latestTransactionStatus says"},
		{FaultNoReconcile, "reconcile never asks the gateway; an order whose notify was lost stays pending"},
		{FaultCancelLocalOnly, "cancels orders in its own database without calling the gateway"},
		{FaultCancelIgnoresError, "marks an order cancelled even when the gateway refuses the cancel"},
		{FaultRefundLocalOnly, "records refunds without calling the gateway"},
		{FaultRefundReuseReference, "sends the same partnerRefundNo for every refund of an order"},
		{FaultNotifyNoVerify, "accepts debit notifies without verifying X-SIGNATURE"},
		{FaultNotifyDoubleFulfil, "fulfils on every success notify, not once per order"},
		{FaultDisburseNewReference, "retries a failed disbursement with a new reference_id"},
		{FaultDisburseIgnoresError, "reports a disbursement as sent even when GoPay refuses it"},
		{FaultNotifyIgnoresStatus, "marks an order paid on any verified debit notify, whatever latestTransactionStatus says (a failed payment ships)"},
		{FaultNotifyNoAmountCheck, "believes a validly signed notify without comparing its amount with the order's"},
		{FaultLaunchCancelFinal, "cancels the order when launchPayment returns status=cancelled, and ignores the payment made after it"},
		{FaultB2BNeverRefreshed, "keeps its first B2B access token forever and does not ask for a new one on Invalid Token (B2B)"},
		{FaultRefundRetryNewRef, "retries a refund that got a 5xx with a new partnerRefundNo"},
		{FaultRefundIgnoresRefusal, "books a refund even when GoPay refuses it"},
		{FaultOneTokenSlot, "keeps one access token for all users: the last login's token is used for everyone"},
		{FaultNotifyReopensOrder, "applies every success notify to any order not paid, so a replayed notify reopens a refunded order"},
		{FaultNotifyVerifyOwnBody, "verifies X-SIGNATURE over the notify rebuilt with the order's own amount, not over the bytes received, and reads that rebuilt notify"},
		{FaultNotifyUnsigned, "skips verification when a notify carries no X-SIGNATURE or X-TIMESTAMP (taken for an internal call)"},
		{FaultCheckThenAct, "reads the order, does its fulfilment work, then marks it paid and fulfils if the order it read was pending: concurrent copies each fulfil"},
		{FaultOverRefund, "checks a refund against the order's total instead of what is left, and books one GoPay refuses as exceeding the paid amount"},
		{FaultEchoesAccessToken, "answers the mini app's login with the user's GoPay access token"},
		{FaultTimestampUTC, "writes X-TIMESTAMP from UTC time labelled +07:00, seven hours behind the real time"},
		{FaultSignatureCache, "remembers the X-SIGNATUREs it verified and skips verification when one comes again, whatever the body"},
	}
}

// checkThenActWork is what the fulfil-check-then-act fault does between
// reading the order and fulfilling it (a real backend reserves stock,
// calls its warehouse): long enough that concurrent copies of one notify
// all read the order pending before any fulfils, so the bug shows on
// every run, not only when the scheduler happens to interleave them.
const checkThenActWork = 250 * time.Millisecond // wider than any delay between copies sent at once, on a loaded CI machine under -race too

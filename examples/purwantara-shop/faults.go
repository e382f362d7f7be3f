package purwantarashop

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
	faultWebhookNoVerify      = "webhook-no-verify"
	faultVerifyReencodedJSON  = "verify-reencoded-json"
	faultDoubleFulfil         = "double-fulfil-on-redelivery"
	faultDedupeByDeliveryOnly = "dedupe-by-delivery-id"
	faultExpiredAsPaid        = "expired-as-paid"
	faultBearerWebhookSecret  = "bearer-webhook-secret"
	faultCreateIgnoresStatus  = "create-ignores-status"
	faultTrustReturnQuery     = "trust-return-query"
	faultTrustSignedAmount    = "trust-signed-amount"
	faultCheckThenAct         = "fulfil-check-then-act"
	faultMatchByAmount        = "match-by-amount"
	faultStatusFromWebhook    = "status-from-webhook"
	faultSignatureCache       = "signature-cache"
	faultSignaturePerTx       = "signature-cache-per-transaction"
	faultUnsignedAccepted     = "unsigned-webhook-accepted"
	faultFailedUnhandled      = "failed-status-unhandled"
	faultNoReconcile          = "no-reconcile"
	faultReuseReference       = "reuse-reference"
	faultActiveReopens        = "active-reopens-order"
	faultReturnFinalAsPaid    = "return-final-as-paid"
)

var faultCatalogue = map[string]string{
	faultSignatureCache: "remembers every Signature that verified and accepts a webhook carrying one of them without hashing its body " +
		"(retries repeat the same Signature), so another webhook's Signature passes on a forged body",
	faultSignaturePerTx: "remembers the Signatures that verified per transaction uuid and accepts a later webhook of that transaction " +
		"carrying one of them without hashing its body, so a delivered webhook edited after signing (ACTIVE made PAID) pays the order",
	faultUnsignedAccepted: "checks the Signature only when the header is present, " +
		"so a webhook without one (anyone's) is accepted and can mark orders paid",
	faultFailedUnhandled: "knows only the statuses ACTIVE, PAID and EXPIRED and answers a FAILED webhook 400, " +
		"so Purwantara keeps retrying it and the failed order stays pending",
	faultNoReconcile: "its reconcile job reads only its own database and never asks Purwantara's inquiry, " +
		"so a paid order whose webhook was lost stays pending forever",
	faultReuseReference: "sends the shopper's cart id as every order's reference (external_id; order_id for QRIS), " +
		"so Purwantara refuses the cart's second order with 422 has already been taken",
	faultActiveReopens: "puts a closed (expired, failed, cancelled) order back to pending when an ACTIVE webhook comes, " +
		"so a replayed creation webhook revives an order Purwantara has closed",
	faultReturnFinalAsPaid: "on the shopper's return asks Purwantara's inquiry and takes any finished status (not ACTIVE) as paid, " +
		"so a shopper coming back from an expired or failed payment gets the order",
	faultTrustSignedAmount: "trusts a correctly signed webhook's amount without comparing it with the order's, " +
		"so a payment of another amount (a payment link edited, a partial counter payment) pays the order in full",
	faultCheckThenAct: "ships when the order it read at the start of the webhook was pending, then records the payment, " +
		"with no conditional update: two copies of a PAID webhook handled at once both ship",
	faultMatchByAmount: "matches a webhook whose external_id it does not know to its newest pending order of the same amount, " +
		"so someone else's payment (a dashboard payment link) pays this order",
	faultStatusFromWebhook: "copies every webhook's status onto the order, " +
		"so a late ACTIVE event (the creation webhook retried after the payment) turns a paid order back to pending",
	faultCreateIgnoresStatus: "reports an order created whenever a create answer carries a JSON body, " +
		"ignoring status and success, so a refused payment (401, 422) is shown to the shopper as payable",
	faultTrustReturnQuery: "marks a pending order paid and fulfils it when the shopper's return URL says status=PAID " +
		"(or SUCCESS), which anyone can type into the address bar without paying",
	faultWebhookNoVerify: "accepts webhooks without checking the Signature header, " +
		"so anyone who can reach the callback URL can mark orders paid",
	faultVerifyReencodedJSON: "verifies the HMAC over the payload re-serialised with Go's encoding/json, " +
		`which writes "/" unescaped and sorts keys, so genuine webhooks are rejected and orders never get paid`,
	faultDoubleFulfil: "fulfils on every PAID webhook with no exactly-once guard, " +
		"so Purwantara's retries and redeliveries ship the goods twice",
	faultDedupeByDeliveryOnly: "guards fulfilment only by X-PPN-Delivery, " +
		"so the same PAID event delivered again under a new delivery id ships twice",
	faultExpiredAsPaid: "treats every webhook whose status is not ACTIVE as paid, " +
		"so expired, failed and cancelled payments are shipped",
	faultBearerWebhookSecret: "sends the webhook secret as the Bearer token instead of the API token, " +
		"so every create is refused with 401 Unauthenticated",
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

// faultSet is the set of faults a shop was started with; empty is correct.
type faultSet map[string]bool

// newFaultSet validates names so a typo is an error, not a correct shop.
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
// its warehouse): long enough that concurrent copies of one webhook all
// read the order pending before any fulfils, so the bug shows on every
// run, not only when the scheduler happens to interleave them.
const checkThenActWork = 250 * time.Millisecond // wider than any delay between copies sent at once, on a loaded CI machine under -race too

package astapashop

import (
	"fmt"
	"sort"
	"time"
)

// Fault is one deliberate integration bug the shop can be started with.
type Fault struct {
	Name        string
	Description string
}

const (
	faultWebhookTrusted      = "webhook-trusted-without-verify"
	faultDoubleFulfil        = "double-fulfil"
	faultAmountNotInteger    = "amount-not-integer"
	faultReuseOrderID        = "reuse-order-id"
	faultVerifyMidtransField = "verify-reads-midtrans-field"
	faultNoReconcile         = "no-reconcile"
	faultVerifyAnyStatusPaid = "verify-any-status-paid"
	faultCheckThenAct        = "fulfil-check-then-act"
	faultVerifyErrorTrusts   = "verify-error-trusts-webhook"
	faultCancelOnForged      = "cancel-on-forged"
	faultVerifyMetadataOrder = "verify-metadata-order"
	faultExpireLeftPending   = "expire-left-pending"
	faultWebhookUnlessPend   = "webhook-confirmed-unless-pending"
)

var faultCatalogue = map[string]string{
	faultExpireLeftPending: "knows verify's cancel but reads its expire as still payable and leaves the order pending, " +
		"so an expired payment's order stays open forever and its stock stays reserved",
	faultWebhookUnlessPend: "takes item.purchased as confirmed whenever verify no longer says pending, " +
		"so a forged webhook for a cancelled or expired payment ships the goods",
	faultWebhookTrusted: "fulfils on item.purchased without asking verify, " +
		"so anyone who can POST to the webhook URL gets goods for free (Astapa signs nothing)",
	faultDoubleFulfil: "fulfils on every confirmed webhook with no exactly-once guard, " +
		"so retries and duplicates ship the goods twice",
	faultAmountNotInteger: `sends amount as a decimal string ("15000.00"), ` +
		"which Astapa refuses: amount is an integer of rupiah",
	faultReuseOrderID: `builds order_id as "AS-" + the current minute, ` +
		"so two checkouts in the same minute collide",
	faultVerifyMidtransField: "reads transaction_status from the verify answer (Midtrans' field name) instead of status, " +
		"so it never sees a payment settle",
	faultNoReconcile: "never asks verify on its own, " +
		"so a lost webhook leaves a paid order pending and cancellations are never seen",
	faultVerifyAnyStatusPaid: "treats any verify status other than pending as paid, " +
		"so expired, cancelled and refunded payments are shipped",
	faultCheckThenAct: "reads the order, asks verify, and fulfils if the order it read was pending, " +
		"with no conditional update: two copies of item.purchased handled at once both ship",
	faultVerifyErrorTrusts: "when verify fails or times out, trusts the webhook instead " +
		"(fail open), so a forged item.purchased sent while Astapa is slow gets goods for free",
	faultCancelOnForged: "cancels an order whose item.purchased verify does not confirm, as suspected fraud, " +
		"so a forged webhook lets anyone cancel a buyer's order before the buyer pays",
	faultVerifyMetadataOrder: "confirms with verify the order named in metadata.order_ref but marks paid the one named in order_id, " +
		"so a paid payment's webhook with order_id altered pays another order",
}

// Faults lists every fault, sorted by name.
func Faults() []Fault {
	out := make([]Fault, 0, len(faultCatalogue))
	for n, d := range faultCatalogue {
		out = append(out, Fault{Name: n, Description: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

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
// its warehouse): long enough that concurrent copies of one webhook all
// read the order pending before any fulfils, so the bug shows on every
// run, not only when the scheduler happens to interleave them.
const checkThenActWork = 250 * time.Millisecond // wider than any delay between copies sent at once, on a loaded CI machine under -race too

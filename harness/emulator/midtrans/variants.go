package midtrans

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/internal/burst"
)

// wrongServerKey signs the wrong_signature variant: a key that looks real
// but is not the merchant's.
const wrongServerKey = "SB-Mid-server-uatrun-not-your-key"

// variant crafts one kind of one-shot notification: from the honest
// fields it makes the bodies to send, in order, and says what was done.
type variant struct {
	copies int // default number of copies (ignored by multi-body variants)
	craft  func(e *Emulator, t *txn, f map[string]any, c crafting) ([][]byte, string, error)
}

// crafting is what a variant may read besides the honest fields: the
// transaction_status asked for and the action's params; e.mu is held.
type crafting struct {
	status string
	params map[string]string
}

// variants are the crafted notifications a scenario can send.
var variants = map[string]variant{
	"valid":      {1, craftValid},
	"duplicate":  {2, craftValid},
	"concurrent": {5, craftValid},
	"wrong_signature": {1, func(e *Emulator, t *txn, f map[string]any, _ crafting) ([][]byte, string, error) {
		f["signature_key"] = signWith(wrongServerKey, t.orderID, str(f["status_code"]), str(f["gross_amount"]))
		return [][]byte{encodeJSON(f)}, "signature_key computed with a server key that is not the merchant's", nil
	}},
	"missing_signature": {1, func(e *Emulator, t *txn, f map[string]any, _ crafting) ([][]byte, string, error) {
		delete(f, "signature_key")
		return [][]byte{encodeJSON(f)}, "signature_key removed", nil
	}},
	"tampered_amount": {1, func(e *Emulator, t *txn, f map[string]any, _ crafting) ([][]byte, string, error) {
		f["gross_amount"] = amount(tampered(t.gross))
		return [][]byte{encodeJSON(f)}, "signed over the true gross_amount, then gross_amount changed to " + amount(tampered(t.gross)), nil
	}},
	"wrong_amount": {1, func(e *Emulator, t *txn, f map[string]any, _ crafting) ([][]byte, string, error) {
		g := amount(offByOne(t.gross))
		f["gross_amount"] = g
		f["signature_key"] = e.signature(t.orderID, str(f["status_code"]), g)
		return [][]byte{encodeJSON(f)}, "validly signed, but gross_amount " + g + " is not the transaction's " + amount(t.gross), nil
	}},
	"out_of_order": {1, func(e *Emulator, t *txn, f map[string]any, _ crafting) ([][]byte, string, error) {
		settled := e.notifyFields(t, StatusSettlement)
		late := e.notifyFields(t, StatusPending)
		delete(late, "settlement_time")
		return [][]byte{encodeJSON(settled), encodeJSON(late)},
			"a valid settlement, then a valid pending notification that arrives late (as after a retry)", nil
	}},
	"other_order_signature": {1, craftOtherOrderSignature},
	"replay":                {1, craftReplay},
}

// craftOtherOrderSignature is this transaction's notification carrying the
// signature_key of another order: the one Midtrans computed for the
// transaction named by signature_from (order_id, transaction_id or token)
// with the same status_code and its own gross_amount, i.e. what that
// order's genuine notification of this kind carried. Only a merchant that
// recomputes signature_key over THIS notification's order_id disregards it.
func craftOtherOrderSignature(e *Emulator, t *txn, f map[string]any, c crafting) ([][]byte, string, error) {
	from := c.params["signature_from"]
	if from == "" {
		return nil, "", fmt.Errorf("midtrans: notification other_order_signature needs signature_from: the order_id of another transaction whose signature_key to copy")
	}
	other, err := e.st.lookup(from)
	if err != nil {
		return nil, "", err
	}
	if other == t {
		return nil, "", fmt.Errorf("midtrans: notification other_order_signature: signature_from %q is this transaction; name another order", from)
	}
	code := str(f["status_code"])
	f["signature_key"] = e.signature(other.orderID, code, amount(other.gross))
	return [][]byte{encodeJSON(f)}, fmt.Sprintf("signature_key copied from order %s (sha512 of its order_id + %q + %q + server key)",
		other.orderID, code, amount(other.gross)), nil
}

// craftReplay resends, byte for byte, the last genuine notification with
// the asked transaction_status that the merchant already received for this
// transaction (answered at all): a replay of something already seen,
// after the order may have moved on. Its signature_key is valid: it is
// Midtrans' own.
func craftReplay(e *Emulator, t *txn, _ map[string]any, c crafting) ([][]byte, string, error) {
	for i := len(t.seen) - 1; i >= 0; i-- {
		if t.seen[i].status == c.status {
			return [][]byte{t.seen[i].body}, fmt.Sprintf("a replay, byte for byte, of the %s notification delivered earlier; the transaction is now %s",
				c.status, t.status), nil
		}
	}
	return nil, "", fmt.Errorf("midtrans: %w: nothing to replay: no %s notification for %s has reached the merchant yet", errState, c.status, t.orderID)
}

func craftValid(_ *Emulator, _ *txn, f map[string]any, _ crafting) ([][]byte, string, error) {
	return [][]byte{encodeJSON(f)}, "", nil
}

// maxCopies bounds how many copies one action may send.
const maxCopies = 100

// actNotify sends a crafted notification variant, with no retries, to
// the transaction's first notification URL. A legitimate variant (valid,
// duplicate, concurrent) first brings the transaction to the state it
// reports (agreeLocked); the adversarial ones change nothing.
func (e *Emulator) actNotify(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	name := a.Params["variant"]
	if name == "" {
		name = "valid"
	}
	v, ok := variants[name]
	if !ok {
		return emulator.Result{}, fmt.Errorf("midtrans: unknown notification variant %q; valid variants: %s", name, strings.Join(variantNames(), ", "))
	}
	status := a.Params["status"]
	if status == "" {
		status = StatusSettlement
	}
	if !slices.Contains(notifyStatuses, status) {
		return emulator.Result{}, fmt.Errorf("midtrans: notification status %q: want a transaction_status, one of %s", status, strings.Join(notifyStatuses, ", "))
	}
	copies, err := parseCopies(a.Params["copies"], v.copies)
	if err != nil {
		return emulator.Result{}, err
	}
	ds, note, err := e.crafted(ctx, a.Order, name, v, copies, crafting{status: status, params: a.Params})
	if err != nil {
		return emulator.Result{}, err
	}
	if note != "" {
		note += "; "
	}
	return emulator.Delivered(ds, fmt.Sprintf("%snotification %s (transaction_status %s) sent %d time(s) for order %s; %d answered 2xx",
		note, name, status, len(ds), a.Order, emulator.Acked(ds))), nil
}

// crafted builds and sends the variant's bodies. Copies of duplicate go one
// after another, copies of concurrent all at once, with identical bytes.
func (e *Emulator) crafted(ctx context.Context, id, name string, v variant, copies int, c crafting) ([]emulator.Delivery, string, error) {
	e.mu.Lock()
	t, err := e.st.lookup(id)
	if err != nil {
		e.mu.Unlock()
		return nil, "", err
	}
	note := ""
	if legitimate[name] {
		if note, err = e.agreeLocked(t, name, c.status); err != nil {
			e.mu.Unlock()
			return nil, "", err
		}
	}
	bodies, why, err := v.craft(e, t, maps.Clone(e.notifyFields(t, c.status)), c)
	if err != nil {
		e.mu.Unlock()
		return nil, "", err
	}
	whys := make([]string, len(bodies))
	for i, b := range bodies {
		whys[i] = why
		if legitimate[name] {
			continue
		}
		if lie := e.disagreementLocked(t, b); lie != "" && why != "" {
			whys[i] = why + "; " + lie
		} else if lie != "" {
			whys[i] = lie
		}
	}
	target := ""
	if targets := e.targetsLocked(t); len(targets) > 0 {
		target = targets[0]
	}
	e.mu.Unlock()
	job := notifyJob{t: t, order: t.orderID, variant: name, target: target, watch: name != "concurrent"}
	if target == "" {
		job.body = bodies[0]
		return []emulator.Delivery{e.undeliverable(job, 1)}, note, nil
	}
	if len(bodies) > 1 {
		copies = 1
	}
	if name == "concurrent" {
		// Every copy on its own connection, its last byte held until all
		// are ready, so the merchant's handlers truly overlap.
		job.body = bodies[0]
		gate := burst.NewGate(copies)
		return emulator.SendCopies(copies, true, func(i int) emulator.Delivery {
			return e.sendWith(ctx, gate.Client(e.client), job, i, e.selfCheck(job.body, ""))
		}), note, nil
	}
	var out []emulator.Delivery
	for i, b := range bodies {
		job.body = b
		check := e.selfCheck(b, whys[i])
		for range copies {
			out = append(out, e.send(ctx, job, len(out)+1, check))
		}
	}
	return out, note, nil
}

// legitimate are the variants that tell the truth: what the Get Status
// API answers when they are sent. The others may lie, and their record
// says what they claim against that answer.
var legitimate = map[string]bool{"valid": true, "duplicate": true, "concurrent": true}

// agreeLocked makes t agree with a legitimate notification of status
// before it is sent, so the notification and the Get Status API never
// contradict each other: a settlement notification for a transaction
// that may still be paid (pending, a new try after a denial, an accepted
// card capture) settles it first; a pending one for a Snap transaction
// whose shopper has not chosen yet makes it known (bank_transfer); a
// deny, expire or cancel one closes a pending transaction that way. A
// legitimate notification contradicting any other state is refused: only
// the adversarial variants lie, and say so in their record. It returns
// what it did, "" when t already agreed; e.mu is held.
func (e *Emulator) agreeLocked(t *txn, name, status string) (string, error) {
	current := e.st.byOrder[t.orderID] == t
	if current && t.chosen && status == t.status {
		return "", nil
	}
	open := current && t.status == StatusPending && !t.snapCanceled
	did := ""
	switch {
	case status == StatusSettlement && current && e.allowed(t, actPay, transitions[actPay].from) == nil:
		if t.status == StatusDeny {
			t.transactionID = newUUID() // a new try in the same Snap session is a new charge
			e.st.byID[t.transactionID] = t
		}
		t.chosen, t.status, t.fraud, t.settled = true, StatusSettlement, FraudAccept, e.clockOf(t).Now()
		t.stopExpiry()
		did = "settled"
	case status == StatusPending && open && !t.chosen:
		t.chosen = true
		e.armPaymentWindow(t)
		did = "made known to the Core API (the shopper chose " + t.paymentTypeOr() + ")"
	case (status == StatusDeny || status == StatusExpire || status == StatusCancel) && open && t.chosen:
		t.status = status
		if status == StatusDeny {
			t.denials++
		} else {
			t.stopExpiry()
		}
		did = map[string]string{StatusDeny: "denied", StatusExpire: "expired", StatusCancel: "cancelled"}[status]
	default:
		return "", fmt.Errorf("midtrans: %w: a %s notification says transaction_status %s but the Get Status API answers %s; Midtrans only notifies what its status API answers, "+
			"so use an adversarial variant (out_of_order, replay, wrong_amount, …) to send a notification that disagrees",
			errState, name, status, e.answerLocked(t))
	}
	return "transaction " + t.orderID + " " + did + " first, so GET /v2/" + t.orderID + "/status answers " + status + " as the notification says", nil
}

func variantNames() []string { return slices.Sorted(maps.Keys(variants)) }

// parseCopies reads the copies param: 1..maxCopies, "" = the default.
func parseCopies(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxCopies {
		return 0, fmt.Errorf("midtrans: copies %q must be a whole number from 1 to %d", s, maxCopies)
	}
	return n, nil
}

// tampered is the classic pay-less forgery: 1 rupiah (2 if the order
// really is 1).
func tampered(gross int64) int64 {
	if gross == 1 {
		return 2
	}
	return 1
}

// offByOne is one rupiah off the transaction's amount.
func offByOne(gross int64) int64 {
	if gross > 1 {
		return gross - 1
	}
	return gross + 1
}

func str(v any) string { s, _ := v.(string); return s }

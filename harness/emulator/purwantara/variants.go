package purwantara

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/internal/burst"
	"github.com/uatrun/uatrun/harness/evidence"
)

// variant crafts one kind of one-shot webhook. build returns the wire for
// copy i (from 0) and, for the evidence, what was done to it.
type variant struct {
	copies int // default number of copies
	// needsLast marks variants that repeat the transaction's last real
	// event instead of forging a new one.
	needsLast bool
	build     func(e *Emulator, c crafting, i int) (wire, string)
}

// crafting is what a variant works from.
type crafting struct {
	body       []byte // the honest payload for the asked status
	payload    obj    // body before encoding
	t          *tx
	last       *event // the last real event, for redelivery variants
	from       *event // other_signature: the other transaction's last real event
	replayed   *event // replay: the newest real event of the asked status
	status     string // the asked status
	deliveryID string // one X-PPN-Delivery for every copy of a burst
}

// wrongSecret signs webhooks no merchant should accept.
const wrongSecret = "uatrun-not-the-team-secret"

// variants are the adversarial webhooks a scenario can send (§ notify).
var variants = map[string]variant{
	"valid": {copies: 1, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		return signedWire(c.body, newUUID(), e.o.WebhookSecret), "a fresh, validly signed event"
	}},
	"wrong_secret": {copies: 1, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		secret := wrongSecret
		if secret == e.o.WebhookSecret {
			secret += "!"
		}
		return signedWire(c.body, newUUID(), secret), "signed with a secret that is not the team's"
	}},
	"tampered_amount": {copies: 1, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		w := signedWire(c.body, newUUID(), e.o.WebhookSecret)
		fake := tamperedAmount(c.t.amount)
		w.body = withAmount(c.body, formatAmount(c.t.amount), fake)
		return w, "signed over the true payload, then amount changed to " + fake
	}},
	"missing_signature": {copies: 1, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		w := signedWire(c.body, newUUID(), e.o.WebhookSecret)
		w.header.Del(HeaderSignature)
		return w, "Signature header removed"
	}},
	"redelivery": {copies: 1, needsLast: true, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		return signedWire(c.last.body, c.last.deliveryID, e.o.WebhookSecret),
			"the last " + c.last.status + " event again: same bytes, same X-PPN-Delivery " + c.last.deliveryID
	}},
	"new_delivery_id": {copies: 1, needsLast: true, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		return signedWire(c.last.body, newUUID(), e.o.WebhookSecret),
			"the last " + c.last.status + " event again: same bytes, a new X-PPN-Delivery (first was " + c.last.deliveryID + ")"
	}},
	// tampered_status: the transaction's last real event (already
	// delivered, its Signature genuine) with its status rewritten to the
	// asked one (default PAID) and nothing else changed: a merchant that
	// hashes the raw body rejects it; one that trusts a Signature it has
	// seen before for this transaction, without hashing, does not.
	"tampered_status": {copies: 1, needsLast: true, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		w := signedWire(c.last.body, newUUID(), e.o.WebhookSecret)
		w.body = withStatus(c.last.body, c.last.status, c.status)
		return w, "the last " + c.last.status + " event under its genuine Signature, its status changed to " + c.status + " (a new X-PPN-Delivery)"
	}},
	// other_signature: a fresh event for this transaction carrying the
	// Signature of another transaction's last real webhook (from).
	"other_signature": {copies: 1, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		w := signedWire(c.body, newUUID(), e.o.WebhookSecret)
		w.header.Set(HeaderSignature, Sign(e.o.WebhookSecret, c.from.body))
		return w, "a " + c.status + " event for this transaction under the genuine Signature of another transaction's " + c.from.status + " webhook"
	}},
	// replay: an earlier real event of the transaction (the newest with the
	// asked status), its bytes and Signature as sent, under a new
	// X-PPN-Delivery: what someone who captured it sends after the payment
	// moved on.
	"replay": {copies: 1, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		return signedWire(c.replayed.body, newUUID(), e.o.WebhookSecret),
			"the earlier " + c.replayed.status + " event replayed: same bytes and Signature, a new X-PPN-Delivery (first was " + c.replayed.deliveryID + ")"
	}},
	// concurrent: one event, validly signed, its copies released together
	// with one X-PPN-Delivery, as when a retry overlaps a slow first
	// delivery.
	"concurrent": {copies: 10, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		return signedWire(c.body, c.deliveryID, e.o.WebhookSecret), "one validly signed event, every copy in flight at once (same X-PPN-Delivery " + c.deliveryID + ")"
	}},
	// unknown_order: a validly signed event for a transaction the merchant
	// never created: a new uuid and external_id null, as in the published
	// sample (a payment link made on the dashboard).
	"unknown_order": {copies: 1, build: func(e *Emulator, c crafting, _ int) (wire, string) {
		body := marshalPHP(unknownPayload(c.t, c.payload))
		return signedWire(body, newUUID(), e.o.WebhookSecret), "a validly signed event for a transaction the merchant never created (new uuid, external_id null)"
	}},
}

// unknownPayload is p for another, unknown transaction: a new uuid and
// no external_id.
func unknownPayload(t *tx, p obj) obj {
	out := make(obj, 0, len(p))
	for _, f := range p {
		switch f.k {
		case "uuid":
			f.v = newUUID()
		case "external_id":
			f.v = nil
		case "payment_link_url":
			f.v = nil
		}
		out = append(out, f)
	}
	return out
}

// variantNames lists the variants, sorted, for error messages.
func variantNames() []string {
	out := make([]string, 0, len(variants))
	for k := range variants {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

// statuses are the values a crafted event may carry.
var statuses = []string{StatusActive, StatusPaid, StatusExpired, StatusFailed, StatusCancelled}

// maxCopies bounds how many copies one action may send.
const maxCopies = 100

// crafted sends a one-shot webhook variant for ref, with no retries. A
// valid or concurrent event first brings the transaction to the status it
// reports (agree); the others change nothing. Copies go one after another, except those of
// concurrent, which are released together. amount (ten-thousandths; 0 =
// the transaction's) is what a valid or concurrent event says was paid.
func (e *Emulator) crafted(ctx context.Context, ref, name, status string, copies int, amount int64, from string) ([]emulator.Delivery, error) {
	v, ok := variants[name]
	if !ok {
		return nil, fmt.Errorf("purwantara: unknown notify variant %q; valid variants: %s", name, strings.Join(variantNames(), ", "))
	}
	if copies == 0 {
		copies = v.copies
	}
	held, err := e.holdSends(ref) // a webhook still in flight goes out first
	if err != nil {
		return nil, err
	}
	defer held.sendMu.Unlock()
	truthful := false
	if legitimate[name] {
		if truthful, err = e.agree(held, name, status, amount); err != nil {
			return nil, err
		}
	}
	c, err := e.crafting(ref, status, v.needsLast, amount)
	if err != nil {
		return nil, err
	}
	if err := e.craftingFor(name, ref, from, &c); err != nil {
		return nil, err
	}
	target := e.CallbackURL()
	check := func(w wire, why string) *evidence.SignatureCheck {
		if !truthful {
			e.mu.Lock()
			lie := e.disagreementLocked(c.t, w.body)
			e.mu.Unlock()
			if lie != "" {
				why += "; " + lie
			}
		}
		return e.selfCheck(w, why)
	}
	if name == "concurrent" && target != "" {
		gate := burst.NewGate(copies)
		return emulator.SendCopies(copies, true, func(i int) emulator.Delivery {
			w, why := v.build(e, c, i-1)
			w.label, w.variant = "webhook "+name, name
			return e.sendWith(ctx, gate.Client(e.client), c.t, target, w, i, check(w, why))
		}), nil
	}
	out := make([]emulator.Delivery, 0, copies)
	for i := range copies {
		if target == "" {
			out = append(out, e.undeliverable(job{t: c.t, ev: &event{body: c.body, status: status}}, i+1))
			continue
		}
		w, why := v.build(e, c, i)
		w.label, w.variant = "webhook "+name, name
		out = append(out, e.send(ctx, c.t, target, w, i+1, check(w, why)))
	}
	return out, nil
}

// legitimate are the variants that tell the truth: what the inquiry API
// answers when they are sent (redelivery and new_delivery_id repeat the
// transaction's last real event, which says its current status). The
// others may lie, and their record says what they claim against that
// answer.
var legitimate = map[string]bool{"valid": true, "concurrent": true}

// agree makes t agree with a valid or concurrent event of status before
// it is sent, so the webhook and the inquiry API never contradict each
// other: an event closing an ACTIVE transaction (PAID, FAILED, EXPIRED,
// CANCELLED for a virtual account) moves it first, as the simulator would,
// and becomes its last real event. Two deliberate lies stay possible and
// are recorded as such: an ACTIVE event for a transaction that has left
// ACTIVE (its creation webhook arriving late, PPN-PAY-08), and an event
// saying another amount was paid (PPN-SIG-04). Any other contradiction is
// refused. It reports whether the event tells the truth; t.sendMu is held.
func (e *Emulator) agree(t *tx, name, status string, amount int64) (bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if amount != 0 && amount != t.amount {
		return false, nil // a signed event claiming another amount: recorded against the inquiry's
	}
	switch {
	case t.forgotten:
	case status == t.status:
		return true, nil
	case status == StatusActive:
		return false, nil // a late creation event: recorded against the inquiry's status
	case t.status == StatusActive && (status != StatusCancelled || t.ch.cancellable):
		t.stopExpiry()
		now := e.clk.Now()
		if status == StatusPaid {
			t.status, t.paid = StatusPaid, now
			if t.ch.path == "payment-link" && t.provider == "" {
				t.provider = paymentLinkDefaultPayer
			}
		} else {
			t.status, t.closed = status, now
		}
		e.eventLocked(t)
		return true, nil
	}
	answer := t.status
	if t.forgotten {
		answer = "404 (no longer kept)"
	}
	return false, fmt.Errorf("purwantara: %w: a %s webhook says %s but the inquiry API answers %s for %s; Purwantara only notifies what it would answer, "+
		"so use an adversarial variant (replay, tampered_status, tampered_amount, …) to send a webhook that disagrees",
		emulator.ErrOrderState, name, status, answer, t.ref)
}

// crafting snapshots what a variant needs: the payload as if the
// transaction were in status now (a paid event is paid now, through the
// transaction's provider or, for a payment link, OVO).
func (e *Emulator) crafting(ref, status string, needsLast bool, amount int64) (crafting, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(ref)
	if err != nil {
		return crafting{}, err
	}
	if needsLast && t.last == nil {
		return crafting{}, fmt.Errorf("purwantara: %w: transaction %s has had no webhook yet, so there is nothing to deliver again; run gateway: pay first",
			emulator.ErrOrderState, ref)
	}
	var paid time.Time
	provider := t.provider
	if status == StatusPaid {
		paid = t.paid
		if paid.IsZero() {
			paid = e.clk.Now()
		}
		if provider == "" {
			provider = paymentLinkDefaultPayer
		}
	}
	p := payload(t, status, paid, provider)
	if amount != 0 {
		for i := range p {
			if p[i].k == "amount" {
				p[i].v = formatAmount(amount)
			}
		}
	}
	return crafting{body: marshalPHP(p), payload: p, t: t, last: t.last, status: status, deliveryID: newUUID()}, nil
}

// craftingFor adds what other_signature (the other transaction's last
// event) and replay (the earlier event of the asked status) work from.
func (e *Emulator) craftingFor(name, ref, from string, c *crafting) error {
	if from != "" && name != "other_signature" {
		return fmt.Errorf("purwantara: notify from applies to variant other_signature only")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	switch name {
	case "other_signature":
		if from == "" {
			return fmt.Errorf("purwantara: notify other_signature needs from: the uuid or reference of another transaction whose webhook's Signature to send")
		}
		o, err := e.st.lookup(from)
		if err != nil {
			return err
		}
		if o == c.t {
			return fmt.Errorf("purwantara: notify other_signature: from %q is this transaction; name another one", from)
		}
		if o.last == nil {
			return fmt.Errorf("purwantara: %w: transaction %s has had no webhook yet, so it has no Signature to lend", emulator.ErrOrderState, from)
		}
		c.from = o.last
	case "replay":
		for i := len(c.t.events) - 1; i >= 0; i-- {
			if c.t.events[i].status == c.status {
				c.replayed = c.t.events[i]
				return nil
			}
		}
		return fmt.Errorf("purwantara: %w: transaction %s has had no real %s webhook to replay", emulator.ErrOrderState, ref, c.status)
	}
	return nil
}

// withStatus rewrites the top-level "status" member, leaving every other
// byte as signed.
func withStatus(body []byte, old, repl string) []byte {
	return []byte(strings.Replace(string(body), `"status":`+strconv.Quote(old), `"status":`+strconv.Quote(repl), 1))
}

// tamperedAmount is the classic pay-less forgery: 1 rupiah (2 if the
// transaction really is 1).
func tamperedAmount(n int64) string {
	if n == 10000 {
		return formatAmount(20000)
	}
	return formatAmount(10000)
}

// withAmount rewrites the top-level "amount" member, leaving every other
// byte as signed.
func withAmount(body []byte, old, repl string) []byte {
	return []byte(strings.Replace(string(body), `"amount":`+strconv.Quote(old), `"amount":`+strconv.Quote(repl), 1))
}

// parseCopies reads the copies param: 1..maxCopies, "" = the default.
func parseCopies(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxCopies {
		return 0, fmt.Errorf("purwantara: copies %q must be a whole number from 1 to %d", s, maxCopies)
	}
	return n, nil
}

// parseStatus reads the notify status param (default PAID).
func parseStatus(s string) (string, error) {
	if s == "" {
		return StatusPaid, nil
	}
	u := strings.ToUpper(s)
	if !slices.Contains(statuses, u) {
		return "", fmt.Errorf("purwantara: notify status %q: want one of %s", s, strings.Join(statuses, ", "))
	}
	return u, nil
}

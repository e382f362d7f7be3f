package dana

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// variant crafts one kind of one-shot notify: it turns the honest event
// into the wire to send and says, for the evidence, what was done to it.
type variant struct {
	copies int // default number of copies
	craft  func(e *Emulator, job notifyJob, fields map[string]any, now time.Time) (wire, string)
}

// variants are the crafted notifies a scenario can send (§ notify action).
var variants = map[string]variant{
	"valid":      {1, craftValid},
	"duplicate":  {2, craftValid},
	"concurrent": {5, craftValid},
	"wrong_key": {1, func(e *Emulator, job notifyJob, _ map[string]any, now time.Time) (wire, string) {
		return e.signedWire(job, snap.FormatTimestamp(now), emulator.UntrustedKey()), "signed with a key that is not the gateway's"
	}},
	"tampered_body": {1, func(e *Emulator, job notifyJob, fields map[string]any, now time.Time) (wire, string) {
		w := e.signedWire(job, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.body = notifyBody(withAmount(fields, tamperedAmount(job.o.cents)))
		return w, "signed over the true body, then amount changed to " + tamperedAmount(job.o.cents)
	}},
	"missing_signature": {1, func(e *Emulator, job notifyJob, _ map[string]any, now time.Time) (wire, string) {
		w := e.signedWire(job, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.header.Del("X-SIGNATURE")
		return w, "X-SIGNATURE header removed"
	}},
	"missing_timestamp": {1, func(e *Emulator, job notifyJob, _ map[string]any, now time.Time) (wire, string) {
		w := e.signedWire(job, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.header.Del("X-TIMESTAMP")
		return w, "X-TIMESTAMP header removed after signing"
	}},
	"malformed_timestamp": {1, func(e *Emulator, job notifyJob, _ map[string]any, now time.Time) (wire, string) {
		ts := now.UTC().Format("2006-01-02T15:04:05Z")
		return e.signedWire(job, ts, e.o.GatewayPrivateKey), "X-TIMESTAMP in UTC Z form " + ts + " (DANA sends +07:00), signed over it"
	}},
	"stale_timestamp": {1, func(e *Emulator, job notifyJob, _ map[string]any, now time.Time) (wire, string) {
		ts := snap.FormatTimestamp(now.Add(-time.Hour))
		return e.signedWire(job, ts, e.o.GatewayPrivateKey), "X-TIMESTAMP " + ts + " is 1 h behind the wall clock at sending, validly signed"
	}},
	variantOtherOrder: {1, func(e *Emulator, job notifyJob, fields map[string]any, now time.Time) (wire, string) {
		other := job
		other.body = notifyBody(otherOrder(fields))
		w := e.signedWire(other, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.body = job.body
		return w, "headers of a validly signed notify for another order"
	}},
	// replay is the first genuine notify sent for the order, resent
	// unchanged: the same body, X-TIMESTAMP, X-EXTERNAL-ID and X-SIGNATURE,
	// so its signature verifies. crafted builds it (it needs the order's
	// history); this entry only names it and its copies.
	variantReplay: {1, nil},
	"wrong_amount": {1, func(e *Emulator, job notifyJob, fields map[string]any, now time.Time) (wire, string) {
		job.body = notifyBody(withAmount(fields, wrongAmount(job.o.cents)))
		return e.signedWire(job, snap.FormatTimestamp(now), e.o.GatewayPrivateKey),
			"validly signed, but amount " + wrongAmount(job.o.cents) + " is not the order's"
	}},
}

// variantReplay resends an already-seen notify (see crafted).
const variantReplay = "replay"

// variantOtherOrder carries another order's signature. With the from
// param it is the headers of a real notify DANA sent for that order (see
// crafted); without, of a made-up order.
const variantOtherOrder = "other_order_signature"

func craftValid(e *Emulator, job notifyJob, _ map[string]any, now time.Time) (wire, string) {
	return e.signedWire(job, snap.FormatTimestamp(now), e.o.GatewayPrivateKey), ""
}

// variantNames lists the variants, sorted, for error messages.
func variantNames() []string {
	out := make([]string, 0, len(variants))
	for k := range variants {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maxCopies bounds how many copies one action may send.
const maxCopies = 100

// crafted sends a one-shot notify variant for order ref: no state change,
// no retries. Copies of duplicate are sent one after another, copies of
// concurrent all at once; every copy carries identical bytes.
func (e *Emulator) crafted(ctx context.Context, ref, name, status string, copies int, from string) ([]emulator.Delivery, error) {
	v, ok := variants[name]
	if !ok {
		return nil, fmt.Errorf("dana: unknown notify variant %q; valid variants: %v", name, variantNames())
	}
	if copies == 0 {
		copies = v.copies
	}
	e.mu.Lock()
	o, err := e.st.lookup(ref)
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	now := e.clk.Now()
	fields := notifyFields(o, status, now)
	job := notifyJob{o: o, partnerRef: o.partnerRef, variant: name, body: notifyBody(fields),
		target: e.notifyTarget(o), partnerID: o.partnerID}
	seen := o.firstSent
	if from != "" {
		other, err := e.st.lookup(from)
		if err != nil {
			e.mu.Unlock()
			return nil, err
		}
		if other == o {
			e.mu.Unlock()
			return nil, fmt.Errorf("dana: notify %s: from names order %s itself; name another order", variantOtherOrder, ref)
		}
		seen = other.firstSent
	}
	if seen != nil {
		cp := *seen
		cp.header = cp.header.Clone()
		seen = &cp
	}
	e.mu.Unlock()
	switch {
	case name == variantReplay:
		return e.replay(ctx, job, seen, copies)
	case from != "":
		return e.borrowed(ctx, job, seen, from, copies)
	}
	if job.target == "" {
		return []emulator.Delivery{e.undeliverable(job, 1)}, nil
	}
	// Headers carry the wall clock at sending, as DANA's would; the
	// body's event times stay on the test clock.
	w, why := v.craft(e, job, fields, e.wall.Now())
	check := e.selfCheck(w, why)
	return emulator.SendCopies(copies, name == "concurrent", func(i int) emulator.Delivery {
		return e.send(ctx, job, w, i, check)
	}), nil
}

// replay sends seen, the first genuine notify of the order, again exactly
// as it was first sent: a captured notify played back after the order
// has moved on. Its signature still verifies; only the merchant's memory
// of the order can tell it is old news.
func (e *Emulator) replay(ctx context.Context, job notifyJob, seen *wire, copies int) ([]emulator.Delivery, error) {
	if seen == nil {
		return nil, fmt.Errorf("dana: notify replay: no finish notify has been sent for order %s yet; "+
			"pay, fail or expire it first (the replay resends that notify)", job.partnerRef)
	}
	job.body = seen.body
	w := *seen
	w.label = "finish_notify " + variantReplay
	why := "an exact copy of the first finish notify sent for this order (same body, X-TIMESTAMP " +
		w.header.Get("X-TIMESTAMP") + ", X-EXTERNAL-ID and X-SIGNATURE), sent again"
	check := e.selfCheck(w, why)
	return emulator.SendCopies(copies, false, func(i int) emulator.Delivery {
		return e.send(ctx, job, w, i, check)
	}), nil
}

// borrowed sends this order's true body under the headers (X-TIMESTAMP,
// X-EXTERNAL-ID, X-SIGNATURE) of the first notify DANA sent for order
// from: a real signature, which verifies only over that order's body.
func (e *Emulator) borrowed(ctx context.Context, job notifyJob, seen *wire, from string, copies int) ([]emulator.Delivery, error) {
	if seen == nil {
		return nil, fmt.Errorf("dana: notify %s from %s: no finish notify has been sent for order %s yet; "+
			"pay it first (its notify lends the signature)", variantOtherOrder, from, from)
	}
	if job.target == "" {
		return []emulator.Delivery{e.undeliverable(job, 1)}, nil
	}
	w := wire{target: job.target, header: seen.header, body: job.body, label: "finish_notify " + variantOtherOrder}
	why := "this order's true body under the headers (X-TIMESTAMP " + w.header.Get("X-TIMESTAMP") +
		", X-EXTERNAL-ID, X-SIGNATURE) of the notify DANA sent for order " + from
	check := e.selfCheck(w, why)
	return emulator.SendCopies(copies, false, func(i int) emulator.Delivery {
		return e.send(ctx, job, w, i, check)
	}), nil
}

// withAmount returns a copy of the notify fields with another amount.
func withAmount(fields map[string]any, value string) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		out[k] = v
	}
	out["amount"] = bisnap.Money{Value: value, Currency: "IDR"}.JSON()
	return out
}

// otherOrder returns fields naming a different, made-up order.
func otherOrder(fields map[string]any) map[string]any {
	out := withAmount(fields, "1.00")
	out["originalPartnerReferenceNo"] = fmt.Sprint(fields["originalPartnerReferenceNo"]) + "-OTHER"
	out["originalReferenceNo"] = fmt.Sprint(fields["originalReferenceNo"]) + "9"
	return out
}

// tamperedAmount is the classic pay-less forgery: 1.00 (2.00 if the order
// really is 1.00).
func tamperedAmount(cents int64) string {
	if cents == 100 {
		return "2.00"
	}
	return "1.00"
}

// wrongAmount is one rupiah off the order's amount.
func wrongAmount(cents int64) string {
	if cents > 100 {
		return bisnap.FormatCents(cents - 100)
	}
	return bisnap.FormatCents(cents + 100)
}

// parseCopies reads the copies param: 1..maxCopies, "" = the default.
func parseCopies(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxCopies {
		return 0, fmt.Errorf("dana: copies %q must be a whole number from 1 to %d", s, maxCopies)
	}
	return n, nil
}

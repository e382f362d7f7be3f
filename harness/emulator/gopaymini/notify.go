package gopaymini

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// AckCode is the responseCode a merchant acknowledges a debit notify with.
const AckCode = "2005600"

var errNoURL = errors.New("no notify URL: gateway.notify_url is empty and the payment had no NOTIFICATION urlParam")

// job is one debit-notify event: what to send and where.
type job struct {
	p       *payment
	ref     string
	variant string
	fields  map[string]any
	body    []byte
	target  string
	partner string
}

// eventLocked snapshots a notify for p; e.mu is held.
func (e *Emulator) eventLocked(p *payment, variant string) job {
	f := notifyFields(p, e.clk.Now())
	return job{p: p, ref: p.partnerRef, variant: variant, fields: f, body: notifyBody(f), target: e.target(p), partner: p.partnerID}
}

func (e *Emulator) target(p *payment) string {
	if e.o.NotifyURL != "" {
		return e.o.NotifyURL
	}
	return p.notifyURL
}

// notifyFields is the /v1.0/debit/notify body for p (service 56).
func notifyFields(p *payment, now time.Time) map[string]any {
	finished := p.finished
	if finished.IsZero() {
		finished = now
	}
	info := map[string]any{"popId": p.popID}
	if !p.paid.IsZero() {
		info["paidTime"] = stamp(p.paid)
	}
	return map[string]any{"originalPartnerReferenceNo": p.partnerRef, "originalReferenceNo": p.referenceNo,
		"merchantId": p.merchantID, "amount": map[string]any{"value": p.value, "currency": p.currency},
		"latestTransactionStatus": statusCodes[p.status], "transactionStatusDesc": statusDesc[p.status],
		"createdTime": stamp(p.created), "finishedTime": stamp(finished), "additionalInfo": info}
}

// notifyBody is minified with keys sorted at every level (Go's map
// encoding), so a verifier that hashes the received bytes and one that
// re-encodes them agree.
func notifyBody(m map[string]any) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		return []byte("{}")
	}
	return b
}

// wire is one outgoing notify request.
type wire struct {
	target string
	header http.Header
	body   []byte
}

// signed builds the notify headers, signed with key over ts.
func (e *Emulator) signed(j job, ts string, key *rsa.PrivateKey) wire {
	e.mu.Lock()
	ext := e.st.nextID("56")
	e.mu.Unlock()
	h := bisnap.SignNotify(key, NotifyChannelID, j.partner, ext, j.target, j.body, ts)
	return wire{target: j.target, header: h, body: j.body}
}

// selfCheck verifies what is really sent against the gateway's key.
func (e *Emulator) selfCheck(w wire, why string) *evidence.SignatureCheck {
	return bisnap.SelfCheck(&e.o.GatewayPrivateKey.PublicKey, w.target, w.header, w.body, why)
}

// deliver sends one attempt of an event and arms the next on the test
// clock when it is not acknowledged. Every attempt is signed afresh with
// the wall clock's X-TIMESTAMP.
func (e *Emulator) deliver(ctx context.Context, j job, attempt int) emulator.Delivery {
	if j.target == "" {
		d := emulator.Delivery{Order: j.ref, Variant: j.variant, Attempt: attempt}
		return e.record(j.p, e.rec.Undelivered(d, "debit_notify "+j.variant, j.body, errNoURL))
	}
	w := e.signed(j, snap.FormatTimestamp(e.wall.Now()), e.o.GatewayPrivateKey)
	e.remember(j.p, w)
	d := e.send(ctx, j, w, attempt, e.selfCheck(w, ""))
	if !d.Acked {
		e.retries.After(attempt, func() { e.deliver(context.Background(), j, attempt+1) })
	}
	return d
}

// send posts one wire. Only HTTP 200 with responseCode 2005600 acknowledges.
func (e *Emulator) send(ctx context.Context, j job, w wire, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	d := emulator.Delivery{Order: j.ref, Variant: j.variant, Attempt: attempt}
	d = e.rec.Deliver(ctx, e.client, d, emulator.Callback{
		Outbound: emulator.Outbound{URL: w.target, Header: w.header, Body: w.body, BuildError: "build notify request"},
		Label:    "debit_notify " + j.variant, Signature: sig, CodeField: "responseCode",
		Acked: func(status int, code string) bool { return status == http.StatusOK && code == AckCode },
	})
	return e.record(j.p, d)
}

// remember keeps the newest legitimate notify of a payment, headers and
// body as sent, for the replay variant.
func (e *Emulator) remember(p *payment, w wire) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p.lastNotify = &wire{target: w.target, header: w.header.Clone(), body: append([]byte(nil), w.body...)}
}

func (e *Emulator) record(p *payment, d emulator.Delivery) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&d.Exchange)
	p.deliveries = append(p.deliveries, d)
	return d
}

// variant crafts one kind of one-shot notify. A legitimate variant is
// what the gateway itself sends: it tells the payment's true state (a
// pending payment is paid by it first), so it always agrees with what the
// status API answers at that moment. The others are adversarial: they
// claim success whatever the payment's state, and their record says so.
type variant struct {
	copies     int
	legitimate bool
	craft      func(e *Emulator, j job, now time.Time) (wire, string)
}

func valid(e *Emulator, j job, now time.Time) (wire, string) {
	return e.signed(j, snap.FormatTimestamp(now), e.o.GatewayPrivateKey), ""
}

var variants = map[string]variant{
	"valid":      {1, true, valid},
	"duplicate":  {2, true, valid},
	"concurrent": {10, true, valid},
	"wrong_key": {1, false, func(e *Emulator, j job, now time.Time) (wire, string) {
		return e.signed(j, snap.FormatTimestamp(now), emulator.UntrustedKey()), "signed with a key that is not the gateway's"
	}},
	"tampered_body": {1, false, func(e *Emulator, j job, now time.Time) (wire, string) {
		w := e.signed(j, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.body = notifyBody(with(j.fields, "amount", map[string]any{"value": "1.00", "currency": "IDR"}))
		return w, "signed over the true body, then amount changed to 1.00"
	}},
	"missing_signature": {1, false, func(e *Emulator, j job, now time.Time) (wire, string) {
		w := e.signed(j, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.header.Del("X-SIGNATURE")
		return w, "X-SIGNATURE header removed"
	}},
	"missing_timestamp": {1, false, func(e *Emulator, j job, now time.Time) (wire, string) {
		w := e.signed(j, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.header.Del("X-TIMESTAMP")
		return w, "X-TIMESTAMP header removed after signing"
	}},
	"stale_timestamp": {1, false, func(e *Emulator, j job, now time.Time) (wire, string) {
		ts := snap.FormatTimestamp(now.Add(-time.Hour))
		return e.signed(j, ts, e.o.GatewayPrivateKey), "X-TIMESTAMP " + ts + " is 1 h behind the wall clock, validly signed"
	}},
	"other_order_signature": {1, false, func(e *Emulator, j job, now time.Time) (wire, string) {
		other := j
		other.body = notifyBody(with(with(j.fields, "originalPartnerReferenceNo", j.ref+"-OTHER"), "amount",
			map[string]any{"value": "1.00", "currency": "IDR"}))
		w := e.signed(other, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.body = j.body
		return w, "headers of a validly signed notify for another payment"
	}},
	"wrong_amount": {1, false, func(e *Emulator, j job, now time.Time) (wire, string) {
		wrong := formatCents(j.p.cents + 100)
		j.body = notifyBody(with(j.fields, "amount", map[string]any{"value": wrong, "currency": "IDR"}))
		return e.signed(j, snap.FormatTimestamp(now), e.o.GatewayPrivateKey), "validly signed, but amount " + wrong + " is not the payment's"
	}},
}

// replay is the variant that re-sends, byte for byte and with its
// original headers, the newest notify the gateway already delivered for
// the payment: a signature the merchant has already seen.
const replay = "replay"

func with(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m))
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// crafted sends a one-shot notify variant: no retries. A legitimate
// variant settles a pending payment as paid and tells the true state; an
// adversarial one claims success (00) whatever the state, and its record
// names the state the status API answers instead. sigOf, with
// other_order_signature only, names another payment whose delivered
// notify lends its headers: a signature the merchant has already seen and
// verified, on this payment's body.
func (e *Emulator) crafted(ctx context.Context, ref, name string, copies int, sigOf string) ([]emulator.Delivery, string, error) {
	v, ok := variants[name]
	if !ok && name != replay {
		return nil, "", fmt.Errorf("gopay-miniapp: unknown notify variant %q; valid: %v", name, variantNames())
	}
	if sigOf != "" && name != "other_order_signature" {
		return nil, "", fmt.Errorf("gopay-miniapp: signature_of goes with the other_order_signature variant only, not %q", name)
	}
	if copies == 0 {
		copies = max(v.copies, 1)
	}
	e.mu.Lock()
	p, err := e.st.lookup(ref)
	if err != nil {
		e.mu.Unlock()
		return nil, "", err
	}
	if name == replay {
		return e.replayLocked(ctx, p, copies)
	}
	note := ""
	if v.legitimate && p.status == StatusPending {
		now := e.clk.Now()
		p.status, p.paid, p.finished = StatusPaid, now, now
		if p.expiry != nil {
			p.expiry.Stop()
		}
		note = "payment " + p.partnerRef + " paid; "
	}
	j := e.eventLocked(p, name)
	if !v.legitimate {
		j.fields = with(with(j.fields, "latestTransactionStatus", "00"), "transactionStatusDesc", "SUCCESS")
		j.body = notifyBody(j.fields)
		if p.status != StatusPaid {
			note = "adversarial: the notify claims 00 SUCCESS while the payment is " + p.status +
				" (the status API answers " + statusCodes[p.status] + "); "
		}
	}
	e.mu.Unlock()
	if j.target == "" {
		return []emulator.Delivery{e.record(p, e.rec.Undelivered(emulator.Delivery{Order: j.ref, Variant: name, Attempt: 1},
			"debit_notify "+name, j.body, errNoURL))}, note, nil
	}
	w, why := v.craft(e, j, e.wall.Now())
	if sigOf != "" {
		seen, err := e.seenHeaders(sigOf, p)
		if err != nil {
			return nil, "", err
		}
		w = wire{target: j.target, header: seen, body: j.body}
		why = "headers (X-TIMESTAMP, X-EXTERNAL-ID, X-SIGNATURE) of the notify already delivered for payment " + sigOf + ", on this payment's body"
	}
	if v.legitimate {
		e.remember(p, w)
	} else if note != "" {
		why = note + why
	}
	check := e.selfCheck(w, why)
	return emulator.SendCopies(copies, name == "concurrent", func(i int) emulator.Delivery {
		return e.send(ctx, j, w, i, check)
	}), note, nil
}

// seenHeaders are the headers of the newest legitimate notify delivered
// for the payment ref, which must not be p.
func (e *Emulator) seenHeaders(ref string, p *payment) (http.Header, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	q, err := e.st.lookup(ref)
	switch {
	case err != nil:
		return nil, err
	case q == p:
		return nil, fmt.Errorf("gopay-miniapp: signature_of %q is the payment itself; name another payment (the replay variant re-sends this one's)", ref)
	case q.lastNotify == nil:
		return nil, fmt.Errorf("%w: payment %s has had no notify yet whose signature could be reused; pay it first", emulator.ErrOrderState, ref)
	}
	return q.lastNotify.header.Clone(), nil
}

// replayLocked re-sends the newest delivered legitimate notify of p as it
// was; e.mu is held and released.
func (e *Emulator) replayLocked(ctx context.Context, p *payment, copies int) ([]emulator.Delivery, string, error) {
	last := p.lastNotify
	st := p.status
	e.mu.Unlock()
	if last == nil {
		return nil, "", fmt.Errorf("%w: payment %s has had no notify to replay yet; pay or fail it first", emulator.ErrOrderState, p.partnerRef)
	}
	w := wire{target: last.target, header: last.header.Clone(), body: last.body}
	j := job{p: p, ref: p.partnerRef, variant: replay, body: w.body, target: w.target}
	note := "adversarial: a replay of the notify already delivered (same X-TIMESTAMP, X-EXTERNAL-ID and X-SIGNATURE); the payment is now " +
		st + " (the status API answers " + statusCodes[st] + "); "
	check := e.selfCheck(w, note+"a validly signed notify the merchant has already seen")
	return emulator.SendCopies(copies, false, func(i int) emulator.Delivery {
		return e.send(ctx, j, w, i, check)
	}), note, nil
}

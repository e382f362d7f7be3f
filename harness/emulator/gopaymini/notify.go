package gopaymini

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// AckCode is the responseCode a merchant acknowledges a debit notify with.
const AckCode = bisnap.AckCode

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
	return job{p: p, ref: p.partnerRef, variant: variant, fields: f, body: bisnap.Body(f), target: e.target(p), partner: p.partnerID}
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
// the wall clock's X-TIMESTAMP. A retry is sent only while the status API
// still answers what it says: once the payment moved on (a paid one
// refunded), the retries stop (see stale).
func (e *Emulator) deliver(ctx context.Context, j job, attempt int) emulator.Delivery {
	if attempt > 1 && e.stale(j) {
		return emulator.Delivery{Order: j.ref, Variant: j.variant, Attempt: attempt}
	}
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

// stale reports whether j's notify no longer says what the status API
// answers for its payment (or the payment is no longer kept).
func (e *Emulator) stale(j job) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	said, _ := j.fields["latestTransactionStatus"].(string)
	return j.p.forgotten || said != statusCodes[j.p.status]
}

// send posts one wire. Only HTTP 200 with responseCode 2005600 acknowledges.
func (e *Emulator) send(ctx context.Context, j job, w wire, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	d := emulator.Delivery{Order: j.ref, Variant: j.variant, Attempt: attempt}
	d = e.rec.Deliver(ctx, e.client, d, bisnap.NotifyCallback("debit_notify "+j.variant, w.target, w.header, w.body, sig, false))
	return e.record(j.p, d)
}

// remember keeps the newest legitimate notify of a payment, headers and
// body as sent, for replay and other_order_signature.
func (e *Emulator) remember(p *payment, w wire) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p.lastNotify = &bisnap.Sent{Header: w.header.Clone(), Body: append([]byte(nil), w.body...), At: e.wall.Now()}
}

func (e *Emulator) record(p *payment, d emulator.Delivery) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&d.Exchange)
	p.deliveries = append(p.deliveries, d)
	return d
}

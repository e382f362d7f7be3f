package danawidget

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

// AckCode is how a merchant acknowledges a finish notify.
const AckCode = "2005600"

var errNoURL = errors.New("no NOTIFICATION url")

// notifyJob is one finish-notify event.
type notifyJob struct {
	o                   *order
	partnerRef, variant string
	status              string // latestTransactionStatus, 00 or 05
	body                []byte
	target, partnerID   string
	fields              map[string]any
}

// eventLocked snapshots the notify for o with status 00 or 05; e.mu held.
func (e *Emulator) eventLocked(o *order, status, variant string) notifyJob {
	f := notifyFields(o, status, e.clk.Now())
	target := o.notifyURL
	if e.o.NotifyURL != "" {
		target = e.o.NotifyURL
	}
	return notifyJob{o: o, partnerRef: o.partnerRef, variant: variant, status: status, body: marshal(f), target: target, partnerID: o.partnerID, fields: f}
}

// notifyFields is the Finish Notify body, the same service 56 shape as
// DANA's Payment Gateway notify.
func notifyFields(o *order, status string, now time.Time) map[string]any {
	finished := o.finished
	if finished.IsZero() {
		finished = now
	}
	desc := "SUCCESS"
	if status != "00" {
		desc = StatusClosed
		if o.status == StatusCancelled {
			desc = StatusCancelled
		}
	}
	m := map[string]any{"originalPartnerReferenceNo": o.partnerRef, "originalReferenceNo": o.referenceNo, "merchantId": o.merchantID,
		"amount": o.amount.JSON(), "latestTransactionStatus": status, "transactionStatusDesc": desc,
		"createdTime": stamp(o.created), "finishedTime": stamp(finished)}
	if status == "00" {
		paid := o.paid
		if paid.IsZero() {
			paid = finished
		}
		m["additionalInfo"] = map[string]any{"paidTime": stamp(paid), "paymentInfo": map[string]any{
			"cashierRequestId": o.referenceNo + "01", "paidTime": stamp(paid),
			"payOptionInfos": []any{map[string]any{"payMethod": "BALANCE", "payOption": "", "payAmount": o.amount.JSON(), "transAmount": o.amount.JSON()}}}}
	}
	return m
}

// marshal encodes minified with sorted keys, what dana-go's and
// dana-node's parsers rebuild, so both verify.
func marshal(m map[string]any) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		return []byte("{}")
	}
	return b
}

// wire is one outgoing notify, fully built.
type wire struct {
	header http.Header
	body   []byte
}

// sentWire is the last legitimate notify sent for an order, and when
// (wall clock): what a replay re-sends byte for byte.
type sentWire struct {
	wire
	at time.Time
}

func (e *Emulator) signed(job notifyJob, body []byte, ts string, key *rsa.PrivateKey) wire {
	e.mu.Lock()
	ext := e.st.nextID(e.clk.Now(), "56")
	e.mu.Unlock()
	return wire{header: bisnap.SignNotify(key, bisnap.ChannelID, job.partnerID, ext, job.target, body, ts), body: body}
}

// deliver sends one attempt and, unacknowledged, arms the next on the
// test clock; each retry is signed afresh on the wall clock. A retry is
// sent only while Query Payment still answers what it says: once the
// order moved on (a paid order cancelled, or forgotten), DANA has nothing
// true left to retry, so the retries stop (see stale).
func (e *Emulator) deliver(ctx context.Context, job notifyJob, attempt int) emulator.Delivery {
	if attempt > 1 && e.stale(job) {
		return emulator.Delivery{Order: job.partnerRef, Variant: job.variant, Attempt: attempt}
	}
	if job.target == "" {
		d := emulator.Delivery{Order: job.partnerRef, Variant: job.variant, Attempt: attempt}
		return e.record(job.o, e.rec.Undelivered(d, "finish_notify "+job.variant, job.body, errNoURL,
			"the payment had no NOTIFICATION urlParam and no notify_url is configured"))
	}
	w := e.signed(job, job.body, snap.FormatTimestamp(e.wall.Now()), e.o.GatewayPrivateKey)
	d := e.send(ctx, job, w, attempt, bisnap.SelfCheck(&e.o.GatewayPrivateKey.PublicKey, job.target, w.header, w.body, ""))
	if !d.Acked {
		e.retries.After(attempt, func() { e.deliver(context.Background(), job, attempt+1) })
	}
	return d
}

// stale reports whether job's notify no longer says what Query Payment
// answers for its order.
func (e *Emulator) stale(job notifyJob) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return job.o.forgotten || statusCodes[job.o.status] != job.status
}

// send posts w; only HTTP 200 with responseCode 2005600 acknowledges. A
// legitimate notify's wire is kept on its order, for the replay and
// other_order_signature variants.
func (e *Emulator) send(ctx context.Context, job notifyJob, w wire, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	if legitimate[job.variant] {
		e.mu.Lock()
		job.o.seen = &sentWire{wire: w, at: e.wall.Now()}
		e.mu.Unlock()
	}
	d := emulator.Delivery{Order: job.partnerRef, Variant: job.variant, Attempt: attempt}
	d = e.rec.Deliver(ctx, e.client, d, emulator.Callback{
		Outbound: emulator.Outbound{URL: job.target, Header: w.header, Body: w.body, BuildError: "build notify request", FollowRedirects: true},
		Label:    "finish_notify " + job.variant, Signature: sig, CodeField: "responseCode",
		Acked: func(status int, code string) bool { return status == http.StatusOK && code == AckCode },
	})
	return e.record(job.o, d)
}

func (e *Emulator) record(o *order, d emulator.Delivery) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&d.Exchange)
	if len(o.deliveries) < maxTracked {
		o.deliveries = append(o.deliveries, d)
	}
	return d
}

// variants craft one-shot notifies a sandbox never sends: each returns
// the wire and what was done to it.
var variants = map[string]func(e *Emulator, job notifyJob, now time.Time) (wire, string){
	"valid":      craftValid,
	"duplicate":  craftValid,
	"concurrent": craftValid,
	"wrong_key": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		return e.signed(job, job.body, snap.FormatTimestamp(now), emulator.UntrustedKey()), "signed with a key that is not the gateway's"
	},
	"tampered_body": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		closed := withAmount(job.fields, job.o.amount.Value)
		closed["latestTransactionStatus"], closed["transactionStatusDesc"] = "05", StatusClosed
		delete(closed, "additionalInfo")
		w := e.signed(job, marshal(closed), snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.body = job.body
		return w, "signed over a 05 (closed) notify, then the body changed to this 00 (paid) one"
	},
	"duplicate_key_body": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		closed := withAmount(job.fields, job.o.amount.Value)
		closed["latestTransactionStatus"], closed["transactionStatusDesc"] = "05", StatusClosed
		delete(closed, "additionalInfo")
		signed := marshal(closed)
		w := e.signed(job, signed, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.body = append([]byte(`{"latestTransactionStatus":"00","transactionStatusDesc":"SUCCESS",`), signed[1:]...)
		return w, "signed over a 05 (closed) notify; latestTransactionStatus 00 and transactionStatusDesc SUCCESS were then put in front of the signed keys, " +
			"so the body names each twice: the received bytes do not verify, a re-serialisation by a parser keeping the last duplicate gives back the signed 05 bytes, " +
			"and a reader taking the first duplicate reads 00"
	},
	"missing_signature": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		w := e.signed(job, job.body, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.header.Del("X-SIGNATURE")
		return w, "X-SIGNATURE header removed"
	},
	"missing_timestamp": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		w := e.signed(job, job.body, snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.header.Del("X-TIMESTAMP")
		return w, "X-TIMESTAMP header removed after signing"
	},
	"stale_timestamp": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		ts := snap.FormatTimestamp(now.Add(-time.Hour))
		return e.signed(job, job.body, ts, e.o.GatewayPrivateKey), "X-TIMESTAMP " + ts + " is 1 h behind the wall clock, validly signed"
	},
	"other_order_signature": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		other := withAmount(job.fields, "1.00")
		other["originalPartnerReferenceNo"] = job.partnerRef + "-OTHER"
		w := e.signed(job, marshal(other), snap.FormatTimestamp(now), e.o.GatewayPrivateKey)
		w.body = job.body
		return w, "headers of a validly signed notify for another order"
	},
	"late_paid": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		return e.signed(job, job.body, snap.FormatTimestamp(now), e.o.GatewayPrivateKey),
			"the paid (00) notify of " + stamp(job.o.paid) + ", delivered only now, after the order was cancelled at " + stamp(job.o.cancelled) +
				": validly signed, but Query Payment now answers 05 CANCELLED"
	},
	"wrong_amount": func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		wrong := bisnap.FormatCents(job.o.cents + 100)
		return e.signed(job, marshal(withAmount(job.fields, wrong)), snap.FormatTimestamp(now), e.o.GatewayPrivateKey),
			"validly signed, but amount " + wrong + " is not the order's"
	},
}

var defaultCopies = map[string]int{"duplicate": 2, "concurrent": 5}

func craftValid(e *Emulator, job notifyJob, now time.Time) (wire, string) {
	return e.signed(job, job.body, snap.FormatTimestamp(now), e.o.GatewayPrivateKey), ""
}

func withAmount(f map[string]any, value string) map[string]any {
	out := make(map[string]any, len(f))
	for k, v := range f {
		out[k] = v
	}
	out["amount"] = bisnap.Money{Value: value, Currency: "IDR"}.JSON()
	return out
}

// variantNames lists the notify variants, for errors.
const variantNames = "valid, duplicate, concurrent, wrong_key, tampered_body, duplicate_key_body, missing_signature, missing_timestamp, stale_timestamp, " +
	"other_order_signature (with: {from: REF} takes the headers of the notify sent for order REF), replay, wrong_amount, late_paid"

// crafted sends a one-shot variant for ref, with no retries. A
// legitimate variant first brings the order to the state it reports (see
// agreeLocked) and returns what it did; the adversarial ones change
// nothing. from names another order whose sent notify lends its headers
// (other_order_signature).
func (e *Emulator) crafted(ctx context.Context, ref, name, status, from string, copies int) ([]emulator.Delivery, string, error) {
	craft, ok := variants[name]
	if name == "replay" || (name == "other_order_signature" && from != "") {
		craft, ok = e.reuseSeen(name, from), true
	}
	if !ok {
		return nil, "", fmt.Errorf("dana-widget: unknown notify variant %q; valid: %s", name, variantNames)
	}
	if from != "" && name != "other_order_signature" {
		return nil, "", fmt.Errorf("dana-widget: notify from %q: only other_order_signature takes another order's notify", from)
	}
	if copies == 0 {
		copies = max(1, defaultCopies[name])
	}
	e.mu.Lock()
	o, err := e.st.lookup(ref)
	if err != nil {
		e.mu.Unlock()
		return nil, "", err
	}
	var note string
	switch {
	case legitimate[name]:
		note, err = e.agreeLocked(o, status)
	case name == "late_paid" && (o.status != StatusCancelled || o.paid.IsZero()):
		err = fmt.Errorf("%w: late_paid is the paid notify of an order that was paid and then cancelled; order %s is %s", emulator.ErrOrderState, o.partnerRef, o.status)
	case name == "late_paid":
		status = "00"
	case name == "replay" && o.seen == nil:
		err = fmt.Errorf("%w: replay re-sends the last notify sent for order %s, and none was sent yet (pay the order, or send a valid notify, first)", emulator.ErrOrderState, o.partnerRef)
	}
	if err != nil {
		e.mu.Unlock()
		return nil, "", err
	}
	job := e.eventLocked(o, status, name)
	e.mu.Unlock()
	if job.target == "" {
		d := emulator.Delivery{Order: job.partnerRef, Variant: name, Attempt: 1}
		return []emulator.Delivery{e.record(o, e.rec.Undelivered(d, "finish_notify "+name, job.body, errNoURL))}, note, nil
	}
	w, why := craft(e, job, e.wall.Now())
	if !legitimate[name] {
		why = e.disagreement(job, w, why)
	}
	check := bisnap.SelfCheck(&e.o.GatewayPrivateKey.PublicKey, job.target, w.header, w.body, why)
	return emulator.SendCopies(copies, name == "concurrent", func(i int) emulator.Delivery {
		return e.send(ctx, job, w, i, check)
	}), note, nil
}

// reuseSeen crafts from a notify already sent: replay re-sends the last
// legitimate notify of this order byte for byte (same X-EXTERNAL-ID,
// X-TIMESTAMP and X-SIGNATURE); other_order_signature with from puts the
// headers of the notify sent for order from on this order's notify.
// Query Payment may answer otherwise by now: the record says what it
// answers.
func (e *Emulator) reuseSeen(name, from string) func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
	return func(e *Emulator, job notifyJob, now time.Time) (wire, string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		answers := "Query Payment now answers " + statusCodes[job.o.status] + " " + job.o.status
		if job.o.refundedCents > 0 {
			answers += " (refunded " + bisnap.FormatCents(job.o.refundedCents) + ")"
		}
		if name == "replay" {
			seen := job.o.seen
			return wire{header: seen.header.Clone(), body: seen.body}, "a verbatim replay of the notify sent at " + stamp(seen.at) +
				" (its X-EXTERNAL-ID " + seen.header.Get("X-EXTERNAL-ID") + ", X-TIMESTAMP and X-SIGNATURE); " + answers
		}
		other, err := e.st.lookup(from)
		if err != nil || other.seen == nil || other == job.o {
			// no notify of another order to borrow: sign a made-up one
			w, why := variants["other_order_signature"](e, job, now)
			return w, why + " (order " + bisnap.Quote(from) + " had no notify sent to borrow)"
		}
		w := wire{header: other.seen.header.Clone(), body: job.body}
		return w, "X-SIGNATURE, X-TIMESTAMP and X-EXTERNAL-ID of the notify sent for order " + other.partnerRef + " at " + stamp(other.seen.at) +
			", on this order's paid notify; " + answers
	}
}

// disagreement adds to an adversarial variant's record what its body says
// against what Query Payment answers for the order now, when they differ.
func (e *Emulator) disagreement(job notifyJob, w wire, why string) string {
	var sent struct {
		Ref    string `json:"originalPartnerReferenceNo"`
		Status string `json:"latestTransactionStatus"`
	}
	_ = json.Unmarshal(w.body, &sent)
	e.mu.Lock()
	answer, status := statusCodes[job.o.status], job.o.status
	e.mu.Unlock()
	if sent.Status == "" || (sent.Status == answer && sent.Ref == job.partnerRef) {
		return why
	}
	lie := "this notify says " + sent.Status + " for " + sent.Ref + "; Query Payment answers " + answer + " " + status + " for " + job.partnerRef
	if why == "" {
		return lie
	}
	return why + "; " + lie
}

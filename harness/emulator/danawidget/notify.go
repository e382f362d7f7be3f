package danawidget

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

// AckCode is how a merchant acknowledges a finish notify.
const AckCode = bisnap.AckCode

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
	return notifyJob{o: o, partnerRef: o.partnerRef, variant: variant, status: status, body: bisnap.Body(f), target: target, partnerID: o.partnerID, fields: f}
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

// wire is one outgoing notify, fully built.
type wire struct {
	header http.Header
	body   []byte
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
	if legitimate(job.variant) {
		e.mu.Lock()
		job.o.seen = &bisnap.Sent{Header: w.header.Clone(), Body: w.body, At: e.wall.Now()}
		e.mu.Unlock()
	}
	d := emulator.Delivery{Order: job.partnerRef, Variant: job.variant, Attempt: attempt}
	d = e.rec.Deliver(ctx, e.client, d, bisnap.NotifyCallback("finish_notify "+job.variant, job.target, w.header, w.body, sig, true))
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

package dana

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// AckCode is the responseCode a merchant answers a finish notify with.
const AckCode = bisnap.AckCode

// errNoURL is the delivery error when an order has nowhere to be notified.
var errNoURL = errors.New("no NOTIFICATION url")

// notifyJob is one finish-notify event: what to send and where.
type notifyJob struct {
	o          *order
	partnerRef string
	variant    string
	body       []byte
	target     string
	partnerID  string
}

// eventLocked snapshots a notify for o; e.mu is held.
func (e *Emulator) eventLocked(o *order, status, variant string) notifyJob {
	return notifyJob{o: o, partnerRef: o.partnerRef, variant: variant,
		body:   bisnap.Body(notifyFields(o, status, e.clk.Now())),
		target: e.notifyTarget(o), partnerID: o.partnerID}
}

func (e *Emulator) notifyTarget(o *order) string {
	if e.o.NotifyURL != "" {
		return e.o.NotifyURL
	}
	return o.notifyURL
}

// notifyFields is the Finish Notify body (§1.12) for o with status 00 or 05.
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
	m := map[string]any{
		"originalPartnerReferenceNo": o.partnerRef, "originalReferenceNo": o.referenceNo,
		"merchantId": o.merchantID, "amount": o.amount.JSON(),
		"latestTransactionStatus": status, "transactionStatusDesc": desc,
		"createdTime": stamp(o.created), "finishedTime": stamp(finished),
	}
	if o.subMerchantID != "" {
		m["subMerchantId"] = o.subMerchantID
	}
	if o.externalStoreID != "" {
		m["externalStoreId"] = o.externalStoreID
	}
	if status == "00" {
		m["additionalInfo"] = paidInfo(o, finished)
	}
	return m
}

func paidInfo(o *order, fallback time.Time) map[string]any {
	paid := o.paid
	if paid.IsZero() {
		paid = fallback
	}
	option := map[string]any{"payMethod": o.payMethod, "payOption": o.payOption,
		"payAmount": o.amount.JSON(), "transAmount": o.amount.JSON()}
	return map[string]any{"paidTime": stamp(paid), "paymentInfo": map[string]any{
		"cashierRequestId": o.referenceNo + "01", "paidTime": stamp(paid),
		"payOptionInfos": []any{option}}}
}

// wire is one outgoing notify request, fully built.
type wire struct {
	target string
	header http.Header
	body   []byte
	label  string
}

// signedWire builds the headers DANA sends with a notify, signed by key
// over ts. It never fails on a bad target: delivery reports that.
func (e *Emulator) signedWire(job notifyJob, ts string, key *rsa.PrivateKey) wire {
	h := bisnap.SignNotify(key, bisnap.ChannelID, job.partnerID, e.nextExternalID(), job.target, job.body, ts)
	return wire{target: job.target, header: h, body: job.body, label: "finish_notify " + job.variant}
}

// keepSent remembers the newest genuine notify sent for o, byte for byte
// with its headers, so replay can send it again and other_order_signature
// can lend its headers.
func (e *Emulator) keepSent(o *order, w wire) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o.sent = &bisnap.Sent{Header: w.header.Clone(), Body: w.body, At: e.wall.Now()}
}

func (e *Emulator) nextExternalID() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.nextID(e.clk.Now(), "56")
}

// selfCheck verifies what is actually sent against the gateway's public
// key, so evidence says honestly whether a crafted notify was valid.
func (e *Emulator) selfCheck(w wire, why string) *evidence.SignatureCheck {
	return bisnap.SelfCheck(&e.o.GatewayPrivateKey.PublicKey, w.target, w.header, w.body, why)
}

// deliver sends one attempt of an event notify and, if it is not
// acknowledged, schedules the next attempt on the test clock. Each
// retry is a new request: fresh (wall-clock) X-TIMESTAMP, X-EXTERNAL-ID and signature
// over the same body. A retry is sent only while Query Payment still
// answers what it says: a paid order cancelled before the retry was due
// gets no more paid notifies (see stale).
func (e *Emulator) deliver(ctx context.Context, job notifyJob, attempt int) emulator.Delivery {
	if attempt > 1 && e.stale(job) {
		return emulator.Delivery{Order: job.partnerRef, Variant: job.variant, Attempt: attempt}
	}
	if job.target == "" {
		return e.undeliverable(job, attempt)
	}
	w := e.signedWire(job, snap.FormatTimestamp(e.wall.Now()), e.o.GatewayPrivateKey)
	e.keepSent(job.o, w)
	d := e.send(ctx, job, w, attempt, e.selfCheck(w, ""))
	if !d.Acked {
		e.retries.After(attempt, func() { e.deliver(context.Background(), job, attempt+1) })
	}
	return d
}

// stale reports whether job's notify no longer says what Query Payment
// answers for its order.
func (e *Emulator) stale(job notifyJob) bool {
	said := gjson.GetBytes(job.body, "latestTransactionStatus").Str
	e.mu.Lock()
	defer e.mu.Unlock()
	return statusCodes[job.o.status] != said
}

// disagreement adds to an adversarial notify's record what its body says
// against what Query Payment answers for the order now, when they differ.
func (e *Emulator) disagreement(job notifyJob, body []byte, why string) string {
	ref, said := gjson.GetBytes(body, "originalPartnerReferenceNo").Str, gjson.GetBytes(body, "latestTransactionStatus").Str
	e.mu.Lock()
	status := job.o.status
	e.mu.Unlock()
	if said == "" || (said == statusCodes[status] && ref == job.partnerRef) {
		return why
	}
	lie := "this notify says " + said + " for " + ref + "; Query Payment answers " + statusCodes[status] + " " + status + " for " + job.partnerRef
	if why == "" {
		return lie
	}
	return why + "; " + lie
}

// undeliverable records an event that has no NOTIFICATION url.
func (e *Emulator) undeliverable(job notifyJob, attempt int) emulator.Delivery {
	d := emulator.Delivery{Order: job.partnerRef, Variant: job.variant, Attempt: attempt}
	return e.recordDelivery(job.o, e.rec.Undelivered(d, "finish_notify "+job.variant, job.body, errNoURL,
		"the order has no NOTIFICATION urlParam and Options.NotifyURL is empty"))
}

// send posts one wire and records it as a delivery of job. Only HTTP 200
// with responseCode 2005600 acknowledges; redirects are followed.
func (e *Emulator) send(ctx context.Context, job notifyJob, w wire, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	d := emulator.Delivery{Order: job.partnerRef, Variant: job.variant, Attempt: attempt}
	d = e.rec.Deliver(ctx, e.client, d, bisnap.NotifyCallback(w.label, w.target, w.header, w.body, sig, true))
	return e.recordDelivery(job.o, d)
}

// recordDelivery stores the exchange and the delivery together.
func (e *Emulator) recordDelivery(o *order, d emulator.Delivery) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&d.Exchange)
	o.deliveries = append(o.deliveries, d)
	return d
}

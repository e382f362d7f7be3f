package danawidget

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// Widget's own notify variants, besides the BI-SNAP ones.
const (
	variantDuplicateKey = "duplicate_key_body"
	variantLatePaid     = "late_paid"
	paramStatus         = "status"
)

// variants are the BI-SNAP notify variants, DANA's strict X-TIMESTAMP
// form, and two the Widget pack needs: a body naming a key twice, and
// the paid notify of an order cancelled since.
var variants = bisnap.Variants([]bisnap.Variant{bisnap.MalformedTimestamp,
	{Name: variantDuplicateKey, Meaning: "signed over a 05 (closed) notify, then 00 put in front of the signed keys, so the body names each twice",
		Adversarial: true, Params: []string{bisnap.ParamCopies}, Build: duplicateKeyBody},
	{Name: variantLatePaid, Meaning: "the paid (00) notify of an order paid and then cancelled, delivered only after the cancel",
		Adversarial: true, Params: []string{bisnap.ParamCopies}, Build: latePaid},
}, paramStatus)

// NotifyVariants lists the notify variants the Widget emulator sends,
// with their params and meaning, for scenario validation.
func NotifyVariants() []bisnap.Variant { return variants }

// legitimate reports whether name tells the truth: what Query Payment
// answers when it is sent.
func legitimate(name string) bool {
	v, err := bisnap.Find(variants, "dana-widget", name)
	return err == nil && !v.Adversarial
}

// closedBody is the signed 05 counterpart of a paid notify.
func closedBody(fields map[string]any) []byte {
	closed := bisnap.With(bisnap.With(fields, "latestTransactionStatus", "05"), "transactionStatusDesc", StatusClosed)
	delete(closed, "additionalInfo")
	return bisnap.Body(closed)
}

func duplicateKeyBody(c bisnap.Craft) (bisnap.Wire, error) {
	signed := closedBody(c.Fields)
	h := c.Sign(signed, snap.FormatTimestamp(c.Now), c.Key)
	body := append([]byte(`{"latestTransactionStatus":"00","transactionStatusDesc":"SUCCESS",`), signed[1:]...)
	return bisnap.Wire{Header: h, Body: body, Why: "signed over a 05 (closed) notify; latestTransactionStatus 00 and transactionStatusDesc SUCCESS were then put in front of the signed keys, " +
		"so the body names each twice: the received bytes do not verify, a re-serialisation by a parser keeping the last duplicate gives back the signed 05 bytes, " +
		"and a reader taking the first duplicate reads 00"}, nil
}

func latePaid(c bisnap.Craft) (bisnap.Wire, error) {
	body := bisnap.Body(c.Fields)
	return bisnap.Wire{Header: c.Sign(body, snap.FormatTimestamp(c.Now), c.Key), Body: body,
		Why: "the paid (00) notify, delivered only after the order was cancelled: validly signed, but Query Payment now answers 05 CANCELLED"}, nil
}

// crafted sends a one-shot variant for ref, with no retries. A
// legitimate variant first brings the order to the state it reports (see
// agreeLocked) and returns what it did; the adversarial ones change
// nothing. from names another order whose sent notify lends its headers
// (other_order_signature).
func (e *Emulator) crafted(ctx context.Context, ref string, v bisnap.Variant, status, from string, copies int) ([]emulator.Delivery, string, error) {
	name := v.Name
	e.mu.Lock()
	job, c, note, err := e.craftLocked(v, ref, status, from)
	e.mu.Unlock()
	if err != nil {
		return nil, "", err
	}
	if job.target == "" {
		d := emulator.Delivery{Order: job.partnerRef, Variant: name, Attempt: 1}
		return []emulator.Delivery{e.record(job.o, e.rec.Undelivered(d, "finish_notify "+name, job.body, errNoURL))}, note, nil
	}
	bw, err := v.Build(c)
	if err != nil {
		return nil, "", fmt.Errorf("dana-widget: order %s: %w", ref, err)
	}
	w, why := wire{header: bw.Header, body: bw.Body}, bw.Why
	if name == bisnap.VariantReplay || from != "" {
		why += "; " + e.queryAnswer(job.o)
	}
	if v.Adversarial {
		why = e.disagreement(job, w, why)
	}
	check := bisnap.SelfCheck(&e.o.GatewayPrivateKey.PublicKey, job.target, w.header, w.body, why)
	return emulator.SendCopies(copies, v.AtOnce, func(i int) emulator.Delivery {
		return e.send(ctx, job, w, i, check)
	}), note, nil
}

// craftLocked checks the order can take variant v, settles it for a
// legitimate one, and gathers what v is built from; e.mu is held.
func (e *Emulator) craftLocked(v bisnap.Variant, ref, status, from string) (notifyJob, bisnap.Craft, string, error) {
	o, err := e.st.lookup(ref)
	if err != nil {
		return notifyJob{}, bisnap.Craft{}, "", err
	}
	var note string
	switch {
	case !v.Adversarial:
		note, err = e.agreeLocked(o, status)
	case v.Name == variantLatePaid && (o.status != StatusCancelled || o.paid.IsZero()):
		err = fmt.Errorf("%w: late_paid is the paid notify of an order that was paid and then cancelled; order %s is %s", emulator.ErrOrderState, o.partnerRef, o.status)
	case v.Name == variantLatePaid:
		status = "00"
	case v.Name == bisnap.VariantReplay && o.seen == nil:
		err = fmt.Errorf("%w: replay re-sends the last notify sent for order %s, and none was sent yet (pay the order, or send a valid notify, first)", emulator.ErrOrderState, o.partnerRef)
	}
	if err != nil {
		return notifyJob{}, bisnap.Craft{}, "", err
	}
	job := e.eventLocked(o, status, v.Name)
	c := bisnap.Craft{Fields: job.fields, Cents: o.cents, Now: e.wall.Now(), Key: e.o.GatewayPrivateKey, From: from,
		Sign: func(body []byte, ts string, key *rsa.PrivateKey) http.Header {
			return e.signed(job, body, ts, key).header
		}}
	c.Seen, err = e.seenLocked(o, from)
	if v.Name == bisnap.VariantReplay && c.Seen != nil {
		job.body = c.Seen.Body
	}
	return job, c, note, err
}

// seenLocked is the newest legitimate notify sent for o, or for the
// order from names; e.mu is held.
func (e *Emulator) seenLocked(o *order, from string) (*bisnap.Sent, error) {
	if from != "" {
		other, err := e.st.lookup(from)
		if err != nil {
			return nil, err
		}
		if other == o {
			return nil, fmt.Errorf("dana-widget: notify other_order_signature: from names order %s itself; name another order", from)
		}
		o = other
	}
	if o.seen == nil {
		return nil, nil
	}
	cp := *o.seen
	cp.Header = cp.Header.Clone()
	return &cp, nil
}

// queryAnswer says what Query Payment answers for o now.
func (e *Emulator) queryAnswer(o *order) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	answers := "Query Payment now answers " + statusCodes[o.status] + " " + o.status
	if o.refundedCents > 0 {
		answers += " (refunded " + bisnap.FormatCents(o.refundedCents) + ")"
	}
	return answers
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

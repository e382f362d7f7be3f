package dana

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// ParamStatus picks the finish notify a variant starts from: 00 (paid,
// the default) or 05 (closed).
const ParamStatus = "status"

// variants are the crafted notifies a scenario can send: the BI-SNAP
// ones every gateway shares, and DANA's strict X-TIMESTAMP form.
var variants = bisnap.Variants([]bisnap.Variant{bisnap.MalformedTimestamp}, ParamStatus)

// NotifyVariants lists the notify variants the Gapura emulator sends,
// with their params and meaning, for scenario validation.
func NotifyVariants() []bisnap.Variant { return variants }

// crafted sends a one-shot notify variant for order ref, with no
// retries, and says what it did to the order. A legitimate variant first
// brings an INIT order to the state it reports (agreeLocked); the
// adversarial ones change nothing. Copies of duplicate are sent one after
// another, copies of concurrent all at once; every copy carries
// identical bytes.
func (e *Emulator) crafted(ctx context.Context, ref string, v bisnap.Variant, status string, copies int, from string) ([]emulator.Delivery, string, error) {
	e.mu.Lock()
	job, c, note, err := e.craftLocked(ref, v, status, from)
	e.mu.Unlock()
	if err != nil {
		return nil, "", err
	}
	if job.target == "" {
		return []emulator.Delivery{e.undeliverable(job, 1)}, note, nil
	}
	bw, err := v.Build(c)
	if err != nil {
		return nil, "", fmt.Errorf("dana: order %s: %w", ref, err)
	}
	w := wire{target: job.target, header: bw.Header, body: bw.Body, label: "finish_notify " + v.Name}
	if !v.Adversarial {
		e.keepSent(job.o, w)
	}
	why := bw.Why
	if v.Adversarial {
		why = e.disagreement(job, w.body, why)
	}
	check := e.selfCheck(w, why)
	return emulator.SendCopies(copies, v.AtOnce, func(i int) emulator.Delivery {
		return e.send(ctx, job, w, i, check)
	}), note, nil
}

// craftLocked gathers what a variant is built from; e.mu is held.
// Headers carry the wall clock at sending, as DANA's would; the body's
// event times stay on the test clock.
func (e *Emulator) craftLocked(ref string, v bisnap.Variant, status, from string) (notifyJob, bisnap.Craft, string, error) {
	o, err := e.st.lookup(ref)
	if err != nil {
		return notifyJob{}, bisnap.Craft{}, "", err
	}
	note := ""
	if !v.Adversarial {
		if note, err = e.agreeLocked(o, status); err != nil {
			return notifyJob{}, bisnap.Craft{}, "", err
		}
	}
	name := v.Name
	fields := notifyFields(o, status, e.clk.Now())
	job := notifyJob{o: o, partnerRef: o.partnerRef, variant: name, body: bisnap.Body(fields),
		target: e.notifyTarget(o), partnerID: o.partnerID}
	c := bisnap.Craft{Fields: fields, Cents: o.cents, Now: e.wall.Now(), Key: e.o.GatewayPrivateKey, From: from,
		Sign: func(body []byte, ts string, key *rsa.PrivateKey) http.Header {
			return bisnap.SignNotify(key, bisnap.ChannelID, o.partnerID, e.nextExternalID(), job.target, body, ts)
		}}
	seen := o
	if from != "" {
		if seen, err = e.st.lookup(from); err != nil {
			return notifyJob{}, bisnap.Craft{}, "", err
		}
		if seen == o {
			return notifyJob{}, bisnap.Craft{}, "", fmt.Errorf("dana: notify %s: from names order %s itself; name another order", bisnap.VariantOtherOrder, ref)
		}
	}
	if seen.sent != nil {
		cp := *seen.sent
		cp.Header = cp.Header.Clone()
		c.Seen = &cp
	}
	if name == bisnap.VariantReplay && c.Seen == nil {
		return notifyJob{}, bisnap.Craft{}, "", fmt.Errorf("dana: notify replay: no finish notify has been sent for order %s yet; "+
			"pay, fail or expire it first (the replay resends that notify)", ref)
	}
	if name == bisnap.VariantReplay {
		job.body, job.variant = c.Seen.Body, name
	}
	return job, c, note, nil
}

package gopaymini

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// variants are the BI-SNAP notify variants. GoPay adds none; it has no
// malformed_timestamp, as Midtrans' BI-SNAP clients send X-TIMESTAMP in
// UTC Z form, which DANA would refuse.
var variants = bisnap.Variants(nil)

// NotifyVariants lists the notify variants the GoPay emulator sends, with
// their params and meaning, for scenario validation.
func NotifyVariants() []bisnap.Variant { return variants }

// crafted sends a one-shot notify variant: no retries. A legitimate
// variant settles a pending payment as paid and tells the true state; an
// adversarial one claims success (00) whatever the state, and its record
// names the state the status API answers instead. from, with
// other_order_signature only, names another payment whose delivered
// notify lends its headers: a signature the merchant has already seen and
// verified, on this payment's body.
func (e *Emulator) crafted(ctx context.Context, ref string, v bisnap.Variant, copies int, from string) ([]emulator.Delivery, string, error) {
	e.mu.Lock()
	j, c, note, err := e.craftLocked(ref, v, from)
	e.mu.Unlock()
	if err != nil {
		return nil, "", err
	}
	if j.target == "" {
		return []emulator.Delivery{e.record(j.p, e.rec.Undelivered(emulator.Delivery{Order: j.ref, Variant: v.Name, Attempt: 1},
			"debit_notify "+v.Name, j.body, errNoURL))}, note, nil
	}
	bw, err := v.Build(c)
	if err != nil {
		return nil, "", fmt.Errorf("gopay-miniapp: payment %s: %w", ref, err)
	}
	w := wire{target: j.target, header: bw.Header, body: bw.Body}
	if !v.Adversarial {
		e.remember(j.p, w)
	}
	check := e.selfCheck(w, note+bw.Why)
	return emulator.SendCopies(copies, v.AtOnce, func(i int) emulator.Delivery {
		return e.send(ctx, j, w, i, check)
	}), note, nil
}

// craftLocked settles a pending payment for a legitimate variant, makes
// an adversarial one claim 00 SUCCESS, and gathers what v is built from;
// e.mu is held.
func (e *Emulator) craftLocked(ref string, v bisnap.Variant, from string) (job, bisnap.Craft, string, error) {
	p, err := e.st.lookup(ref)
	if err != nil {
		return job{}, bisnap.Craft{}, "", err
	}
	note := ""
	if !v.Adversarial && p.status == StatusPending {
		now := e.clk.Now()
		p.status, p.paid, p.finished = StatusPaid, now, now
		if p.expiry != nil {
			p.expiry.Stop()
		}
		note = "payment " + p.partnerRef + " paid; "
	}
	j := e.eventLocked(p, v.Name)
	if v.Adversarial {
		j.fields = bisnap.With(bisnap.With(j.fields, "latestTransactionStatus", "00"), "transactionStatusDesc", "SUCCESS")
		j.body = bisnap.Body(j.fields)
		if p.status != StatusPaid {
			note = "adversarial: the notify claims 00 SUCCESS while the payment is " + p.status +
				" (the status API answers " + statusCodes[p.status] + "); "
		}
	}
	c := bisnap.Craft{Fields: j.fields, Cents: p.cents, Now: e.wall.Now(), Key: e.o.GatewayPrivateKey, From: from,
		Sign: func(body []byte, ts string, key *rsa.PrivateKey) http.Header {
			jj := j
			jj.body = body
			return e.signed(jj, ts, key).header
		}}
	c.Seen, err = e.seenLocked(p, from)
	if err != nil {
		return job{}, bisnap.Craft{}, "", err
	}
	if v.Name == bisnap.VariantReplay {
		if c.Seen == nil {
			return job{}, bisnap.Craft{}, "", fmt.Errorf("%w: payment %s has had no notify to replay yet; pay or fail it first", emulator.ErrOrderState, ref)
		}
		j.body = c.Seen.Body
		note = "adversarial: a replay of the notify already delivered (same X-TIMESTAMP, X-EXTERNAL-ID and X-SIGNATURE); the payment is now " +
			p.status + " (the status API answers " + statusCodes[p.status] + "); "
	}
	return j, c, note, nil
}

// seenLocked is the newest legitimate notify delivered for p, or for the
// payment from names (which must not be p); e.mu is held.
func (e *Emulator) seenLocked(p *payment, from string) (*bisnap.Sent, error) {
	if from != "" {
		q, err := e.st.lookup(from)
		switch {
		case err != nil:
			return nil, err
		case q == p:
			return nil, fmt.Errorf("gopay-miniapp: from %q is the payment itself; name another payment (the replay variant re-sends this one's)", from)
		case q.lastNotify == nil:
			return nil, fmt.Errorf("%w: payment %s has had no notify yet whose signature could be reused; pay it first", emulator.ErrOrderState, from)
		}
		p = q
	}
	if p.lastNotify == nil {
		return nil, nil
	}
	cp := *p.lastNotify
	cp.Header = cp.Header.Clone()
	return &cp, nil
}

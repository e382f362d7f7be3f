package purwantara

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Webhook header names and values (spec §3).
const (
	HeaderSignature = "Signature"
	HeaderDelivery  = "X-PPN-Delivery"
	UserAgent       = "PPN-WH"
)

// SignatureScheme names the webhook signature in evidence.
const SignatureScheme = "HMAC-SHA256 lowercase hex over the JSON payload"

// errNoCallback is the delivery error when no Callback URL is set.
var errNoCallback = errors.New("no callback URL configured (Settings > Team > Callback URL)")

// Sign is Purwantara's webhook signature: lowercase hex HMAC-SHA256 of the
// payload bytes keyed with the team secret.
func Sign(secret string, payload []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(payload)
	return hex.EncodeToString(m.Sum(nil))
}

// PayerName is the customer name every webhook's event.meta carries: free
// text with non-ASCII letters and an emoji above U+FFFF, so that every
// genuine webhook travels with PHP's \u escapes (a surrogate pair for the
// emoji) and a merchant verifying a re-encoded body instead of the raw bytes
// fails on every channel, whatever its own titles say (⚠ choice: the
// published sample's meta shows only customer_phone).
const PayerName = "Ayu Déwi Sükarno 🌺"

// maxEvents bounds the real events a transaction keeps for replay; a
// transaction has at most a handful (ACTIVE, then one final status).
const maxEvents = 16

// job is one event to deliver: the transaction and the exact event.
type job struct {
	t  *tx
	ev *event
}

// eventLocked snapshots t's current state as a new real event and makes
// it the one redelivery repeats; e.mu is held.
func (e *Emulator) eventLocked(t *tx) job {
	ev := &event{body: marshalPHP(payload(t, t.status, t.paid, t.provider)), deliveryID: newUUID(), status: t.status}
	t.last = ev
	if len(t.events) < maxEvents {
		t.events = append(t.events, ev)
	}
	return job{t: t, ev: ev}
}

// payload is the webhook body for t as if it were in status, paid at paid,
// through provider. Keys are in a fixed order, the one of Purwantara's
// published sample, with the channel's payment instrument last.
func payload(t *tx, status string, paid time.Time, provider string) obj {
	var id any
	if provider != "" {
		id = channelID(provider)
	}
	p := obj{
		{"uuid", t.uuid},
		{"event", obj{{"meta", obj{{"customer_phone", orNull(t.customerPhone)}, {"customer_name", PayerName}}},
			{"type", t.ch.eventType}, {"channel", orNull(provider)}}},
		{"title", t.displayTitle()},
		{"amount", formatAmount(t.amount)},
		{"status", status},
		{"paid_at", laravelTime(paid)},
		{"settle_at", nil},
		{"channel_id", id},
		{"created_at", laravelTime(t.created)},
		{"expires_at", laravelTime(t.expires)},
		{"return_url", orNull(t.returnURL)},
		{"description", orNull(t.description)},
		{"external_id", t.ref},
	}
	if t.ch.extra != "" {
		p = append(p, field{t.ch.extra, t.instrument})
	}
	return p
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// wire is one outgoing webhook request, fully built.
type wire struct {
	header  http.Header
	body    []byte
	label   string
	variant string
}

// signedWire builds the headers Purwantara sends, signed with secret.
func signedWire(body []byte, deliveryID, secret string) wire {
	h := http.Header{}
	h.Set("Accept", "*/*")
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", UserAgent)
	h.Set(HeaderSignature, Sign(secret, body))
	h.Set(HeaderDelivery, deliveryID)
	return wire{header: h, body: body}
}

// selfCheck verifies what is actually sent, so the evidence says honestly
// whether a crafted webhook was valid, and whether a PHP verifier that
// re-encodes the payload would agree with one that hashes the raw bytes.
func (e *Emulator) selfCheck(w wire, why string) *evidence.SignatureCheck {
	check := &evidence.SignatureCheck{Scheme: SignatureScheme}
	sig := w.header.Get(HeaderSignature)
	check.Valid = sig != "" && hmac.Equal([]byte(sig), []byte(Sign(e.o.WebhookSecret, w.body)))
	check.Detail = fmt.Sprintf("over the %d raw payload bytes", len(w.body))
	if sig == "" {
		check.Detail = "no Signature header sent"
	}
	if re, err := ReencodePHP(w.body); err == nil && bytes.Equal(re, w.body) {
		check.Detail += "; json_encode(json_decode(payload)) reproduces the bytes, so raw-body and re-encoding verifiers agree"
	}
	if why != "" {
		check.Detail = why + "; " + check.Detail
	}
	return check
}

// sendAfterAnswer delivers a merchant-triggered event (create, cancel)
// once the API answer is on its way. The transaction's send lock is taken
// now, so any later event for it waits for this one.
func (e *Emulator) sendAfterAnswer(j job) {
	e.mu.Lock()
	closed := e.st.closed
	if !closed {
		e.async.Add(1)
	}
	e.mu.Unlock()
	if closed {
		return
	}
	j.t.sendMu.Lock()
	go func() {
		defer e.async.Done()
		e.deliverHeld(context.Background(), j, 1)
	}()
}

// deliver sends one attempt of a real event in order with the
// transaction's other events.
func (e *Emulator) deliver(ctx context.Context, j job, attempt int) emulator.Delivery {
	j.t.sendMu.Lock()
	return e.deliverHeld(ctx, j, attempt)
}

// deliverHeld sends with j.t.sendMu held, releases it, and when the
// merchant did not acknowledge, schedules the next attempt on the virtual
// clock. Every attempt carries the same bytes and the same X-PPN-Delivery,
// but only while the inquiry API still answers the event's status: once
// the transaction moved on (its creation webhook unacknowledged when it
// was paid, or cancelled by the merchant before the webhook went out), the
// newer status has its own event and the old one is not sent (see stale).
func (e *Emulator) deliverHeld(ctx context.Context, j job, attempt int) emulator.Delivery {
	if why := e.stale(j); why != "" {
		j.t.sendMu.Unlock()
		return emulator.Delivery{Order: j.t.ref, Variant: "valid", Attempt: attempt, Error: "not sent: " + why}
	}
	target := e.CallbackURL()
	var d emulator.Delivery
	if target == "" {
		d = e.undeliverable(j, attempt)
	} else {
		w := signedWire(j.ev.body, j.ev.deliveryID, e.o.WebhookSecret)
		w.label, w.variant = "webhook "+j.ev.status, "valid"
		d = e.send(ctx, j.t, target, w, attempt, e.selfCheck(w, ""))
	}
	j.t.sendMu.Unlock()
	if !d.Acked && target != "" {
		e.retries.After(attempt, func() { e.deliver(context.Background(), j, attempt+1) })
	}
	return d
}

// stale says why j's event no longer agrees with what the inquiry API
// answers for its transaction, or "" while it does.
func (e *Emulator) stale(j job) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if j.t.forgotten {
		return "transaction " + j.t.ref + " is no longer kept; the inquiry API answers 404"
	}
	if j.t.status == j.ev.status {
		return ""
	}
	return "this webhook says " + j.ev.status + " for " + j.t.ref + "; the inquiry API answers " + j.t.status + " for " + j.t.ref
}

// disagreementLocked is, for an adversarial webhook body, what it claims
// against what the inquiry API answers for the transaction now, or ""
// when they agree; e.mu is held.
func (e *Emulator) disagreementLocked(t *tx, body []byte) string {
	doc := gjson.ParseBytes(body)
	says := doc.Get("status").String() + ", amount " + doc.Get("amount").String()
	inquiry := "the inquiry API (GET " + strings.Replace(t.ch.inquiryPath, ":uuid", t.uuid, 1) + ")"
	if uuid := doc.Get("uuid").String(); uuid != t.uuid {
		return "this webhook says " + says + " for uuid " + uuid + " (external_id " + doc.Get("external_id").Raw + "); " +
			inquiry + " knows no such transaction (404)"
	}
	answer := t.status + ", amount " + formatAmount(t.amount)
	if t.forgotten {
		answer = "404 (no longer kept)"
	}
	if says == answer {
		return ""
	}
	return "this webhook says " + says + " for " + t.ref + "; " + inquiry + " answers " + answer + " for " + t.ref
}

// undeliverable records an event that has nowhere to go.
func (e *Emulator) undeliverable(j job, attempt int) emulator.Delivery {
	d := emulator.Delivery{Order: j.t.ref, Variant: "valid", Attempt: attempt}
	return e.recordDelivery(j.t, e.rec.Undelivered(d, "webhook "+j.ev.status, j.ev.body, errNoCallback,
		"set gateway.notify_url in the config, or POST /_uatrun/callback_url"))
}

// send posts one wire and records it as a delivery for t. Any 2xx answer
// acknowledges: Purwantara documents no answer body. Redirects are
// followed.
func (e *Emulator) send(ctx context.Context, t *tx, target string, w wire, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	return e.sendWith(ctx, e.client, t, target, w, attempt, sig)
}

// sendWith is send through client (a burst's, for concurrent copies).
func (e *Emulator) sendWith(ctx context.Context, client *http.Client, t *tx, target string, w wire, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	d := emulator.Delivery{Order: t.ref, Variant: w.variant, Attempt: attempt}
	d = e.rec.Deliver(ctx, client, d, emulator.Callback{
		Outbound: emulator.Outbound{URL: target, Header: w.header, Body: w.body,
			BuildError: "build webhook request", FollowRedirects: true},
		Label: w.label, Signature: sig,
	})
	return e.recordDelivery(t, d)
}

// recordDelivery stores a webhook exchange and its delivery together.
func (e *Emulator) recordDelivery(t *tx, d emulator.Delivery) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&d.Exchange)
	t.deliveries = append(t.deliveries, d)
	return d
}

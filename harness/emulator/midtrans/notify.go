package midtrans

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// NotifyScheme names the notification signature in evidence.
const NotifyScheme = "Midtrans signature_key SHA-512(order_id + status_code + gross_amount + server key)"

// userAgent is what the emulator's notifications say they are.
const userAgent = "Veritrans (uatrun emulator)"

// defaultPaymentType is the payment type of a transaction whose shopper
// never chose one before it was paid.
const defaultPaymentType = "bank_transfer"

// notifyCodes is the status_code a notification carries for each
// transaction_status. Expire reads 202 in Midtrans' sample notification
// although the expire API answers 407 (⚠ see doc.go).
var notifyCodes = map[string]string{
	"authorize": "201", "capture": "200", StatusSettlement: "200", StatusPending: "201",
	StatusDeny: "202", StatusCancel: "200", StatusExpire: "202", "failure": "202",
	StatusRefund: "200", StatusPartialRefund: "200", "chargeback": "200", "partial_chargeback": "200",
}

// errNoURL is the delivery error when nowhere to notify is configured.
var errNoURL = errors.New("no notification URL: set the Payment Notification URL (gateway.notify_url) or send X-Override-Notification")

// notifyJob is one notification to one URL.
type notifyJob struct {
	t       *txn
	order   string
	variant string
	body    []byte
	target  string
	// watch records in the evidence how the merchant handled a crafted
	// notification: rejected it, or acknowledged it and re-queried.
	watch bool
}

// signature is Midtrans' signature_key: lowercase hex SHA-512 over the
// plain concatenation of the four strings.
func (e *Emulator) signature(orderID, statusCode, gross string) string {
	return signWith(e.o.ServerKey, orderID, statusCode, gross)
}

func signWith(key, orderID, statusCode, gross string) string {
	sum := sha512.Sum512([]byte(orderID + statusCode + gross + key))
	return hex.EncodeToString(sum[:])
}

// notifyFields is the notification body for t reporting status; e.mu is held.
func (e *Emulator) notifyFields(t *txn, status string) map[string]any {
	code := notifyCodes[status]
	if status == StatusCapture && t.fraud == FraudChallenge {
		code = "201" // a capture held for review is not a success yet
	}
	m := e.txnFields(t, status, code)
	m["status_message"] = "midtrans payment notification"
	m["signature_key"] = e.signature(t.orderID, code, amount(t.gross))
	addChannel(m, t, status)
	if status == StatusRefund || status == StatusPartialRefund {
		addRefunds(m, t) // refund_amount and refunds[], as Midtrans' refund notifications carry them
	}
	if status == StatusSettlement && t.settled.IsZero() {
		m["settlement_time"] = wib(e.clockOf(t).Now())
	}
	return m
}

// eventLocked builds the jobs for a real state change of t: one per
// notification URL; e.mu is held.
func (e *Emulator) eventLocked(t *txn, status string) []notifyJob {
	body := encodeJSON(e.notifyFields(t, status))
	targets := e.targetsLocked(t)
	if len(targets) == 0 {
		return []notifyJob{{t: t, order: t.orderID, variant: "valid", body: body}}
	}
	jobs := make([]notifyJob, 0, len(targets))
	for _, u := range targets {
		jobs = append(jobs, notifyJob{t: t, order: t.orderID, variant: "valid", body: body, target: u})
	}
	return jobs
}

// deliverAll sends each job's first attempt (retries follow on the clock).
func (e *Emulator) deliverAll(ctx context.Context, jobs []notifyJob) []emulator.Delivery {
	out := make([]emulator.Delivery, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, e.deliver(ctx, j, 1))
	}
	return out
}

// deliver sends one attempt and, if it is not acknowledged with 2xx,
// schedules the next on the test clock as Midtrans' notification engine
// does: how many retries depends on the answer (retriesFor), their delays
// on the schedule (DefaultNotifyRetry or the configured one). Retries
// resend the same body, but only while the Get Status API still answers
// what it says: once the transaction moved on (a pending one paid, a
// settled one refunded, a capture settled), the newer state has its own
// notification and the old one is not sent again (see stale). The same
// holds for a notification due EventNotifyDelay after a Core API call.
func (e *Emulator) deliver(ctx context.Context, job notifyJob, attempt int) emulator.Delivery {
	if why := e.stale(job); why != "" {
		return emulator.Delivery{Order: job.order, Variant: job.variant, Attempt: attempt, Error: "not sent: " + why}
	}
	if job.target == "" {
		return e.undeliverable(job, attempt)
	}
	d := e.send(ctx, job, attempt, e.selfCheck(job.body, ""))
	if !d.Acked && attempt <= retriesFor(d.Status) {
		e.retries.After(attempt, func() { e.deliver(context.Background(), job, attempt+1) })
	}
	return d
}

// stale says why job's notification no longer agrees with what GET
// /v2/{order_id}/status answers for its transaction (transaction_status,
// fraud_status or transaction_id moved on, or the order_id now names
// another transaction), or "" while it still does.
func (e *Emulator) stale(job notifyJob) string {
	doc := gjson.ParseBytes(job.body)
	e.mu.Lock()
	defer e.mu.Unlock()
	t := job.t
	if doc.Get("transaction_status").String() == t.status && doc.Get("fraud_status").String() == t.fraud &&
		doc.Get("transaction_id").String() == t.transactionID && t.chosen && e.st.byOrder[t.orderID] == t {
		return ""
	}
	return "this notification says transaction_status " + doc.Get("transaction_status").String() + " for " + t.orderID +
		"; the Get Status API answers " + e.answerLocked(t)
}

// answerLocked is what GET /v2/{order_id}/status answers for t's order
// now, in words; e.mu is held.
func (e *Emulator) answerLocked(t *txn) string {
	now := e.st.byOrder[t.orderID]
	switch {
	case now == nil || !now.chosen:
		return "404 (no payment method chosen yet) for " + t.orderID
	case now != t:
		return "transaction_status " + now.status + " of another transaction (" + now.transactionID + ") for " + t.orderID
	}
	return "transaction_status " + t.status + ", fraud_status " + t.fraud + ", gross_amount " + amount(t.gross) + " for " + t.orderID
}

// disagreementLocked is, for an adversarial notification body, what it
// claims against what the Get Status API answers for the transaction
// now, or "" when they agree; e.mu is held.
func (e *Emulator) disagreementLocked(t *txn, body []byte) string {
	doc := gjson.ParseBytes(body)
	says := "transaction_status " + doc.Get("transaction_status").String() + ", fraud_status " + doc.Get("fraud_status").String() +
		", gross_amount " + doc.Get("gross_amount").String() + " for " + doc.Get("order_id").String()
	answer := e.answerLocked(t)
	if says == answer {
		return ""
	}
	return "this notification says " + says + "; the Get Status API (GET /v2/" + t.orderID + "/status) answers " + answer
}

// retriesFor is how many times Midtrans retries a notification answered
// with status (0 = no answer): 2xx none; 500 once; 503 four times; 400
// and 404 twice; 301/302/303 never (fix the URL in the dashboard
// instead); anything else, including no answer, five times (HTTP(S)
// Notification / Webhooks, "Status Codes and Errors").
func retriesFor(status int) int {
	switch {
	case status >= 200 && status < 300:
		return 0
	case status == 301 || status == 302 || status == 303:
		return 0
	case status == 500:
		return 1
	case status == 503:
		return 4
	case status == 400 || status == 404:
		return 2
	}
	return 5
}

// maxRedirects is how many 307/308 redirects one attempt follows.
const maxRedirects = 5

// notifyLater sends the notification for a state change the merchant
// caused through the Core API (cancel, expire, refund, approve, deny):
// Midtrans answers the call, then its notification engine posts the
// notification. It goes out EventNotifyDelay later on the test clock, so
// a scenario decides when it arrives; e.mu is held.
func (e *Emulator) notifyLater(t *txn, status string) {
	jobs := e.eventLocked(t, status)
	e.st.events = append(e.st.events, e.clockOf(t).AfterFunc(e.o.EventNotifyDelay, func() {
		e.deliverAll(context.Background(), jobs)
	}))
}

// selfCheck recomputes signature_key from what is actually sent, so the
// evidence says honestly whether a crafted notification was valid.
func (e *Emulator) selfCheck(body []byte, why string) *evidence.SignatureCheck {
	check := &evidence.SignatureCheck{Scheme: NotifyScheme}
	doc := gjson.ParseBytes(body)
	order, code, gross := doc.Get("order_id").String(), doc.Get("status_code").String(), doc.Get("gross_amount").String()
	want := e.signature(order, code, gross)
	check.Valid = doc.Get("signature_key").String() == want
	check.Detail = fmt.Sprintf("sha512(%q + %q + %q + <server key>)", order, code, gross)
	if !check.Valid {
		check.Detail += " does not match signature_key"
	}
	if why != "" {
		check.Detail = why + "; " + check.Detail
	}
	return check
}

// undeliverable records an event that has nowhere to go.
func (e *Emulator) undeliverable(job notifyJob, attempt int) emulator.Delivery {
	d := emulator.Delivery{Order: job.order, Variant: job.variant, Attempt: attempt}
	return e.recordDelivery(job.t, e.rec.Undelivered(d, "notification "+job.variant, job.body, errNoURL))
}

// send posts one notification and records it as a delivery. Any 2xx
// acknowledges. A 307 or 308 is followed with the same POST and body, at
// most maxRedirects times, each hop recorded; 301, 302 and 303 are not
// followed (Midtrans counts them as failures and does not retry).
func (e *Emulator) send(ctx context.Context, job notifyJob, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	return e.sendWith(ctx, e.client, job, attempt, sig)
}

// sendWith is send through client (a burst gate's, for overlapping copies).
func (e *Emulator) sendWith(ctx context.Context, client *http.Client, job notifyJob, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	target := job.target
	for hop := 0; ; hop++ {
		d := e.sendTo(ctx, client, job, target, attempt, sig)
		if (d.Status != http.StatusTemporaryRedirect && d.Status != http.StatusPermanentRedirect) || d.Exchange.Response == nil {
			return d
		}
		next := redirectTarget(target, d.Exchange.Response.Headers)
		if next == "" || hop == maxRedirects {
			return d
		}
		target = next
	}
}

func (e *Emulator) sendTo(ctx context.Context, client *http.Client, job notifyJob, target string, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "User-Agent": {userAgent}}
	d := emulator.Delivery{Order: job.order, Variant: job.variant, Attempt: attempt}
	before, _ := e.queries(job.t)
	d = e.rec.Deliver(ctx, client, d, emulator.Callback{
		Outbound: emulator.Outbound{URL: target, Header: h, Body: job.body, BuildError: "build notification request"},
		Label:    "notification " + job.variant, Signature: sig, CodeField: "status_code",
	})
	if job.watch {
		after, last := e.queries(job.t)
		d.Exchange.Notes = append(d.Exchange.Notes, handling(d, after-before, last))
	}
	if target != job.target {
		d.Exchange.Notes = append(d.Exchange.Notes, "followed a 307/308 redirect from "+job.target+" with the same POST body")
	}
	return e.recordSent(job.t, d, job.body)
}

// redirectTarget resolves a 307/308's Location against the URL that answered it.
func redirectTarget(from string, h map[string][]string) string {
	loc := h[http.CanonicalHeaderKey("Location")]
	if len(loc) == 0 || loc[0] == "" {
		return ""
	}
	base, err := url.Parse(from)
	if err != nil {
		return ""
	}
	ref, err := url.Parse(loc[0])
	if err != nil {
		return ""
	}
	u := base.ResolveReference(ref)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	return u.String()
}

// recordDelivery stores the exchange and the delivery together.
func (e *Emulator) recordDelivery(t *txn, d emulator.Delivery) emulator.Delivery {
	return e.recordSent(t, d, nil)
}

// recordSent is recordDelivery that also remembers body as seen by the
// merchant when it is a genuine notification the merchant answered.
func (e *Emulator) recordSent(t *txn, d emulator.Delivery, body []byte) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&d.Exchange)
	t.deliveries = append(t.deliveries, d)
	if body != nil && d.Variant == "valid" && d.Status != 0 && !slices.ContainsFunc(t.seen, func(n seenNotice) bool { return bytes.Equal(n.body, body) }) {
		t.seen = append(t.seen, seenNotice{status: gjson.GetBytes(body, "transaction_status").String(), body: body})
	}
	return d
}

// queries reads t's status-call counter and what the last call answered.
func (e *Emulator) queries(t *txn) (int, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return t.statusQueries, t.lastQueried
}

// handling says, for the evidence, how the merchant dealt with a crafted
// notification. Midtrans documents two equally valid ways to trust one:
// verify signature_key, or re-query the Get Status API and act on its
// answer (what the official PHP library's Notification helper does); a
// notification that fails either may be disregarded. The scenario judges
// the outcome (the order's state); this line records the way.
func handling(d emulator.Delivery, queried int, last string) string {
	requery := ""
	if queried > 0 {
		requery = fmt.Sprintf(" and re-queried the Get Status API %d time(s) while handling it (last answer: %s)", queried, last)
	}
	switch {
	case d.Status == 0:
		return "merchant's handling: no answer (" + d.Error + ")" + requery
	case d.Acked && queried > 0:
		return fmt.Sprintf("merchant's handling: acknowledged (HTTP %d)%s, i.e. trusted Midtrans' answer rather than the notification", d.Status, requery)
	case d.Acked:
		return fmt.Sprintf("merchant's handling: acknowledged (HTTP %d) without a status query during handling; the order's state shows whether it was disregarded", d.Status)
	case d.Status >= 400 && d.Status < 500:
		return fmt.Sprintf("merchant's handling: rejected (HTTP %d)%s", d.Status, requery)
	}
	return fmt.Sprintf("merchant's handling: answered HTTP %d%s", d.Status, requery)
}

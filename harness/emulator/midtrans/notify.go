package midtrans

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

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
	m := e.txnFields(t, status, code)
	m["status_message"] = "midtrans payment notification"
	m["signature_key"] = e.signature(t.orderID, code, amount(t.gross))
	if t.paymentTypeOr() == defaultPaymentType {
		m["va_numbers"] = []map[string]any{{"bank": "bca", "va_number": vaNumber(t)}}
	}
	if status == StatusSettlement && t.settled.IsZero() {
		m["settlement_time"] = wib(e.clk.Now())
	}
	return m
}

// vaNumber derives a stable 11-digit BCA-style VA number from the transaction id.
func vaNumber(t *txn) string {
	sum := sha512.Sum512([]byte(t.transactionID))
	out := make([]byte, 11)
	for i := range out {
		out[i] = '0' + sum[i]%10
	}
	return string(out)
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
// schedules the next on the virtual clock. Retries resend the same body.
func (e *Emulator) deliver(ctx context.Context, job notifyJob, attempt int) emulator.Delivery {
	if job.target == "" {
		return e.undeliverable(job, attempt)
	}
	d := e.send(ctx, job, attempt, e.selfCheck(job.body, ""))
	if !d.Acked {
		e.retries.After(attempt, func() { e.deliver(context.Background(), job, attempt+1) })
	}
	return d
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
// acknowledges; redirects are not followed: Midtrans reports 3xx as a
// failed notification.
func (e *Emulator) send(ctx context.Context, job notifyJob, attempt int, sig *evidence.SignatureCheck) emulator.Delivery {
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "User-Agent": {userAgent}}
	d := emulator.Delivery{Order: job.order, Variant: job.variant, Attempt: attempt}
	d = e.rec.Deliver(ctx, e.client, d, emulator.Callback{
		Outbound: emulator.Outbound{URL: job.target, Header: h, Body: job.body, BuildError: "build notification request"},
		Label:    "notification " + job.variant, Signature: sig, CodeField: "status_code",
	})
	return e.recordDelivery(job.t, d)
}

// recordDelivery stores the exchange and the delivery together.
func (e *Emulator) recordDelivery(t *txn, d emulator.Delivery) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&d.Exchange)
	t.deliveries = append(t.deliveries, d)
	return d
}

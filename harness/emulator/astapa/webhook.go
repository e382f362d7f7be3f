package astapa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// EventPurchased is the one webhook event shop payments fire.
const EventPurchased = "item.purchased"

const webhookAgent = "Astapa-Webhook (uatrun emulator)"

var errNoURL = errors.New("no webhook URL: set the project webhook URL (gateway.notify_url or POST /_uatrun/dashboard)")

// webhookJob is one webhook to send.
type webhookJob struct {
	p       *payment
	variant string
	body    []byte
	target  string
	why     string // what a crafted variant did, for the evidence
}

// webhookFields is the item.purchased payload for p (§4); e.mu is held.
func (e *Emulator) webhookFields(p *payment) map[string]any {
	paid := p.paidAt
	if paid.IsZero() {
		paid = e.clk.Now()
	}
	md := p.metadata
	if md == nil {
		md = map[string]any{}
	}
	return map[string]any{
		"event": EventPurchased, "order_id": p.orderID, "item_id": ItemDirect, "item_name": p.item,
		"buyer_email": p.buyerEmail, "buyer_name": p.buyerName, "amount": p.amount, "currency": "IDR",
		"paid_at": isoUTC(paid), "metadata": md,
	}
}

// deliver sends one attempt and, unless answered 2xx, schedules the next
// on the virtual clock with the same body.
func (e *Emulator) deliver(ctx context.Context, job webhookJob, attempt int) emulator.Delivery {
	if job.target == "" {
		return e.undeliverable(job, attempt)
	}
	d := e.send(ctx, job, attempt)
	if !d.Acked && attempt <= len(e.o.WebhookRetry) {
		e.scheduleRetry(job, attempt)
	}
	return d
}

func (e *Emulator) scheduleRetry(job webhookJob, attempt int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var t clock.Timer
	t = e.clk.AfterFunc(e.o.WebhookRetry[attempt-1], func() {
		e.mu.Lock()
		_, live := e.st.retryTimer[t]
		delete(e.st.retryTimer, t)
		job.target = e.webhookURL // the project setting is read when sending
		e.mu.Unlock()
		if live {
			e.deliver(context.Background(), job, attempt+1)
		}
	})
	e.st.retryTimer[t] = true
}

func (e *Emulator) undeliverable(job webhookJob, attempt int) emulator.Delivery {
	x := evidence.Exchange{Kind: evidence.KindNotify, Label: "webhook " + job.variant, At: e.rec.Stamp(),
		Request: e.rec.Message(http.MethodPost, "", 0, nil, job.body), Error: errNoURL.Error()}
	d := emulator.Delivery{Order: job.p.orderID, Variant: job.variant, Attempt: attempt, Error: errNoURL.Error()}
	return e.recordDelivery(job.p, d, x)
}

// send posts one webhook and records it. Astapa signs nothing, so the
// evidence carries no signature check; the note says what the merchant
// must do instead.
func (e *Emulator) send(ctx context.Context, job webhookJob, attempt int) emulator.Delivery {
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "User-Agent": {webhookAgent}}
	at := e.rec.Stamp()
	x := evidence.Exchange{Kind: evidence.KindNotify, Label: "webhook " + job.variant, At: at,
		Request: e.rec.Message(http.MethodPost, job.target, 0, h, job.body),
		Notes:   []string{"Astapa webhooks are unsigned: a merchant confirms with GET /api/platform/shop-payment/verify before fulfilling"}}
	if job.why != "" {
		x.Notes = append(x.Notes, "crafted: "+job.why)
	}
	d := emulator.Delivery{Order: job.p.orderID, Variant: job.variant, Attempt: attempt}
	status, rh, answer, err := e.post(ctx, job.target, h, job.body)
	x.DurationMS = since(at.Real)
	if status != 0 {
		resp := e.rec.Message("", "", status, rh, answer)
		x.Response = &resp
	}
	d.Status = status
	if err != nil {
		d.Error, x.Error = err.Error(), err.Error()
	}
	d.Acked = err == nil && status >= 200 && status < 300
	return e.recordDelivery(job.p, d, x)
}

func (e *Emulator) post(ctx context.Context, target string, h http.Header, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("build webhook request: %w", err)
	}
	req.Header = h.Clone()
	client := *e.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, emulator.MaxAnswerBody+1))
	if err != nil {
		return resp.StatusCode, resp.Header, answer, fmt.Errorf("read answer: %w", err)
	}
	if len(answer) > emulator.MaxAnswerBody {
		return resp.StatusCode, resp.Header, answer[:emulator.MaxAnswerBody], fmt.Errorf("answer exceeds %d KiB", emulator.MaxAnswerBody>>10)
	}
	return resp.StatusCode, resp.Header, answer, nil
}

func (e *Emulator) recordDelivery(p *payment, d emulator.Delivery, x evidence.Exchange) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&x)
	d.Exchange = x
	p.deliveries = append(p.deliveries, d)
	return d
}

package astapa

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/uatrun/uatrun/harness/emulator"
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

// purchasedPayload is the item.purchased body, its keys in the order of
// Astapa's published sample (§4).
type purchasedPayload struct {
	Event      string         `json:"event"`
	OrderID    string         `json:"order_id"`
	ItemID     string         `json:"item_id"`
	ItemName   string         `json:"item_name"`
	BuyerEmail string         `json:"buyer_email"`
	BuyerName  string         `json:"buyer_name"`
	Amount     int64          `json:"amount"`
	Currency   string         `json:"currency"`
	PaidAt     string         `json:"paid_at"`
	Metadata   map[string]any `json:"metadata"`
}

// webhookFields is the item.purchased payload for p (§4); e.mu is held.
func (e *Emulator) webhookFields(p *payment) purchasedPayload {
	paid := p.paidAt
	if paid.IsZero() {
		paid = e.clk.Now()
	}
	md := p.metadata
	if md == nil {
		md = map[string]any{}
	}
	return purchasedPayload{Event: EventPurchased, OrderID: p.orderID, ItemID: ItemDirect, ItemName: p.item,
		BuyerEmail: p.buyerEmail, BuyerName: p.buyerName, Amount: p.amount, Currency: "IDR",
		PaidAt: isoUTC(paid), Metadata: md}
}

// deliver sends one attempt and, unless answered 2xx, schedules the next
// on the virtual clock with the same body. The project's webhook URL is
// read again when a retry is due. A retry goes out only while verify
// still answers settlement: once the payment was refunded (or forgotten),
// an item.purchased would contradict it, so the retries stop (see stale).
func (e *Emulator) deliver(ctx context.Context, job webhookJob, attempt int) emulator.Delivery {
	if why := e.stale(job); why != "" {
		return emulator.Delivery{Order: job.p.orderID, Variant: job.variant, Attempt: attempt, Error: "not sent: " + why}
	}
	if job.target == "" {
		return e.undeliverable(job, attempt)
	}
	d := e.send(ctx, e.client, job, attempt)
	if !d.Acked {
		e.retries.After(attempt, func() {
			job.target = e.WebhookURL()
			e.deliver(context.Background(), job, attempt+1)
		})
	}
	return d
}

// stale says why job's item.purchased no longer agrees with what verify
// answers for its order, or "" while verify still answers settlement.
func (e *Emulator) stale(job webhookJob) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if job.p.status == StatusSettlement && !job.p.forgotten && e.st.byOrder[job.p.orderID] == job.p {
		return ""
	}
	return "this webhook says item.purchased for " + job.p.orderID + "; " + e.verifyAnswerLocked(job.p.orderID)
}

// verifyAnswerLocked is what verify answers for orderID now, in words;
// e.mu is held.
func (e *Emulator) verifyAnswerLocked(orderID string) string {
	q := "verify (GET /api/platform/shop-payment/verify?order_id=" + orderID + ") answers "
	p := e.st.byOrder[orderID]
	if p == nil {
		return q + "404 Payment not found"
	}
	return q + p.status + " for " + orderID
}

// disagreementLocked is, for an adversarial item.purchased body, what it
// claims against what verify answers for the order it names (and, since
// verify carries no amount, the amount of that payment), or "" when they
// agree; e.mu is held.
func (e *Emulator) disagreementLocked(body []byte) string {
	var sent purchasedPayload
	_ = json.Unmarshal(body, &sent)
	p := e.st.byOrder[sent.OrderID]
	if p != nil && p.status == StatusSettlement && p.amount == sent.Amount {
		return ""
	}
	lie := "this webhook says item.purchased (paid), amount " + strconv.FormatInt(sent.Amount, 10) + " for " + sent.OrderID + "; " + e.verifyAnswerLocked(sent.OrderID)
	if p != nil && p.amount != sent.Amount {
		lie += ", and the payment's amount is " + strconv.FormatInt(p.amount, 10)
	}
	return lie
}

func (e *Emulator) undeliverable(job webhookJob, attempt int) emulator.Delivery {
	d := emulator.Delivery{Order: job.p.orderID, Variant: job.variant, Attempt: attempt}
	return e.recordDelivery(job.p, e.rec.Undelivered(d, "webhook "+job.variant, job.body, errNoURL))
}

// send posts one webhook and records it; any 2xx acknowledges and
// redirects are not followed. Astapa signs nothing, so the evidence
// carries no signature check; the note says what the merchant must do
// instead.
func (e *Emulator) send(ctx context.Context, client *http.Client, job webhookJob, attempt int) emulator.Delivery {
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "User-Agent": {webhookAgent}}
	notes := []string{"Astapa webhooks are unsigned: a merchant confirms with GET /api/platform/shop-payment/verify before fulfilling"}
	if job.why != "" {
		notes = append(notes, "crafted: "+job.why)
	}
	d := emulator.Delivery{Order: job.p.orderID, Variant: job.variant, Attempt: attempt}
	d = e.rec.Deliver(ctx, client, d, emulator.Callback{
		Outbound: emulator.Outbound{URL: job.target, Header: h, Body: job.body, BuildError: "build webhook request"},
		Label:    "webhook " + job.variant, Notes: notes,
	})
	return e.recordDelivery(job.p, d)
}

func (e *Emulator) recordDelivery(p *payment, d emulator.Delivery) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&d.Exchange)
	p.deliveries = append(p.deliveries, d)
	return d
}

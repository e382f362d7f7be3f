package astapa

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/internal/burst"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Action names Act accepts.
const (
	actPay         = "pay"    // the buyer pays: settlement, then the item.purchased webhook
	actCancel      = "cancel" // the buyer cancels at the payment page
	actExpire      = "expire"
	actRefund      = "refund" // refunded on Astapa's side (there is no merchant refund API)
	actRespondNext = "respond_next"
	actNotify      = "notify"
)

var actionNames = []string{actPay, actCancel, actExpire, actRefund, actRespondNext, actNotify}

var actionParams = map[string][]string{
	actPay: {"notify"}, actCancel: nil, actExpire: nil, actRefund: nil,
	actRespondNext: {"api", "code", "message", "count", "order_id"},
	actNotify:      {"variant", "copies", "order_id"},
}

var actions = emulator.ActionSet{Gateway: GatewayName, Prefix: "astapa", Names: actionNames, Params: actionParams}

// from is the status each transition requires.
var from = map[string]string{actPay: StatusPending, actCancel: StatusPending, actExpire: StatusPending, actRefund: StatusSettlement}
var to = map[string]string{actPay: StatusSettlement, actCancel: StatusCancel, actExpire: StatusExpire, actRefund: StatusRefund}

var codePattern = regexp.MustCompile(`^[45]\d\d$`)

// Act performs a control action synchronously.
func (e *Emulator) Act(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	if err := actions.Check(a); err != nil {
		return emulator.Result{}, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	switch a.Name {
	case actRespondNext:
		return e.actRespondNext(a.Params)
	case actNotify:
		return e.actNotify(ctx, a)
	}
	return e.actTransition(ctx, a)
}

// actTransition moves a payment; only settlement fires a webhook (§4).
func (e *Emulator) actTransition(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	drop, err := actions.Drop(a)
	if err != nil {
		return emulator.Result{}, err
	}
	e.mu.Lock()
	p, err := e.st.lookup(a.Order)
	if err != nil {
		e.mu.Unlock()
		return emulator.Result{}, err
	}
	if p.status != from[a.Name] {
		e.mu.Unlock()
		return emulator.Result{}, fmt.Errorf("astapa: %w: cannot %s order %s: it is %s (needs %s)",
			emulator.ErrOrderState, a.Name, p.orderID, p.status, from[a.Name])
	}
	p.status = to[a.Name]
	p.stopExpiry()
	job := webhookJob{p: p, variant: "valid", target: e.webhookURL}
	if a.Name == actPay {
		p.paidAt = e.clk.Now()
		job.body = encodeJSON(e.webhookFields(p))
	}
	e.mu.Unlock()
	detail := fmt.Sprintf("order %s is %s", p.orderID, to[a.Name])
	if a.Name != actPay {
		return emulator.Result{Detail: detail + " (Astapa sends no webhook for this)"}, nil
	}
	if drop {
		return emulator.Result{Detail: detail + "; the item.purchased webhook was dropped (never sent, no retries)"}, nil
	}
	d := e.deliver(ctx, job, 1)
	return emulator.Result{Deliveries: []emulator.Delivery{d}, Exchanges: []evidence.Exchange{d.Exchange},
		Detail: detail + "; item.purchased " + emulator.Describe(d)}, nil
}

// expireByTimer closes a payment still pending at its expiry.
func (e *Emulator) expireByTimer(p *payment) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p.status == StatusPending && !p.forgotten {
		p.status, p.expiry = StatusExpire, nil
	}
}

// variant crafts one-shot webhook bodies from the honest payload.
type variant struct {
	copies int
	why    string
	craft  func(f *purchasedPayload, p *payment)
}

var variants = map[string]variant{
	"valid":      {1, "", nil},
	"duplicate":  {2, "", nil},
	"concurrent": {5, "", nil},
	"forged":     {1, "an item.purchased anyone could send: Astapa signs nothing, and this payment is not necessarily paid", nil},
	"wrong_amount": {1, "amount is not the payment's", func(f *purchasedPayload, p *payment) {
		f.Amount = p.amount - 1
		if p.amount <= 1 {
			f.Amount = p.amount + 1
		}
	}},
	"unknown_order": {1, "order_id names no payment", func(f *purchasedPayload, p *payment) {
		f.OrderID = p.orderID + "-UNKNOWN"
	}},
	// altered: this payment's genuine payload (its metadata, buyer and
	// amount) with order_id replaced by the order_id param, e.g. another
	// of the merchant's orders, still unpaid.
	"altered": {1, "order_id altered: every other field is another payment's", nil},
}

const maxCopies = 100

// actNotify sends a crafted webhook, with no retries. A legitimate
// variant (valid, duplicate, concurrent) first settles a pending payment
// (agreeLocked); the adversarial ones change nothing.
func (e *Emulator) actNotify(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	name := a.Params["variant"]
	if name == "" {
		name = "valid"
	}
	v, ok := variants[name]
	if !ok {
		return emulator.Result{}, fmt.Errorf("astapa: unknown webhook variant %q; valid variants: %s", name, strings.Join(slices.Sorted(maps.Keys(variants)), ", "))
	}
	copies := v.copies
	if s := a.Params["copies"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxCopies {
			return emulator.Result{}, fmt.Errorf("astapa: copies %q must be a whole number from 1 to %d", s, maxCopies)
		}
		copies = n
	}
	e.mu.Lock()
	p, err := e.st.lookup(a.Order)
	if err != nil {
		e.mu.Unlock()
		return emulator.Result{}, err
	}
	note := ""
	if legitimate[name] {
		if note, err = e.agreeLocked(p, name); err != nil {
			e.mu.Unlock()
			return emulator.Result{}, err
		}
	}
	f := e.webhookFields(p)
	if v.craft != nil {
		v.craft(&f, p)
	}
	why := v.why
	if name == "altered" {
		other := a.Params["order_id"]
		if other == "" || other == p.orderID {
			e.mu.Unlock()
			return emulator.Result{}, fmt.Errorf("astapa: variant altered needs order_id: the order_id to write into %s's payload (another order's)", p.orderID)
		}
		f.OrderID = other
		why = "order_id altered to " + quote(other) + ": every other field is order " + quote(p.orderID) + "'s, which is " + p.status
	} else if a.Params["order_id"] != "" {
		e.mu.Unlock()
		return emulator.Result{}, fmt.Errorf("astapa: order_id is a param of variant altered only")
	}
	job := webhookJob{p: p, variant: name, body: encodeJSON(f), target: e.webhookURL, why: why}
	if !legitimate[name] {
		if lie := e.disagreementLocked(job.body); lie != "" && why != "" {
			job.why = why + "; " + lie
		} else if lie != "" {
			job.why = lie
		}
	}
	state := p.status
	e.mu.Unlock()
	ds := e.sendCopies(ctx, job, copies, name == "concurrent")
	if note != "" {
		note += "; "
	}
	return emulator.Delivered(ds, fmt.Sprintf("%swebhook %s sent %d time(s) for order %s (%s at Astapa)", note, name, len(ds), a.Order, state)), nil
}

// legitimate are the variants that tell the truth: what verify answers
// when they are sent. The others may lie, and their record says what
// they claim against that answer.
var legitimate = map[string]bool{"valid": true, "duplicate": true, "concurrent": true}

// agreeLocked makes p agree with a legitimate item.purchased before it is
// sent, so the webhook and verify never contradict each other: a pending
// payment is settled first (paid now), as the buyer paying would. One
// contradicting a closed or refunded payment is refused: only the
// adversarial variants lie, and say so in their record. It returns what
// it did, "" when p already agreed; e.mu is held.
func (e *Emulator) agreeLocked(p *payment, name string) (string, error) {
	switch {
	case p.forgotten:
	case p.status == StatusSettlement:
		return "", nil
	case p.status == StatusPending:
		p.status, p.paidAt = StatusSettlement, e.clk.Now()
		p.stopExpiry()
		return "order " + p.orderID + " settled first, so verify answers settlement as the webhook says", nil
	}
	return "", fmt.Errorf("astapa: %w: a %s item.purchased says order %s is paid but %s; Astapa only notifies what verify answers, "+
		"so use an adversarial variant (forged, wrong_amount, altered, …) to send a webhook that disagrees",
		emulator.ErrOrderState, name, p.orderID, e.verifyAnswerLocked(p.orderID))
}

// sendCopies sends n copies one after another or, when parallel, released
// together (burst): every copy is in the merchant's handler at once, as
// when a retry overlaps a slow first delivery.
func (e *Emulator) sendCopies(ctx context.Context, job webhookJob, n int, parallel bool) []emulator.Delivery {
	if job.target == "" {
		return []emulator.Delivery{e.undeliverable(job, 1)}
	}
	if !parallel {
		return emulator.SendCopies(n, false, func(i int) emulator.Delivery { return e.send(ctx, e.client, job, i) })
	}
	gate := burst.NewGate(n)
	return emulator.SendCopies(n, true, func(i int) emulator.Delivery { return e.send(ctx, gate.Client(e.client), job, i) })
}

// actRespondNext queues an injected HTTP error for the next call(s) to an API.
func (e *Emulator) actRespondNext(p map[string]string) (emulator.Result, error) {
	api := p["api"]
	if api != APICreatePayment && api != APIVerify {
		return emulator.Result{}, fmt.Errorf("astapa: respond_next api %q: want %s or %s", api, APICreatePayment, APIVerify)
	}
	var status int
	switch {
	case p["code"] == CodeTimeout:
	case codePattern.MatchString(p["code"]):
		status, _ = strconv.Atoi(p["code"])
	default:
		return emulator.Result{}, fmt.Errorf("astapa: respond_next code %q: want a 4xx or 5xx HTTP status such as 500, or %s (no answer: the connection is closed)", p["code"], CodeTimeout)
	}
	count, err := actions.Count(p)
	if err != nil {
		return emulator.Result{}, err
	}
	key, scope := api, ""
	if id := p["order_id"]; id != "" {
		if api != APIVerify {
			return emulator.Result{}, fmt.Errorf("astapa: respond_next order_id scopes verify calls only (create names its order in the body)")
		}
		key, scope = api+"|"+id, " for order_id "+quote(id)
	}
	if status == 0 {
		e.injected.Add(key, count, override{})
		return emulator.Result{Detail: fmt.Sprintf("the next %d %s call(s)%s will get no answer: the connection is closed, as when Astapa times out", count, api, scope)}, nil
	}
	msg := p["message"]
	if msg == "" {
		msg = http.StatusText(status)
	}
	e.injected.Add(key, count, override{status: status, message: msg})
	return emulator.Result{Detail: fmt.Sprintf("the next %d %s call(s)%s will be answered HTTP %d %s", count, api, scope, status, msg)}, nil
}

// takeOverride takes the answer queued for this call: one scoped to its
// order_id (verify) first, then one for every call to api.
func (e *Emulator) takeOverride(api, orderID string) *reply {
	ov, ok := e.injected.Take(api + "|" + orderID)
	if !ok || orderID == "" {
		ov, ok = e.injected.Take(api)
	}
	if !ok {
		return nil
	}
	if ov.status == 0 {
		return &reply{hangUp: true, hint: "no answer injected by the test scenario (respond_next code=timeout): the connection was closed; nothing changed"}
	}
	return fail(ov.status, "injected_error", ov.message, "this answer was injected by the test scenario (respond_next); nothing changed")
}

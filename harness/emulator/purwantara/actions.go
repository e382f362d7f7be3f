package purwantara

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Action names Act accepts.
const (
	actPay         = "pay"
	actFail        = "fail"
	actExpire      = "expire"
	actNotify      = "notify"
	actRespondNext = "respond_next"
	actCallbackURL = "set_callback_url"
	// the shopper's browser comes back to the merchant's return URL
	actReturnShopper = "return_shopper"
)

var actionNames = []string{actPay, actFail, actExpire, actNotify, actRespondNext, actCallbackURL, actReturnShopper}

// actionParams are the params each action accepts; anything else is an
// error so a typo in a scenario never passes silently.
var actionParams = map[string][]string{
	actPay:           {"notify", "channel"},
	actFail:          {"notify"},
	actExpire:        {"notify"},
	actNotify:        {"variant", "copies", "status", "amount", "from"},
	actRespondNext:   {"api", "status", "code", "message", "count"},
	actCallbackURL:   {"url"},
	actReturnShopper: {"forged"},
}

var actions = emulator.ActionSet{Gateway: GatewayName, Prefix: "purwantara", Names: actionNames, Params: actionParams}

// Act performs a control action synchronously: the webhooks it causes
// have been answered (or have failed) when it returns.
func (e *Emulator) Act(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	if err := actions.Check(a); err != nil {
		return emulator.Result{}, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	switch a.Name {
	case actPay, actFail, actExpire:
		return e.actSettle(ctx, a)
	case actNotify:
		return e.actNotify(ctx, a)
	case actRespondNext:
		return e.actRespondNext(a.Params)
	case actReturnShopper:
		return e.returnShopper(ctx, a.Order, a.Params["forged"])
	default:
		if err := e.SetCallbackURL(a.Params["url"]); err != nil {
			return emulator.Result{}, err
		}
		return emulator.Result{Detail: "team Callback URL set to " + strconv.Quote(a.Params["url"])}, nil
	}
}

// actSettle is the payment simulator: pay, fail or expire an ACTIVE
// transaction and deliver its webhook.
func (e *Emulator) actSettle(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	drop, err := actions.Drop(a)
	if err != nil {
		return emulator.Result{}, err
	}
	payer, err := payerParam(a.Params["channel"])
	if err != nil {
		return emulator.Result{}, err
	}
	// The simulator waits for a webhook of the transaction still in
	// flight (the creation's, just answered) before it moves it, so that
	// webhook reaches the merchant while the inquiry API still answers it.
	held, err := e.holdSends(a.Order)
	if err != nil {
		return emulator.Result{}, err
	}
	j, err := e.settle(a.Order, a.Name, payer)
	if err != nil {
		held.sendMu.Unlock()
		return emulator.Result{}, err
	}
	what := fmt.Sprintf("%s %s is %s", j.t.ch.path, j.t.ref, j.ev.status)
	if drop {
		held.sendMu.Unlock()
		return emulator.Result{Detail: what + "; its webhook was dropped (never sent, no retries; redelivery can still send it)"}, nil
	}
	d := e.deliverHeld(ctx, j, 1)
	return emulator.Result{Deliveries: []emulator.Delivery{d}, Exchanges: []evidence.Exchange{d.Exchange},
		Detail: what + "; webhook " + emulator.Describe(d)}, nil
}

// holdSends takes the send lock of the transaction ref names, so no
// webhook of it is in flight; the caller releases it.
func (e *Emulator) holdSends(ref string) (*tx, error) {
	e.mu.Lock()
	t, err := e.st.lookup(ref)
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	t.sendMu.Lock()
	return t, nil
}

// actNotify sends a crafted webhook variant.
func (e *Emulator) actNotify(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	name := a.Params["variant"]
	if name == "" {
		name = "valid"
	}
	status, err := parseStatus(a.Params["status"])
	if err != nil {
		return emulator.Result{}, err
	}
	copies, err := parseCopies(a.Params["copies"])
	if err != nil {
		return emulator.Result{}, err
	}
	var amount int64
	if raw := a.Params["amount"]; raw != "" {
		var errs fieldErrors
		amount = amountField(gjson.Parse(`{"amount":`+strconv.Quote(raw)+`}`), "amount", &errs)
		if amount == 0 {
			return emulator.Result{}, fmt.Errorf("purwantara: notify amount %q: want a positive amount with at most 4 decimals, e.g. 14999", raw)
		}
		if name != "valid" && name != "concurrent" {
			return emulator.Result{}, fmt.Errorf("purwantara: notify amount applies to variants valid and concurrent (a correctly signed event with that amount)")
		}
	}
	ds, err := e.crafted(ctx, a.Order, name, status, copies, amount, a.Params["from"])
	if err != nil {
		return emulator.Result{}, err
	}
	return emulator.Delivered(ds, fmt.Sprintf("webhook %s sent %d time(s) for %s; %d acknowledged with a 2xx",
		name, len(ds), a.Order, emulator.Acked(ds))), nil
}

// actRespondNext queues an injected answer for the next call(s) to an API.
func (e *Emulator) actRespondNext(p map[string]string) (emulator.Result, error) {
	api := p["api"]
	if !slices.Contains(e.APIs(), api) || api == APIUnknown {
		return emulator.Result{}, fmt.Errorf("purwantara: respond_next api %q: want one of %s", api, strings.Join(e.APIs()[:len(e.APIs())-1], ", "))
	}
	status, err := strconv.Atoi(p["status"])
	if err != nil || status < 400 || status > 599 {
		return emulator.Result{}, fmt.Errorf("purwantara: respond_next status %q: want an HTTP error status from 400 to 599, e.g. 401 or 500", p["status"])
	}
	count, err := actions.Count(p)
	if err != nil {
		return emulator.Result{}, err
	}
	msg := p["message"]
	if msg == "" {
		msg = defaultMessage(status)
	}
	code := p["code"]
	if code == "" {
		code = e.errorCode(status)
	}
	e.injected.Add(api, count, override{status: status, code: code, message: msg})
	return emulator.Result{Detail: fmt.Sprintf("the next %d %s call(s) will be answered HTTP %d %s %q", count, api, status, code, msg)}, nil
}

// defaultMessage is the error.message for common statuses (Laravel's
// wording, which Purwantara's API is built on).
func defaultMessage(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "Unauthenticated."
	case http.StatusUnprocessableEntity:
		return "The given data was invalid."
	case http.StatusTooManyRequests:
		return "Too Many Attempts."
	case http.StatusInternalServerError:
		return "Server Error"
	}
	return http.StatusText(status)
}

// takeOverride consumes one pending injected answer for api, if any. An
// injection for "create" matches every channel's create.
func (e *Emulator) takeOverride(api string) *reply {
	ov, ok := e.injected.TakeMatching(func(queued string) bool { return queued == api || (queued == APICreate && isCreate(api)) })
	if !ok {
		return nil
	}
	return &reply{status: ov.status, code: ov.code, message: ov.message}
}

package dana

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Action names Act accepts.
const (
	actPay           = "pay"
	actFail          = "fail"
	actExpire        = "expire"
	actRespondNext   = "respond_next"
	actNotify        = "notify"
	actReturnShopper = "return_shopper"
)

var actionNames = []string{actPay, actFail, actExpire, actRespondNext, actNotify, actReturnShopper}

// actionParams are the params each action accepts; anything else is an
// error so a typo in a scenario never passes silently.
var actionParams = map[string][]string{
	actPay:           {"notify"},
	actFail:          nil,
	actExpire:        nil,
	actRespondNext:   {"api", "code", "message", "count"},
	actNotify:        {"variant", "copies", "status", "from"},
	actReturnShopper: {"forged"},
}

var actions = emulator.ActionSet{Gateway: GatewayName, Prefix: "dana", Names: actionNames, Params: actionParams}

var codePattern = regexp.MustCompile(`^[2-5]\d{6}$`)

// Act performs a control action synchronously: the deliveries it causes
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
	case actRespondNext:
		return e.actRespondNext(a.Params)
	case actNotify:
		return e.actNotify(ctx, a)
	default:
		return e.returnShopper(ctx, a.Order, a.Params["forged"] == "true")
	}
}

// actSettle pays, fails or expires an INIT order and delivers its notify.
func (e *Emulator) actSettle(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	drop, err := actions.Drop(a)
	if err != nil {
		return emulator.Result{}, err
	}
	job, err := e.settle(a.Order, a.Name)
	if err != nil {
		return emulator.Result{}, err
	}
	verb := map[string]string{actPay: "paid", actFail: "closed (payment failed)", actExpire: "closed (expired)"}[a.Name]
	if drop {
		return emulator.Result{Detail: fmt.Sprintf("order %s %s; the finish notify was dropped (never sent, no retries)", job.partnerRef, verb)}, nil
	}
	d := e.deliver(ctx, job, 1)
	return emulator.Result{Deliveries: []emulator.Delivery{d}, Exchanges: []evidence.Exchange{d.Exchange},
		Detail: fmt.Sprintf("order %s %s; finish notify %s", job.partnerRef, verb, describe(d))}, nil
}

// actNotify sends a crafted notify variant.
func (e *Emulator) actNotify(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	status, err := bisnap.FinishStatus("dana", a.Params[ParamStatus])
	if err != nil {
		return emulator.Result{}, err
	}
	v, copies, err := bisnap.Step(variants, "dana", a.Params)
	if err != nil {
		return emulator.Result{}, err
	}
	ds, note, err := e.crafted(ctx, a.Order, v, status, copies, a.Params[bisnap.ParamFrom])
	if err != nil {
		return emulator.Result{}, err
	}
	return emulator.Delivered(ds, note+fmt.Sprintf("finish notify %s (status %s) sent %d time(s) for order %s; %d acknowledged with %s",
		v.Name, status, len(ds), a.Order, emulator.Acked(ds), AckCode)), nil
}

// actRespondNext queues an injected answer for the next call(s) to an API.
func (e *Emulator) actRespondNext(p map[string]string) (emulator.Result, error) {
	a, ok := apiByName(p["api"])
	if !ok {
		return emulator.Result{}, fmt.Errorf("dana: respond_next api %q: want one of %s", p["api"], strings.Join(e.APIs(), ", "))
	}
	code := p["code"]
	if !codePattern.MatchString(code) {
		return emulator.Result{}, fmt.Errorf("dana: respond_next code %q: want a 7-digit SNAP responseCode such as 5005401", code)
	}
	count, err := actions.Count(p)
	if err != nil {
		return emulator.Result{}, err
	}
	msg := p["message"]
	if msg == "" {
		msg = defaultMessage(code)
	}
	e.injected.Add(a.name, count, override{code: code, message: msg})
	return emulator.Result{Detail: fmt.Sprintf("the next %d %s call(s) will be answered %s %s", count, a.name, code, msg)}, nil
}

// takeOverride consumes one pending injected answer for api, if any.
func (e *Emulator) takeOverride(api string) *reply {
	ov, ok := e.injected.Take(api)
	if !ok {
		return nil
	}
	return &reply{code: ov.code, message: ov.message,
		debug: "this answer was injected by the test scenario (respond_next); the order state did not change"}
}

// describe summarises a delivery in one phrase.
func describe(d emulator.Delivery) string {
	switch {
	case d.Error != "":
		return "failed: " + d.Error
	case d.Acked:
		return fmt.Sprintf("acknowledged (HTTP %d %s)", d.Status, d.ResponseCode)
	}
	return fmt.Sprintf("not acknowledged (HTTP %d %q)", d.Status, d.ResponseCode)
}

package midtrans

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/uatrun/uatrun/harness/emulator"
)

// Action names Act accepts.
const (
	actChoose        = "choose" // the shopper picks a payment method: pending notification
	actPay           = "pay"
	actDeny          = "deny"
	actExpire        = "expire"
	actChallenge     = "challenge" // card capture held by fraud detection
	actAccept        = "accept"    // the merchant accepts a challenged capture in the dashboard
	actRespondNext   = "respond_next"
	actNotify        = "notify"
	actReturnShopper = "return_shopper"
	actRefundPending = "refund_pending" // the next refund call(s) answer 201 pending
	actRefundSettle  = "refund_settle"  // pending refunds settle now, with their notification
	actRefundDeny    = "refund_deny"    // the bank denies the next direct refund call(s)
)

var actionNames = []string{actChoose, actPay, actDeny, actExpire, actChallenge, actAccept, actRespondNext, actNotify, actReturnShopper,
	actRefundPending, actRefundSettle, actRefundDeny}

// actionParams are the params each action accepts; anything else is an
// error so a typo in a scenario never passes silently.
var actionParams = map[string][]string{
	actChoose:        {"payment_type", "bank", "store", "notify"},
	actPay:           {"payment_type", "bank", "store", "notify"},
	actDeny:          {"notify"},
	actExpire:        {"notify"},
	actChallenge:     {"notify"},
	actAccept:        {"notify"},
	actRespondNext:   {"api", "code", "message", "count"},
	actNotify:        {"variant", "copies", "status", "signature_from"},
	actReturnShopper: {"transaction_status"},
	actRefundPending: {"count", "settle_after"},
	actRefundSettle:  {"notify"},
	actRefundDeny:    {"count"},
}

var actions = emulator.ActionSet{Gateway: GatewayName, Prefix: "midtrans", Names: actionNames, Params: actionParams}

// errState marks an action refused because of the transaction's state.
var errState = emulator.ErrOrderState

var codePattern = regexp.MustCompile(`^[45]\d\d$`)

// Act performs a control action synchronously: the notifications it causes
// have been answered (or have failed) when it returns.
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
	case actReturnShopper:
		return e.returnShopper(ctx, a.Order, a.Params["transaction_status"])
	case actRefundPending:
		return e.actRefundPending(a)
	case actRefundSettle:
		return e.actRefundSettle(ctx, a)
	case actRefundDeny:
		return e.actRefundDeny(a)
	}
	return e.actTransition(ctx, a)
}

// actTransition runs choose, pay, deny or expire and delivers the
// notification (unless notify: drop).
func (e *Emulator) actTransition(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	drop, err := actions.Drop(a)
	if err != nil {
		return emulator.Result{}, err
	}
	t, jobs, err := e.transition(a.Order, a.Name, a.Params["payment_type"], a.Params["bank"], a.Params["store"])
	if err != nil {
		return emulator.Result{}, err
	}
	verb := map[string]string{actChoose: "is pending (the shopper chose " + t.paymentTypeOr() + ")",
		actPay: "paid (" + t.status + ")", actDeny: "denied", actExpire: "expired",
		actChallenge: "captured with fraud_status challenge", actAccept: "accepted (fraud_status accept)"}[a.Name]
	if len(jobs) == 0 {
		return emulator.Result{Detail: fmt.Sprintf("Snap token of %s expired before any payment method was chosen; the Core API never knew the transaction, so no notification is sent", t.orderID)}, nil
	}
	if drop {
		return emulator.Result{Detail: fmt.Sprintf("transaction %s %s; the notification was dropped (never sent, no retries)", t.orderID, verb)}, nil
	}
	ds := e.deliverAll(ctx, jobs)
	return emulator.Delivered(ds, fmt.Sprintf("transaction %s %s; notification %s", t.orderID, verb, describeAll(ds))), nil
}

// actRespondNext queues an injected answer for the next call(s) to an API.
func (e *Emulator) actRespondNext(p map[string]string) (emulator.Result, error) {
	api := p["api"]
	if !slices.Contains(apiNames, api) || api == APIUnknownPath {
		return emulator.Result{}, fmt.Errorf("midtrans: respond_next api %q: want one of %s", api, strings.Join(apiNames[:len(apiNames)-1], ", "))
	}
	code := p["code"]
	if !codePattern.MatchString(code) {
		return emulator.Result{}, fmt.Errorf("midtrans: respond_next code %q: want a 4xx or 5xx status_code such as 500", code)
	}
	count, err := actions.Count(p)
	if err != nil {
		return emulator.Result{}, err
	}
	msg := p["message"]
	if msg == "" {
		msg = http.StatusText(atoi(code))
	}
	e.injected.Add(api, count, override{code: code, message: msg})
	return emulator.Result{Detail: fmt.Sprintf("the next %d %s call(s) will be answered %s %s", count, api, code, msg)}, nil
}

// takeOverride consumes one pending injected answer for the call's API.
func (e *Emulator) takeOverride(in *inbound) *reply {
	ov, ok := e.injected.Take(in.api)
	if !ok {
		return nil
	}
	status := atoi(ov.code)
	hint := "this answer was injected by the test scenario (respond_next); the transaction did not change"
	if in.api == APICreateTransaction || in.api == APISnapCancel {
		return snapError(status, hint, ov.message)
	}
	return in.fail(status, ov.code, ov.message, hint)
}

// describeAll summarises deliveries in one phrase.
func describeAll(ds []emulator.Delivery) string {
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		parts = append(parts, emulator.Describe(d))
	}
	return strings.Join(parts, "; ")
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }

func quote(s string) string { return strconv.Quote(s) }

// isStateErr reports an action refused because of the state.
func isStateErr(err error) bool { return errors.Is(err, errState) }

// actRefundDeny makes the bank deny the order's next direct refund
// call(s): status_code 202 "Refund denied by the bank", nothing refunded,
// nothing notified (Direct Refund Transaction, "Rejected Direct Refund").
func (e *Emulator) actRefundDeny(a emulator.Action) (emulator.Result, error) {
	count, err := actions.Count(a.Params)
	if err != nil {
		return emulator.Result{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(a.Order)
	if err != nil {
		return emulator.Result{}, err
	}
	t.denyNext = count
	return emulator.Result{Detail: fmt.Sprintf("the bank will deny the next %d direct refund call(s) for %s (status_code 202, nothing refunded)", count, t.orderID)}, nil
}

package danawidget

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/emulator/dana"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Action names Act accepts.
const (
	actAuthorize     = "authorize"
	actRedirect      = "redirect"
	actRevoke        = "revoke"
	actPay           = "pay"
	actFail          = "fail"
	actExpire        = "expire"
	actRespondNext   = "respond_next"
	actNotify        = "notify"
	actReturnShopper = "return_shopper"
	actCashierCancel = "cashier_cancel"
)

var actionNames = []string{actAuthorize, actRedirect, actRevoke, actPay, actFail, actExpire, actRespondNext, actNotify, actReturnShopper, actCashierCancel}

var actions = emulator.ActionSet{Gateway: GatewayName, Prefix: "dana-widget", Names: actionNames, Params: map[string][]string{
	actAuthorize:     {"url", "choice", "mobile", "balance", "redirect", "state"},
	actRedirect:      nil,
	actRevoke:        {"mobile"},
	actPay:           {"url", "notify"},
	actFail:          {"notify"},
	actExpire:        nil,
	actRespondNext:   {"api", "code", "message", "count"},
	actNotify:        {"variant", "copies", "status", "from"},
	actReturnShopper: {"forged"},
	actCashierCancel: {"url"},
}}

// orderActions are the per-order control routes.
var orderActions = []string{actPay, actFail, actExpire, actNotify, actReturnShopper, actCashierCancel}

var codePattern = regexp.MustCompile(`^[2-5]\d{6}$`)

// override is an answer respond_next injects.
type override struct{ code, message string }

// Act performs a control action synchronously.
func (e *Emulator) Act(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	if err := actions.Check(a); err != nil {
		return emulator.Result{}, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if _, widget := serviceByName(a.Params["api"]); a.Name == actRespondNext && !widget && dana.IsAPI(a.Params["api"]) {
		return e.pg.Act(ctx, a) // a Payment Gateway API on this host
	}
	res, err := e.act(ctx, a)
	if errors.Is(err, emulator.ErrUnknownOrder) && e.pgHas(a.Order) {
		// an order created through the Payment Gateway API on this host
		return e.pg.Act(ctx, a)
	}
	return res, err
}

// pgHas reports whether the Payment Gateway API on this host knows ref.
func (e *Emulator) pgHas(ref string) bool {
	if ref == "" {
		return false
	}
	for _, o := range e.pg.Orders() {
		if o.PartnerReferenceNo == ref || o.ReferenceNo == ref {
			return true
		}
	}
	return false
}

func (e *Emulator) act(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	switch a.Name {
	case actAuthorize:
		return e.authorize(ctx, a.Params)
	case actRedirect:
		return e.redirect(ctx)
	case actRevoke:
		return e.revoke(a.Params)
	case actPay, actFail, actExpire:
		return e.settle(ctx, a)
	case actRespondNext:
		return e.respondNext(a.Params)
	case actNotify:
		return e.notify(ctx, a)
	case actCashierCancel:
		return e.cashierCancel(ctx, a)
	}
	return e.returnShopper(ctx, a.Order, a.Params["forged"] == "true")
}

// settle is the user at the cashier (pay, fail) or validUpTo (expire).
// pay with url judges the payment URL the merchant handed the user: it
// must be the cashier's webRedirectUrl with a fresh OTT of a live binding.
func (e *Emulator) settle(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	drop, err := actions.Drop(a)
	if err != nil {
		return emulator.Result{}, err
	}
	ref, ottVal := a.Order, ""
	if raw := a.Params["url"]; raw != "" {
		u, err := paymentURL(raw)
		if err != nil {
			return emulator.Result{}, err
		}
		if ref == "" {
			ref = u.Query().Get("bizNo")
		}
		ottVal = u.Query().Get("ott")
	}
	if ref == "" {
		return emulator.Result{}, fmt.Errorf("dana-widget: %s needs order (or url for pay)", a.Name)
	}
	e.mu.Lock()
	o, err := e.st.lookup(ref)
	if err != nil {
		e.mu.Unlock()
		return emulator.Result{}, err
	}
	if o.status != StatusInit && o.status != StatusPaying {
		e.mu.Unlock()
		return emulator.Result{}, fmt.Errorf("dana-widget: %w: cannot %s order %s: it is %s", emulator.ErrOrderState, a.Name, o.partnerRef, o.status)
	}
	now := e.clk.Now()
	var verb string
	switch a.Name {
	case actPay:
		payer := DefaultPhone
		if ottVal != "" {
			t, _ := e.st.otts.Get(ottVal)
			var why string
			switch {
			case t == nil:
				why = "the OTT on the payment URL was never issued by Apply OTT"
			case t.used:
				why = "the OTT on the payment URL was already used for an earlier payment; an OTT is single use, so apply a fresh OTT for every payment"
			case t.issued.Older(e.clk, e.o.OTTTTL):
				why = "the OTT on the payment URL expired " + e.o.OTTTTL.String() + " after Apply OTT issued it; apply it right before sending the user"
			case t.b.revoked != "":
				why = "the OTT belongs to a binding that ended (" + t.b.revoked + ")"
			}
			if why != "" {
				e.mu.Unlock()
				return emulator.Result{}, fmt.Errorf("%w: %s; DANA's cashier asks the user to log in instead of paying", emulator.ErrOrderState, why)
			}
			t.used, payer = true, t.b.phone
		}
		if err := e.payLocked(o, payer, now); err != nil {
			e.mu.Unlock()
			return emulator.Result{}, err
		}
		verb = "paid by " + mask(payer) + " from the DANA balance"
	case actFail:
		o.status, o.closeReason, o.finished, verb = StatusClosed, "PAYMENT_FAILED", now, "closed (payment failed)"
	default:
		o.status, o.closeReason, o.finished, verb = StatusClosed, "EXPIRED", now, "closed (expired)"
	}
	o.stopExpiry()
	status := "05"
	if o.status == StatusSuccess {
		status = "00"
	}
	job := e.eventLocked(o, status, "valid")
	e.mu.Unlock()
	if drop {
		return emulator.Result{Detail: fmt.Sprintf("order %s %s; the finish notify was dropped", o.partnerRef, verb)}, nil
	}
	d := e.deliver(ctx, job, 1)
	return emulator.Result{Deliveries: []emulator.Delivery{d}, Exchanges: []evidence.Exchange{d.Exchange},
		Detail: fmt.Sprintf("order %s %s; finish notify %s", o.partnerRef, verb, emulator.Describe(d))}, nil
}

// paymentURL parses the payment URL the merchant gave the user: DANA's
// cashier webRedirectUrl with an ott.
func paymentURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Path != cashierPath || u.Query().Get("bizNo") == "" {
		return nil, fmt.Errorf("%w: the payment URL the merchant gave the user is not DANA's cashier webRedirectUrl (%s?bizNo=…); send the user to webRedirectUrl with the OTT appended",
			emulator.ErrOrderState, cashierPath)
	}
	if u.Query().Get("ott") == "" {
		return nil, fmt.Errorf("%w: the payment URL carries no ott, so the bound user would have to log in to DANA again; append the OTT from Apply OTT (the complete payment URL is webRedirectUrl + ott)", emulator.ErrOrderState)
	}
	return u, nil
}

// payLocked pays o from payer's DANA balance at now; e.mu held.
func (e *Emulator) payLocked(o *order, payer string, now time.Time) error {
	u := e.st.userFor(payer)
	if u.balance < o.cents {
		return fmt.Errorf("%w: user %s has %s, less than the order's %s", emulator.ErrOrderState, mask(payer), formatBalance(u.balance), o.amount.Value)
	}
	u.balance -= o.cents
	o.payer, o.status, o.paid, o.finished = payer, StatusSuccess, now, now
	o.stopExpiry()
	return nil
}

// agreeLocked makes o agree with a legitimate notify of status before it
// is sent, so the notify and Query Payment never contradict each other: a
// paid (00) notify for an order still at the cashier pays it first (the
// default DANA user, from the balance), a closed (05) one closes it
// (payment failed). A legitimate notify that contradicts a final state is
// refused; only the adversarial variants lie, and say so in their record.
// It returns what it did, "" when the order already agreed. e.mu held.
func (e *Emulator) agreeLocked(o *order, status string) (string, error) {
	open := o.status == StatusInit || o.status == StatusPaying
	now := e.clk.Now()
	switch {
	case status == "00" && o.status == StatusSuccess, status == "05" && (o.status == StatusClosed || o.status == StatusCancelled):
		return "", nil
	case status == "00" && open:
		if err := e.payLocked(o, DefaultPhone, now); err != nil {
			return "", err
		}
		return "order " + o.partnerRef + " paid by " + mask(DefaultPhone) + " first, so Query Payment answers 00 as the notify says", nil
	case status == "05" && open:
		o.status, o.closeReason, o.finished = StatusClosed, "PAYMENT_FAILED", now
		o.stopExpiry()
		return "order " + o.partnerRef + " closed (payment failed) first, so Query Payment answers 05 as the notify says", nil
	}
	return "", fmt.Errorf("%w: a %s notify says %s but Query Payment answers order %s as %s; DANA only notifies what it would answer, so use an adversarial variant (wrong_amount, late_paid, …) to send a notify that disagrees",
		emulator.ErrOrderState, "legitimate", status, o.partnerRef, o.status)
}

func formatBalance(c int64) string { return "IDR " + strconv.FormatInt(c/100, 10) }

// notify sends a crafted finish notify.
func (e *Emulator) notify(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	status, err := bisnap.FinishStatus("dana-widget", a.Params[paramStatus])
	if err != nil {
		return emulator.Result{}, err
	}
	v, copies, err := bisnap.Step(variants, "dana-widget", a.Params)
	if err != nil {
		return emulator.Result{}, err
	}
	ds, note, err := e.crafted(ctx, a.Order, v, status, a.Params[bisnap.ParamFrom], copies)
	if err != nil {
		return emulator.Result{}, err
	}
	detail := fmt.Sprintf("finish notify %s (status %s) sent %d time(s) for order %s; %d acknowledged",
		v.Name, status, len(ds), a.Order, emulator.Acked(ds))
	if note != "" {
		detail = note + "; " + detail
	}
	return emulator.Delivered(ds, detail), nil
}

// respondNext queues an injected answer for the next call(s) to an API.
func (e *Emulator) respondNext(p map[string]string) (emulator.Result, error) {
	s, ok := serviceByName(p["api"])
	if !ok {
		var names []string
		for _, s := range services {
			names = append(names, s.Name)
		}
		return emulator.Result{}, fmt.Errorf("dana-widget: respond_next api %q: want one of %s", p["api"], strings.Join(names, ", "))
	}
	code := p["code"]
	if !codePattern.MatchString(code) {
		return emulator.Result{}, fmt.Errorf("dana-widget: respond_next code %q: want a 7-digit SNAP responseCode such as 5005401", code)
	}
	count, err := actions.Count(p)
	if err != nil {
		return emulator.Result{}, err
	}
	msg := firstNonEmpty(p["message"], messageFor(code))
	e.injected.Add(s.Name, count, override{code: code, message: msg})
	return emulator.Result{Detail: fmt.Sprintf("the next %d %s call(s) will be answered %s %s", count, s.Name, code, msg)}, nil
}

// cashierCancel is the user pressing Cancel at DANA's cashier (the
// payment URL the merchant gave, or the order's cashier): the order stays
// as it is, no notify is sent, and the browser follows the cashier's
// redirect to PAY_RETURN, sending the cashier's origin as Referer (a
// browser's default referrer policy, strict-origin-when-cross-origin).
func (e *Emulator) cashierCancel(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	ref, origin := a.Order, ""
	if raw := a.Params["url"]; raw != "" {
		u, err := paymentURL(raw)
		if err != nil {
			return emulator.Result{}, err
		}
		if ref == "" {
			ref = u.Query().Get("bizNo")
		}
		if u.Scheme != "" && u.Host != "" {
			origin = u.Scheme + "://" + u.Host + "/"
		}
	}
	if ref == "" {
		return emulator.Result{}, fmt.Errorf("dana-widget: %s needs order or url (the payment URL)", a.Name)
	}
	if origin == "" {
		origin = strings.TrimSuffix(e.URL(), "/") + "/"
	}
	e.mu.Lock()
	o, err := e.st.lookup(ref)
	var target, status string
	if err == nil {
		target, status = o.returnURL, o.status
	}
	e.mu.Unlock()
	if err != nil {
		return emulator.Result{}, err
	}
	if target == "" {
		return emulator.Result{}, fmt.Errorf("%w: the widget payment of %s had no PAY_RETURN urlParam, so DANA's cashier cannot send the user back", emulator.ErrOrderState, ref)
	}
	x := e.visitFrom(ctx, actCashierCancel, target, origin)
	return emulator.Result{Exchanges: []evidence.Exchange{x}, Detail: "user pressed Cancel at DANA's cashier (order " + ref + " still " + status +
		", no notify) and was sent back to PAY_RETURN with Referer " + origin + ": " + visited(x)}, nil
}

// returnShopper GETs the order's PAY_RETURN url as the user's browser
// would after paying; it changes nothing and sends no notify.
func (e *Emulator) returnShopper(ctx context.Context, ref string, forged bool) (emulator.Result, error) {
	e.mu.Lock()
	o, err := e.st.lookup(ref)
	var target string
	if err == nil {
		target = o.returnURL
	}
	e.mu.Unlock()
	if err != nil {
		return emulator.Result{}, err
	}
	if target == "" {
		return emulator.Result{}, fmt.Errorf("%w: the widget payment of %s had no PAY_RETURN urlParam, so DANA cannot send the user back", emulator.ErrOrderState, ref)
	}
	if forged {
		target = emulator.WithForgedSuccess(target)
	}
	x := e.visit(ctx, actReturnShopper, target)
	return emulator.Result{Exchanges: []evidence.Exchange{x}, Detail: "user returned to PAY_RETURN (order unchanged, no notify): " + visited(x)}, nil
}

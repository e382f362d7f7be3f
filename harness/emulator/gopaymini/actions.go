package gopaymini

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Action names Act accepts.
const (
	actAuthCode      = "auth_code"
	actConsent       = "consent"
	actWallet        = "wallet"
	actPay           = "pay"
	actFail          = "fail"
	actAbandon       = "abandon"
	actRespondNext   = "respond_next"
	actNotify        = "notify"
	actReturnShopper = "return_shopper"
)

var actionNames = []string{actAuthCode, actConsent, actWallet, actPay, actFail, actAbandon, actRespondNext, actNotify, actReturnShopper}

var actions = emulator.ActionSet{Gateway: GatewayName, Prefix: "gopay-miniapp", Names: actionNames, Params: map[string][]string{
	actAuthCode:      {"user", "code", "consent"},
	actConsent:       {"user", "granted"},
	actWallet:        {"balance"},
	actPay:           {"notify"},
	actFail:          {"notify"},
	actAbandon:       nil,
	actRespondNext:   {"api", "code", "message", "count"},
	actNotify:        {"variant", bisnap.ParamCopies, bisnap.ParamFrom},
	actReturnShopper: {"status", "forged"},
}}

// paymentActions are the per-payment actions of the control API.
var paymentActions = []string{actPay, actFail, actAbandon, actNotify, actReturnShopper}

var (
	snapCode   = regexp.MustCompile(`^[2-5]\d{6}$`)
	httpStatus = regexp.MustCompile(`^[2-5]\d{2}$`)
	userID     = regexp.MustCompile(`^[A-Za-z0-9_.:@-]{1,64}$`)
)

// Act performs a control action synchronously.
func (e *Emulator) Act(ctx context.Context, a emulator.Action) (emulator.Result, error) {
	if err := actions.Check(a); err != nil {
		return emulator.Result{}, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	p := a.Params
	switch a.Name {
	case actAuthCode:
		code, err := e.IssueAuthCode(p["user"], p["code"], p["consent"] == "true")
		if err != nil {
			return emulator.Result{}, err
		}
		return emulator.Result{Detail: fmt.Sprintf("getAuthCode for user %s answered authCode %s (valid 6 minutes on this scenario's clock, single use)", p["user"], code)}, nil
	case actConsent:
		return e.setConsent(p["user"], p["granted"])
	case actWallet:
		n, err := strconv.ParseInt(p["balance"], 10, 64)
		if err != nil || n < 0 {
			return emulator.Result{}, fmt.Errorf("gopay-miniapp: wallet balance %q: want a whole number of GoPay Coins, 0 or more", p["balance"])
		}
		e.mu.Lock()
		e.st.wallet = n
		e.mu.Unlock()
		return emulator.Result{Detail: fmt.Sprintf("the merchant's GoPay Coins wallet now holds %d", n)}, nil
	case actPay, actFail:
		return e.settle(ctx, a)
	case actAbandon:
		return e.returnShopper(ctx, a.Order, "pending", false)
	case actRespondNext:
		return e.respondNext(p)
	case actNotify:
		v, copies, err := bisnap.Step(variants, "gopay-miniapp", p)
		if err != nil {
			return emulator.Result{}, err
		}
		ds, note, err := e.crafted(ctx, a.Order, v, copies, p[bisnap.ParamFrom])
		if err != nil {
			return emulator.Result{}, err
		}
		return emulator.Delivered(ds, fmt.Sprintf("%sdebit notify %s sent %d time(s) for payment %s; %d acknowledged with %s",
			note, v.Name, len(ds), a.Order, emulator.Acked(ds), AckCode)), nil
	default:
		return e.returnShopper(ctx, a.Order, p["status"], p["forged"] == "true")
	}
}

// IssueAuthCode plays the GoPay container's getAuthCode for a user: code
// is the value to hand out ("" makes one). It is valid for six minutes on
// the test clock current now, and single use.
func (e *Emulator) IssueAuthCode(userName, code string, consent bool) (string, error) {
	if !userID.MatchString(userName) {
		return "", fmt.Errorf("gopay-miniapp: auth_code user %q: want 1 to 64 letters, digits or _.:@-", userName)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if code == "" {
		code = token(24)
	}
	if len(code) > 128 {
		return "", fmt.Errorf("gopay-miniapp: auth_code code is longer than 128 characters")
	}
	if _, seen := e.st.codes.Get(code); seen {
		return "", fmt.Errorf("gopay-miniapp: auth code %q was already issued; getAuthCode never answers the same code twice", code)
	}
	u := e.st.userLocked(userName)
	if consent {
		u.consent = true
	}
	c := &authCode{code: code, user: u, issued: e.clk.Now()}
	c.age.Age(e.clk) // issued now, on the clock current now
	e.st.codes.Put(code, c)
	// An auth code is a credential for a few minutes: scrubbed like the
	// tokens it is exchanged for.
	if e.o.Redactor != nil {
		e.o.Redactor.AddIssued(code)
	}
	return code, nil
}

func (e *Emulator) setConsent(userName, granted string) (emulator.Result, error) {
	if !userID.MatchString(userName) {
		return emulator.Result{}, fmt.Errorf("gopay-miniapp: consent user %q: want 1 to 64 letters, digits or _.:@-", userName)
	}
	if granted != "true" && granted != "false" {
		return emulator.Result{}, fmt.Errorf("gopay-miniapp: consent granted %q: want true or false", granted)
	}
	e.mu.Lock()
	e.st.userLocked(userName).consent = granted == "true"
	e.mu.Unlock()
	return emulator.Result{Detail: "user " + userName + " consent to Get Profile: " + granted}, nil
}

// settle pays or fails a pending payment and delivers its notify.
func (e *Emulator) settle(ctx context.Context, a emulator.Action) (emulator.Result, error) {
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
	if p.status != StatusPending {
		st := p.status
		e.mu.Unlock()
		return emulator.Result{}, fmt.Errorf("%w: payment %s is %s, not PENDING", emulator.ErrOrderState, a.Order, st)
	}
	now := e.clk.Now()
	p.finished = now
	if a.Name == actPay {
		p.status, p.paid = StatusPaid, now
	} else {
		p.status = StatusFailed
	}
	if p.expiry != nil {
		p.expiry.Stop()
	}
	j := e.eventLocked(p, "valid")
	e.mu.Unlock()
	verb := map[string]string{actPay: "paid", actFail: "failed"}[a.Name]
	if drop {
		return emulator.Result{Detail: fmt.Sprintf("payment %s %s; the debit notify was dropped (never sent, no retries)", j.ref, verb)}, nil
	}
	d := e.deliver(ctx, j, 1)
	return emulator.Result{Deliveries: []emulator.Delivery{d}, Exchanges: []evidence.Exchange{d.Exchange},
		Detail: fmt.Sprintf("payment %s %s; debit notify %s", j.ref, verb, emulator.Describe(d))}, nil
}

// respondNext queues an injected answer: a 7-digit responseCode for the
// BI-SNAP APIs, an HTTP status for the mini-app APIs.
func (e *Emulator) respondNext(p map[string]string) (emulator.Result, error) {
	a, ok := apiByName(p["api"])
	if !ok {
		return emulator.Result{}, fmt.Errorf("gopay-miniapp: respond_next api %q: want one of %s", p["api"], strings.Join(e.APIs(), ", "))
	}
	code := p["code"]
	if a.snap && !snapCode.MatchString(code) {
		return emulator.Result{}, fmt.Errorf("gopay-miniapp: respond_next code %q: %s is a BI-SNAP API, want a 7-digit responseCode such as 5005401", code, a.name)
	}
	if !a.snap && !httpStatus.MatchString(code) {
		return emulator.Result{}, fmt.Errorf("gopay-miniapp: respond_next code %q: %s is a mini-app API, want an HTTP status such as 503", code, a.name)
	}
	count, err := actions.Count(p)
	if err != nil {
		return emulator.Result{}, err
	}
	msg := p["message"]
	if msg == "" {
		msg = "Internal Server Error"
		if strings.HasPrefix(code, "4") {
			msg = "Bad Request"
		}
	}
	e.injected.Add(a.name, count, override{code: code, message: msg})
	return emulator.Result{Detail: fmt.Sprintf("the next %d %s call(s) will be answered %s %s", count, a.name, code, msg)}, nil
}

// shopperAgent is the User-Agent of the emulated GoPay app returning to
// the mini app.
const shopperAgent = "Mozilla/5.0 (uatrun; GoPay app launchPayment return)"

// returnShopper plays launchPayment's redirect back to the mini app: a
// GET of the payment's PAY_RETURN url with ?status= (success, failed,
// cancelled or pending, the SDK's result values). It changes nothing at
// the gateway and sends no notify. status "" reads the payment's state;
// forged adds the success parameters anyone can type.
func (e *Emulator) returnShopper(ctx context.Context, ref, status string, forged bool) (emulator.Result, error) {
	e.mu.Lock()
	p, err := e.st.lookup(ref)
	var target, st string
	if err == nil {
		target, st = p.returnURL, p.status
	}
	e.mu.Unlock()
	if err != nil {
		return emulator.Result{}, err
	}
	if status == "" {
		status = map[string]string{StatusPaid: "success", StatusFailed: "failed", StatusCancelled: "cancelled"}[st]
		if status == "" {
			status = "pending"
		}
	}
	switch status {
	case "success", "failed", "cancelled", "pending":
	default:
		return emulator.Result{}, fmt.Errorf("gopay-miniapp: return_shopper status %q: want success, failed, cancelled or pending (launchPayment's results)", status)
	}
	if target == "" {
		return emulator.Result{Detail: "payment " + ref + " has no PAY_RETURN url; the user stays in the GoPay app"}, nil
	}
	target = withQuery(target, "status", status)
	if forged {
		target = emulator.WithForgedSuccess(target)
	}
	x := e.rec.Visit(ctx, e.client, actReturnShopper, emulator.Outbound{Method: http.MethodGet, URL: target,
		Header:     http.Header{"User-Agent": {shopperAgent}, "Accept": {"text/html,application/json"}},
		BuildError: "PAY_RETURN url cannot be requested"})
	e.rec.Add(&x)
	res := emulator.Result{Exchanges: []evidence.Exchange{x}}
	if x.Error != "" {
		res.Detail = fmt.Sprintf("user returned to %s: %s", target, x.Error)
	} else {
		res.Detail = fmt.Sprintf("user returned to %s: HTTP %d (payment state unchanged, no notify)", target, x.Response.Status)
	}
	return res, nil
}

func withQuery(target, k, v string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}

// control serves /_uatrun/ actions.
func (e *Emulator) control() emulator.Control {
	return emulator.Control{Act: func(ctx context.Context, a emulator.Action) (emulator.Result, error) {
		return e.Act(ctx, a)
	}}
}

// authCodeRoute answers like the container SDK's getAuthCode.
func (e *Emulator) authCodeRoute(c *gin.Context) {
	params, err := emulator.ControlParams(c.Request)
	if err != nil {
		emulator.ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	code, err := e.IssueAuthCode(c.Param("user"), params["code"], params["consent"] == "true")
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"success": false, "error_code": "", "error_type": "JS_BRIDGE_ERROR",
			"error_message": err.Error(), "ret": "GP_EXCEPTION"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"success": true, "data": gin.H{"authCode": code}, "ret": "GP_SUCCESS"})
}

// PaymentView is a payment as the control API lists it.
type PaymentView struct {
	PartnerReferenceNo string `json:"partnerReferenceNo"`
	ReferenceNo        string `json:"referenceNo"`
	Status             string `json:"status"`
	Amount             string `json:"amount"`
	Refunded           string `json:"refunded"`
	PopID              string `json:"popId"`
	Notifies           int    `json:"notifies"`
}

// Payments lists the kept payments (the newest KeptPayments), oldest
// first.
func (e *Emulator) Payments() []PaymentView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]PaymentView, 0, e.st.payments.Len())
	e.st.payments.Each(func(p *payment) {
		out = append(out, PaymentView{PartnerReferenceNo: p.partnerRef, ReferenceNo: p.referenceNo, Status: p.status,
			Amount: p.value, Refunded: formatCents(p.refunded), PopID: p.popID, Notifies: len(p.deliveries)})
	})
	return out
}

// Wallet is the merchant's GoPay Coins balance.
func (e *Emulator) Wallet() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.wallet
}

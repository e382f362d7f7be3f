package dana

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// maxQRISPartnerRef is DANA's documented partnerReferenceNo limit for QRIS
// orders ("For QRIS, the maximum length for partnerReferenceNo is 25
// characters", create-order docs).
const maxQRISPartnerRef = 25

// redirectSuccessMessage is the responseMessage DANA's sandbox answers a
// hosted-checkout (REDIRECT) create order with, as DANA's UAT script
// (resource/request/components/PaymentGateway.json, CreateOrderRedirect)
// first recorded it; the script also accepts the text without the last
// sentence. API-scenario orders answer plain "Successful".
const redirectSuccessMessage = "Successful. If you want to use QRIS and it is not showing in payment methods, " +
	"make sure you already fill externalStoreId. See https://dashboard.dana.id/sandbox/submerchants " +
	"in the external shop id section. For QRIS, partnerReferenceNo max is 25 chars."

var (
	urlTypes  = []string{"PAY_RETURN", "NOTIFICATION"}
	yesNo     = []string{"Y", "N"}
	scenarios = []string{"REDIRECT", "API"}
)

// createReq is a validated create-order body.
type createReq struct {
	partnerRef, merchantID, subMerchantID, externalStoreID string
	amount                                                 bisnap.Money
	cents                                                  int64
	validUpTo                                              time.Time
	returnURL, notifyURL                                   string
	scenario, title                                        string
	badScenario                                            bool // present but unknown
	payMethod, payOption                                   string
}

// validateCreate checks a create-order body (§1.6) and returns the request
// or the answer owed. Tolerated deviations land in the checker's violations.
func validateCreate(a api, doc gjson.Result, now time.Time, maxAhead time.Duration) (*createReq, *bisnap.Checker) {
	c := a.checker()
	r := &createReq{}
	r.partnerRef, _ = c.Str(doc.Get("partnerReferenceNo"), "partnerReferenceNo", 64)
	r.merchantID, _ = c.Str(doc.Get("merchantId"), "merchantId", 64)
	r.subMerchantID, _ = c.OptStr(doc.Get("subMerchantId"), "subMerchantId", 32)
	r.externalStoreID, _ = c.OptStr(doc.Get("externalStoreId"), "externalStoreId", 64)
	r.amount, r.cents, _ = c.Money(doc.Get("amount"), "amount")
	checkValidUpTo(c, r, doc.Get("validUpTo"), now, maxAhead)
	checkURLParams(c, r, doc.Get("urlParams"))
	checkAdditionalInfo(c, r, doc.Get("additionalInfo"))
	checkPayOptions(c, r, doc.Get("payOptionDetails"))
	return r, c
}

// clockGrace tolerates a merchant clock slightly ahead of ours: the
// validUpTo limit is DANA's SDK's, checked against the merchant's own
// clock, and a correct merchant must not fail on a second of drift.
const clockGrace = time.Minute

// checkValidUpTo: mandatory, strict +07:00 layout, then (as range rules,
// after every format check) in the future and at most maxAhead ahead of the
// wall clock. Beyond one week (DANA's documented production bound) is also
// recorded when maxAhead allows it.
func checkValidUpTo(c *bisnap.Checker, r *createReq, v gjson.Result, now time.Time, maxAhead time.Duration) {
	s, ok := c.Str(v, "validUpTo", 0)
	if !ok {
		return
	}
	t, err := snap.ParseTimestamp(s)
	if err != nil {
		c.Bad("validUpTo", "validUpTo: "+strings.Replace(err.Error(), "X-TIMESTAMP", "the timestamp", 1))
		return
	}
	r.validUpTo = t
	switch {
	case !t.After(now):
		c.Breaks("validUpTo", "validUpTo "+s+" is not in the future (gateway wall clock "+snap.FormatTimestamp(now)+")")
	case t.Sub(now) > maxAhead+clockGrace:
		c.Breaks("validUpTo", "validUpTo "+s+" is more than "+maxAhead.String()+" ahead of the gateway wall clock "+snap.FormatTimestamp(now)+
			"; DANA's sandbox flow (and dana-go in sandbox mode) refuses more than 30 minutes, its docs allow one week in production")
	case t.Sub(now) > maxAhead:
		c.Violate("validUpTo %s is %s ahead of the gateway wall clock %s, over the %s limit; accepted within %s for clock drift, "+
			"but dana-go in sandbox mode refuses it on a merchant clock that agrees with ours", s, t.Sub(now).Round(time.Second), snap.FormatTimestamp(now), maxAhead, clockGrace)
	case t.Sub(now) > ProductionValidUpToMax:
		c.Violate("validUpTo %s is more than one week ahead of %s; DANA documents at most one week", s, snap.FormatTimestamp(now))
	}
}

// checkURLParams: a non-empty array of {url, type, isDeeplink}; PAY_RETURN
// is mandatory, a missing NOTIFICATION is recorded.
func checkURLParams(c *bisnap.Checker, r *createReq, v gjson.Result) {
	if !c.List(v, "urlParams") {
		return
	}
	for _, p := range v.Array() {
		if !c.Object(p, "urlParams[]") {
			continue
		}
		u, okU := c.Str(p.Get("url"), "urlParams.url", 0)
		kind, okT := c.OneOf(p.Get("type"), "urlParams.type", urlTypes...)
		deeplink, okD := c.OneOf(p.Get("isDeeplink"), "urlParams.isDeeplink", yesNo...)
		if !okU || !okT || !okD {
			continue
		}
		if err := emulator.CheckAbsURL(u); err != nil && (deeplink == "N" || kind == "NOTIFICATION") {
			c.Bad("urlParams.url", "urlParams "+kind+" url: "+err.Error())
			continue
		}
		keepURL(c, r, kind, u)
	}
	if r.returnURL == "" && !c.Malformed() {
		c.Needs("urlParams", "urlParams must contain a PAY_RETURN entry: where DANA sends the shopper after paying")
	}
	if r.notifyURL == "" && r.returnURL != "" {
		c.Violate("urlParams has no NOTIFICATION entry; DANA will not know where to send the finish notify")
	}
}

func keepURL(c *bisnap.Checker, r *createReq, kind, u string) {
	slot := &r.returnURL
	if kind == "NOTIFICATION" {
		slot = &r.notifyURL
	}
	if *slot != "" {
		c.Violate("urlParams lists %s twice; the first one is used", kind)
		return
	}
	*slot = u
}

// checkAdditionalInfo: mcc and envInfo are mandatory; order is optional
// but when present needs orderTitle; scenario is REDIRECT or API.
func checkAdditionalInfo(c *bisnap.Checker, r *createReq, v gjson.Result) {
	if !c.Object(v, "additionalInfo") {
		return
	}
	c.Str(v.Get("mcc"), "additionalInfo.mcc", 0)
	c.EnvInfoStrict(v.Get("envInfo"), "additionalInfo.envInfo")
	order := v.Get("order")
	if !bisnap.Present(order) {
		return
	}
	if !c.Object(order, "additionalInfo.order") {
		return
	}
	r.title, _ = c.Str(order.Get("orderTitle"), "additionalInfo.order.orderTitle", 0)
	sc := order.Get("scenario")
	if !bisnap.Present(sc) {
		return
	}
	s, ok := c.OptStr(sc, "additionalInfo.order.scenario", 64)
	if ok && !bisnap.Contains(scenarios, s) {
		hint := ""
		if s == "REDIRECTION" {
			hint = "; REDIRECTION was renamed REDIRECT in DANA's doc v1.1.3"
		}
		c.Bad("additionalInfo.order.scenario", "additionalInfo.order.scenario must be REDIRECT (hosted checkout) or API (custom checkout), got "+quote(s)+hint)
		r.badScenario = true
		return
	}
	r.scenario = s
}

// checkPayOptions settles the scenario: API needs payOptionDetails, a
// missing scenario is inferred and recorded, REDIRECT ignores them.
func checkPayOptions(c *bisnap.Checker, r *createReq, v gjson.Result) {
	if r.badScenario {
		return // already answered as a format error
	}
	if r.scenario == "" {
		r.scenario = "REDIRECT"
		if bisnap.Present(v) {
			r.scenario = "API"
		}
		c.Violate("additionalInfo.order.scenario is missing; treated as %s (send REDIRECT for hosted checkout, API for custom checkout)", r.scenario)
	}
	if r.scenario == "REDIRECT" {
		r.payMethod = "BALANCE"
		if bisnap.Present(v) {
			c.Violate("payOptionDetails is ignored for the REDIRECT scenario")
		}
		return
	}
	if !c.List(v, "payOptionDetails") {
		return
	}
	for i, p := range v.Array() {
		if !c.Object(p, "payOptionDetails[]") {
			continue
		}
		method, _ := c.Str(p.Get("payMethod"), "payOptionDetails.payMethod", 0)
		option, _ := c.OptStr(p.Get("payOption"), "payOptionDetails.payOption", 0)
		if !p.Get("payOption").Exists() {
			c.Needs("payOptionDetails.payOption", `payOption is mandatory (it may be "" for BALANCE)`)
		}
		c.Money(p.Get("transAmount"), "payOptionDetails.transAmount")
		if i == 0 {
			r.payMethod, r.payOption = method, option
		}
		checkSandboxOption(c, method, option)
		checkQRIS(c, r, option)
	}
}

// Pay methods and options DANA's sandbox offers (create-order docs: "In
// sandbox, only BALANCE, CREDIT_CARD, DEBIT_CARD, VIRTUAL_ACCOUNT,
// NETWORK_PAY are available" and "only CARD, QRIS, BRI, PANIN, CIMB,
// MANDIRI, and BTPN"; dana-go's sandbox check also allows BSI_PAYMENT and
// a "_<option>" suffix). dana-go refuses others before sending in sandbox
// mode only, so a merchant run in production mode is told here.
var (
	sandboxPayMethods = []string{"BALANCE", "CREDIT_CARD", "DEBIT_CARD", "VIRTUAL_ACCOUNT", "NETWORK_PAY"}
	sandboxPayOptions = []string{"CARD", "QRIS", "BRI", "PANI", "CIMB", "MANDIRI", "BTPN", "BSI_PAYMENT"}
)

// checkSandboxOption records a pay method or option DANA's sandbox does
// not offer; "" (BALANCE) is always fine.
func checkSandboxOption(c *bisnap.Checker, method, option string) {
	if method != "" && !bisnap.Contains(sandboxPayMethods, method) {
		c.Violate("payMethod %s is not available in DANA's sandbox (only %s); DANA's UAT cannot pay it", method, strings.Join(sandboxPayMethods, ", "))
	}
	if option == "" || bisnap.Contains(sandboxPayOptions, option) {
		return
	}
	for _, o := range sandboxPayOptions {
		if strings.HasSuffix(option, "_"+o) {
			return
		}
	}
	c.Violate("payOption %s is not available in DANA's sandbox (only %s, or a name ending _ and one of them); DANA's UAT cannot pay it",
		option, strings.Join(sandboxPayOptions, ", "))
}

// checkQRIS applies the QRIS extras: externalStoreId is required and
// partnerReferenceNo is limited to 25 characters. DANA names no code for
// the length; the emulator answers 4005401 Invalid Field Format
// partnerReferenceNo, the code for every other length breach.
func checkQRIS(c *bisnap.Checker, r *createReq, option string) {
	if !strings.Contains(option, "QRIS") {
		return
	}
	if r.externalStoreID == "" {
		c.Needs("externalStoreId", "externalStoreId is mandatory when a payOption is QRIS")
	}
	if n := len(r.partnerRef); n > maxQRISPartnerRef {
		c.Bad("partnerReferenceNo", fmt.Sprintf("partnerReferenceNo is %d characters; for QRIS DANA allows at most %d", n, maxQRISPartnerRef))
	}
}

// createOrder is the create-order handler: validate, then idempotency,
// then a new INIT order with its expiry timer.
func (e *Emulator) createOrder(in *inbound) *reply {
	// validUpTo is the merchant's wall-clock time: judge it against the wall
	// clock, then carry the order's remaining lifetime on the test clock.
	wall := e.wall.Now()
	r, c := validateCreate(in.api, in.doc, wall, e.o.ValidUpToMax)
	in.Violations = append(in.Violations, c.Violations...)
	if rep := verdict(c); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(in.api, r.merchantID); rep != nil {
		return rep
	}
	canon, err := canonicalCreate(in.Body)
	if err != nil {
		return in.api.format("request body", err.Error())
	}
	base := e.checkoutBase(in.Req)
	e.mu.Lock()
	defer e.mu.Unlock()
	if o := e.st.byKey[key(r.merchantID, r.partnerRef)]; o != nil {
		if o.canonical == canon {
			return in.api.okWith(o.createMessage(), o.createReply)
		}
		return in.api.answer(http.StatusNotFound, "18",
			"partnerReferenceNo "+quote(r.partnerRef)+" was already used by order "+o.referenceNo+
				" with a different body (validUpTo aside); a retry must resend the same body, a new order needs a new partnerReferenceNo")
	}
	o := e.newOrder(r, in, canon, r.validUpTo.Sub(wall))
	o.createReply = createAnswer(o, base)
	return in.api.okWith(o.createMessage(), o.createReply)
}

// createMessage is DANA's success message for o: the sandbox's long text
// for hosted checkout (REDIRECT), "Successful" for the API scenario.
func (o *order) createMessage() string {
	if o.scenario == "REDIRECT" {
		return redirectSuccessMessage
	}
	return "Successful"
}

// newOrder stores an INIT order and schedules its expiry after lifetime
// on the test clock; e.mu is held.
func (e *Emulator) newOrder(r *createReq, in *inbound, canon string, lifetime time.Duration) *order {
	now := e.clk.Now()
	o := &order{merchantID: r.merchantID, subMerchantID: r.subMerchantID, partnerRef: r.partnerRef,
		externalStoreID: r.externalStoreID, partnerID: in.Req.Header.Get("X-PARTNER-ID"),
		amount: r.amount, cents: r.cents, title: r.title, scenario: r.scenario,
		payMethod: r.payMethod, payOption: r.payOption, returnURL: r.returnURL, notifyURL: r.notifyURL,
		canonical: canon, status: StatusInit, created: now, validUpTo: r.validUpTo}
	o.referenceNo = e.st.nextID(now, "111212800")
	e.st.orders.Push(o)
	e.st.byKey[key(o.merchantID, o.partnerRef)] = o
	e.st.byRef[o.referenceNo] = o
	o.expiry = e.clk.AfterFunc(lifetime, func() { e.expire(o) })
	return o
}

// createAnswer is the success body: referenceNo, and the hosted checkout
// URL unless the pay option hands the shopper a code instead (VA, QRIS) or
// pays in the wallet app (OVO).
func createAnswer(o *order, base string) map[string]any {
	out := map[string]any{"referenceNo": o.referenceNo, "partnerReferenceNo": o.partnerRef}
	opt := o.payMethod + " " + o.payOption
	switch {
	case strings.Contains(opt, "VIRTUAL_ACCOUNT"):
		out["additionalInfo"] = map[string]any{"paymentCode": "8" + o.referenceNo[len(o.referenceNo)-15:]}
	case strings.Contains(opt, "QRIS"):
		out["additionalInfo"] = map[string]any{"paymentCode": "00020101021226570011ID.DANA.WWW" + o.referenceNo + "6304ABCD"}
	case strings.Contains(opt, "OVO"):
	default:
		out["webRedirectUrl"] = base + "/checkout/" + o.referenceNo
	}
	return out
}

// checkoutBase is where the hosted checkout page lives: the configured
// base, else the started server, else the host the merchant called.
func (e *Emulator) checkoutBase(r *http.Request) string {
	return e.BaseURL(e.o.CheckoutBaseURL, r)
}

// checkMerchant answers 404<svc>08 Invalid Merchant for a merchantId other
// than the configured one.
func (e *Emulator) checkMerchant(a api, merchantID string) *reply {
	if e.o.MerchantID == "" || merchantID == e.o.MerchantID {
		return nil
	}
	return a.answer(http.StatusNotFound, "08",
		"merchantId "+quote(merchantID)+" is not the merchant this gateway was configured with")
}

// canonicalCreate is the idempotency form of a create-order body: parsed
// and re-encoded with sorted keys (numbers kept as written), validUpTo
// removed. A merchant retrying after a timeout recomputes validUpTo, so it
// must not make the retry "inconsistent"; any other change does.
func canonicalCreate(body []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return "", fmt.Errorf("the body must be one JSON object: %v", err)
	}
	delete(m, "validUpTo")
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

package dana

import (
	"strconv"

	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// API names, as Calls and respond_next know them.
const (
	APICreateOrder  = "create_order"
	APIQueryPayment = "query_payment"
	APICancelOrder  = "cancel_order"
	APIRefundOrder  = "refund_order"
	APIConsultPay   = "consult_pay"
	// apiUnknown labels calls to a path DANA does not serve.
	apiUnknown = "unknown_path"
)

// api describes one DANA endpoint: its path, SNAP service code and the code
// it answers on success.
type api struct {
	name    string
	path    string
	service string
	success string
	message string // success responseMessage
}

// apis are the Gapura endpoints, in the order the docs list them. Consult
// Pay follows no clean service code: DANA's fixtures answer 2005700 on
// success and 40000xx on errors, so it uses service "00" and that success.
var apis = []api{
	{APICreateOrder, "/payment-gateway/v1.0/debit/payment-host-to-host.htm", "54", "2005400", "Successful"},
	{APIQueryPayment, "/payment-gateway/v1.0/debit/status.htm", "55", "2005500", "Successful"},
	{APICancelOrder, "/payment-gateway/v1.0/debit/cancel.htm", "57", "2005700", "Success"},
	{APIRefundOrder, "/payment-gateway/v1.0/debit/refund.htm", "58", "2005800", "Successful"},
	{APIConsultPay, "/v1.0/payment-gateway/consult-pay.htm", "00", "2005700", "Successful"},
}

// unknownAPI frames answers to paths DANA does not serve.
var unknownAPI = api{name: apiUnknown, service: "00"}

func apiByName(name string) (api, bool) {
	for _, a := range apis {
		if a.name == name {
			return a, true
		}
	}
	return api{}, false
}

// gapuraWording keeps the Gapura emulator's teaching text as it has
// always read: received values whole, clipped input cut at byte 80, and
// the amount pattern named.
var gapuraWording = bisnap.Wording{Whole: true, CutBytes: true, AmountPattern: true}

// snap is the endpoint as a BI-SNAP service, worded as Gapura words it.
func (a api) snap() bisnap.Service {
	return bisnap.Service{Name: a.name, Path: a.path, Code: a.service, Success: a.success, Message: a.message, Wording: gapuraWording}
}

// checker starts a one-pass check of a call's body, in DANA's order.
func (a api) checker() *bisnap.Checker { return bisnap.NewChecker(a.snap()) }

// reply is a SNAP answer: the 7-digit code, its message and the fields of
// the body besides responseCode/responseMessage.
type reply struct {
	code    string
	message string
	fields  map[string]any
	debug   string // teaching text for additionalInfo.debugMessage
}

// fromSNAP is a bisnap answer as the handlers return it (nil stays nil).
func fromSNAP(r *bisnap.Reply) *reply {
	if r == nil {
		return nil
	}
	return &reply{code: r.Code, message: r.Message, fields: r.Fields, debug: r.Debug}
}

// verdict is the answer a finished check owes, or nil when the body passed.
func verdict(c *bisnap.Checker) *reply { return fromSNAP(c.Result()) }

// fail builds an error reply "<http><svc><case>".
func (a api) fail(httpStatus int, caseCode, message, debug string) *reply {
	return fromSNAP(a.snap().Fail(httpStatus, caseCode, message, debug))
}

// answer is the error reply "<http><svc><case>" in DANA's words for that
// code (bisnap.Message).
func (a api) answer(httpStatus int, caseCode, debug string) *reply {
	return fromSNAP(a.snap().Answer(httpStatus, caseCode, debug))
}

func (a api) format(field, debug string) *reply { return fromSNAP(a.snap().Format(field, debug)) }

func (a api) ok(fields map[string]any) *reply { return fromSNAP(a.snap().OK(fields)) }

// okWith is a success reply with its own message.
func (a api) okWith(message string, fields map[string]any) *reply {
	return &reply{code: a.success, message: message, fields: fields}
}

// httpStatus is the first three digits of a response code (SNAP rule), or
// 500 when they are not a plausible status.
func httpStatus(code string) int { return bisnap.HTTPStatus(code) }

// defaultMessage names an injected code: the API's own success message,
// else DANA's text from the table every DANA emulator shares
// (bisnap.Message).
func defaultMessage(code string) string {
	for _, a := range apis {
		if a.success == code {
			return a.message
		}
	}
	return bisnap.Message(code)
}

// clip keeps hostile input from flooding a teaching message.
func clip(s string) string { return gapuraWording.Clip(s) }

func quote(s string) string { return gapuraWording.Quote(s) }

func itoa(n int) string { return strconv.Itoa(n) }

// Paths are the URL paths the Gapura emulator serves to merchants: its
// APIs and the hosted checkout (CheckoutPrefix). Another DANA emulator
// serving the same host (DANA Widget) routes them here.
func Paths() []string {
	out := make([]string, 0, len(apis))
	for _, a := range apis {
		out = append(out, a.path)
	}
	return out
}

// CheckoutPrefix is where the hosted checkout pages live.
const CheckoutPrefix = "/checkout/"

// IsAPI reports whether name is one of the Gapura API names Calls knows.
func IsAPI(name string) bool {
	_, ok := apiByName(name)
	return ok
}

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

func (a api) format(field, debug string) *reply { return fromSNAP(a.snap().Format(field, debug)) }

func (a api) ok(fields map[string]any) *reply { return fromSNAP(a.snap().OK(fields)) }

// okWith is a success reply with its own message.
func (a api) okWith(message string, fields map[string]any) *reply {
	return &reply{code: a.success, message: message, fields: fields}
}

// httpStatus is the first three digits of a response code (SNAP rule), or
// 500 when they are not a plausible status.
func httpStatus(code string) int { return bisnap.HTTPStatus(code) }

// knownMessages are DANA's messages for codes a scenario may inject with
// respond_next without giving a message (§1.14).
var knownMessages = map[string]string{
	"2005400": "Successful", "2005500": "Successful", "2005700": "Success", "2005800": "Successful",
	"2025700": "Request In Progress", "2025800": "Request In Progress",
	"4035402": "Exceeds Transaction Amount Limit", "4035415": "Transaction Not Permitted",
	"4045408": "Invalid Merchant", "4045418": "Inconsistent Request",
	"5005400": "General Error", "5005401": "Internal Server Error",
	"4045501": "Transaction Not Found", "5005501": "Internal Server Error",
	"4035700": "Transaction Expired", "4035705": "Do Not Honor", "4035714": "Insufficient Funds",
	"4035715": "Transaction Not Permitted", "4045700": "Invalid Transaction Status",
	"4045701": "Transaction Not Found", "4045708": "Invalid Merchant", "5005701": "Internal Server Error",
	"4035814": "Insufficient Funds", "4035815": "Transaction Not Permitted",
	"4045800": "Invalid Transaction Status", "4045801": "Transaction Not Found",
	"4045808": "Invalid Merchant", "4045818": "Inconsistent Request", "5005801": "Internal Server Error",
	"4035802": "Exceeds Transaction Amount Limit",
}

// defaultMessage names an injected code: DANA's message when its table
// lists the code, else one from its case code and HTTP class.
func defaultMessage(code string) string {
	if m, ok := knownMessages[code]; ok {
		return m
	}
	return bisnap.DefaultMessage(code)
}

// clip keeps hostile input from flooding a teaching message.
func clip(s string) string { return gapuraWording.Clip(s) }

func quote(s string) string { return gapuraWording.Quote(s) }

func itoa(n int) string { return strconv.Itoa(n) }

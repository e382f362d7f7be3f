package dana

import (
	"net/http"
	"strconv"
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

// Case codes shared by every service (BI-SNAP convention).
const (
	caseFormat    = "01" // Invalid Field Format {field}
	caseMandatory = "02" // Invalid Mandatory Field {field}
)

// reply is a SNAP answer: the 7-digit code, its message and the fields of
// the body besides responseCode/responseMessage.
type reply struct {
	code    string
	message string
	fields  map[string]any
	debug   string // teaching text for additionalInfo.debugMessage
}

// fail builds an error reply "<http><svc><case>".
func (a api) fail(httpStatus int, caseCode, message, debug string) *reply {
	return &reply{code: strconv.Itoa(httpStatus) + a.service + caseCode, message: message, debug: debug}
}

func (a api) mandatory(field, debug string) *reply {
	return a.fail(http.StatusBadRequest, caseMandatory, "Invalid Mandatory Field "+field, debug)
}

func (a api) format(field, debug string) *reply {
	return a.fail(http.StatusBadRequest, caseFormat, "Invalid Field Format "+field, debug)
}

func (a api) ok(fields map[string]any) *reply {
	return a.okWith(a.message, fields)
}

// okWith is a success reply with its own message.
func (a api) okWith(message string, fields map[string]any) *reply {
	return &reply{code: a.success, message: message, fields: fields}
}

// httpStatus is the first three digits of a response code (SNAP rule), or
// 500 when they are not a plausible status.
func httpStatus(code string) int {
	if len(code) < 3 {
		return http.StatusInternalServerError
	}
	n, err := strconv.Atoi(code[:3])
	if err != nil || n < 200 || n > 599 {
		return http.StatusInternalServerError
	}
	return n
}

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

// defaultMessage names an injected code DANA's table does not list, from
// its case code and HTTP class.
func defaultMessage(code string) string {
	if m, ok := knownMessages[code]; ok {
		return m
	}
	status, caseCode := httpStatus(code), code[5:]
	switch {
	case status == http.StatusUnauthorized:
		return "Unauthorized. Invalid Signature"
	case status >= 500:
		return "Internal Server Error"
	case status >= 300 && caseCode == caseFormat:
		return "Invalid Field Format"
	case status >= 300 && caseCode == caseMandatory:
		return "Invalid Mandatory Field"
	case status == http.StatusAccepted:
		return "Request In Progress"
	case status < 300:
		return "Successful"
	}
	return "General Error"
}

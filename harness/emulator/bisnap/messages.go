package bisnap

import "strconv"

// messages are DANA's responseMessage texts for the codes its products
// answer, one table for every DANA emulator (Gapura and Widget), taken
// from DANA's own UAT fixtures (github.com/dana-id/uat-script,
// resource/request/components/PaymentGateway.json, Widget.json and
// IPG.json). Success codes are left to each service (Service.Message):
// the products word some of them differently (cancel: "Success" in
// PaymentGateway.json, "Successful" in Widget.json).
var messages = map[string]string{
	// 74 Apply Token (Widget.json ApplyToken*)
	"4007401": "Invalid Field Format", "4007402": "Invalid Mandatory Field",
	"4017400": "Unauthorized. Invalid Signature", "5007400": "Internal Server Error",
	// 49 Apply OTT (Widget.json ApplyOtt*)
	"4004901": "Invalid Field Format userResources", "4014900": "Unauthorized. Invalid Signature",
	"4014901": "Token Expired", "4014902": "Invalid Customer Token", "4034905": "Do Not Honor",
	// 11 Balance Inquiry (Widget.json BalanceInquiry*)
	"4011100": "Unauthorized. Invalid Signature", "4011102": "Invalid Customer Token",
	"4031105": "Do Not Honor", "4031118": "Inactive Account",
	// 54 payment (PaymentGateway.json CreateOrder*, Widget.json Payment*)
	"4035402": "Exceeds Transaction Amount Limit", "4035415": "Transaction Not Permitted",
	"4045408": "Invalid Merchant", "4045418": "Inconsistent Request",
	"5005400": "General Error", "5005401": "Internal Server Error",
	// 55 query (PaymentGateway.json QueryPayment*, Widget.json QueryOrder*)
	"4045501": "Transaction Not Found", "5005501": "Internal Server Error",
	// 57 cancel (PaymentGateway.json CancelOrder*, Widget.json CancelOrder*)
	"2025700": "Request In Progress",
	"4035700": "Transaction Expired", "4035705": "Do Not Honor", "4035714": "Insufficient Funds",
	"4035715": "Transaction Not Permitted", "4045700": "Invalid Transaction Status",
	"4045701": "Transaction Not Found", "4045708": "Invalid Merchant", "5005701": "Internal Server Error",
	// 58 refund (PaymentGateway.json RefundOrder*, Widget.json Refund*, IPG.json)
	"2025800": "Request In Progress",
	"4035802": "Exceeds Transaction Amount Limit", "4035814": "Insufficient Funds", "4035815": "Transaction Not Permitted",
	"4045800": "Invalid Transaction Status", "4045801": "Transaction Not Found", "4045808": "Invalid Merchant",
	"4045812": "Invalid Bill", "4045818": "Inconsistent Request", "5005801": "Internal Server Error",
	// 60 Transaction History List (Widget.json TransactionList*)
	"4006001": "Invalid Parameter", "4006002": "Invalid Mandatory Field", "4016000": "Invalid Signature",
	"4016001": "Invalid Access Token", "4046000": "Data Not Available", "5006000": "Internal Server Error",
}

// Message is DANA's responseMessage for code: the service's own success
// message for its success code, DANA's text from the shared table, or a
// text named by the code's HTTP class and case (DefaultMessage).
func (s Service) MessageFor(code string) string {
	if code == s.Success && s.Message != "" {
		return s.Message
	}
	return Message(code)
}

// Message is DANA's responseMessage for code from the shared table, else
// the message DANA gives that HTTP status and case in every service that
// lists it (caseMessages), else DefaultMessage.
func Message(code string) string {
	if m, ok := messages[code]; ok {
		return m
	}
	if m, ok := caseMessages[caseKey(code)]; ok {
		return m
	}
	return DefaultMessage(code)
}

// Answer is the reply "<status><service><case>" with DANA's message for
// that code (MessageFor), so no handler words a code by hand.
func (s Service) Answer(status int, caseCode, debug string) *Reply {
	code := strconv.Itoa(status) + s.Code + caseCode
	return &Reply{Code: code, Message: s.MessageFor(code), Debug: debug}
}

// caseMessages are DANA's messages by HTTP status and case where every
// service in the table words them alike (404xx08 is Invalid Merchant
// whatever the service), derived from messages so they are never written
// twice. A case that services word differently (40400 is Invalid
// Transaction Status for cancel, Data Not Available for the history
// list) is left out.
var caseMessages = func() map[string]string {
	out, clash := map[string]string{}, map[string]bool{}
	for code, m := range messages {
		k := caseKey(code)
		if prev, ok := out[k]; ok && prev != m {
			clash[k] = true
		}
		out[k] = m
	}
	for k := range clash {
		delete(out, k)
	}
	return out
}()

// caseKey is a 7-digit code without its service: "404" + "08".
func caseKey(code string) string {
	if len(code) != 7 {
		return code
	}
	return code[:3] + code[5:]
}

// Trigger is the answer to one of DANA's sandbox magic values: code with
// DANA's message for it, the teaching text naming what triggered it.
func (s Service) Trigger(code, what string) *Reply {
	return &Reply{Code: code, Message: s.MessageFor(code), Debug: what + " is DANA's sandbox trigger for " + code}
}

package danawidget

import (
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// API names, as Calls and respond_next know them.
const (
	APIApplyToken = "apply_token"
	APIApplyOTT   = "apply_ott"
	APIUnbinding  = "account_unbinding"
	APIBalance    = "balance_inquiry"
	APIProfile    = "query_user_profile"
	APIPayment    = "widget_payment"
	APIQuery      = "query_payment"
	APICancel     = "cancel_order"
	APIRefund     = "refund_order"
	// APIOAuth labels the shopper's visits to the OAuth page the merchant
	// built: the URL is the merchant's work, so it is judged like a call.
	APIOAuth   = "oauth"
	apiUnknown = "unknown_path"
)

// kinds of authentication a service uses.
const (
	authSNAP    = iota // X-PARTNER-ID, X-EXTERNAL-ID, asymmetric signature over the body
	authToken          // X-CLIENT-KEY, signature over clientKey|X-TIMESTAMP
	authOpenAPI        // DANA Open API envelope: {"request":{head,body},"signature"}
)

// service is one Widget endpoint.
type service struct {
	bisnap.Service
	auth int
}

// services are the nine Widget APIs at the paths dana-go calls
// (widget/v1/api_widget.go) with their SNAP service codes (DANA API docs;
// DANA's UAT script, resource/request/components/Widget.json).
var services = []service{
	{bisnap.Service{Name: APIApplyToken, Path: "/v1.0/access-token/b2b2c.htm", Code: "74", Success: "2007400", Message: "Successful"}, authToken},
	{bisnap.Service{Name: APIApplyOTT, Path: "/rest/v1.1/qr/apply-ott", Code: "49", Success: "2004900", Message: "Successful"}, authSNAP},
	{bisnap.Service{Name: APIUnbinding, Path: "/v1.0/registration-account-unbinding.htm", Code: "09", Success: "2000900", Message: "Successful"}, authSNAP},
	{bisnap.Service{Name: APIBalance, Path: "/v1.0/balance-inquiry.htm", Code: "11", Success: "2001100", Message: "Successful"}, authSNAP},
	{bisnap.Service{Name: APIProfile, Path: "/dana/member/query/queryUserProfile.htm", Code: "", Success: resultSuccess, Message: "success"}, authOpenAPI},
	{bisnap.Service{Name: APIPayment, Path: "/rest/redirection/v1.0/debit/payment-host-to-host", Code: "54", Success: "2005400", Message: "Successful"}, authSNAP},
	{bisnap.Service{Name: APIQuery, Path: "/rest/v1.1/debit/status", Code: "55", Success: "2005500", Message: "Successful"}, authSNAP},
	{bisnap.Service{Name: APICancel, Path: "/v1.0/debit/cancel.htm", Code: "57", Success: "2005700", Message: "Successful"}, authSNAP},
	{bisnap.Service{Name: APIRefund, Path: "/v1.0/debit/refund.htm", Code: "58", Success: "2005800", Message: "Successful"}, authSNAP},
}

var unknownService = service{bisnap.Service{Name: apiUnknown, Code: "00"}, authSNAP}

func serviceByName(name string) (service, bool) {
	for _, s := range services {
		if s.Name == name {
			return s, true
		}
	}
	return service{}, false
}

// Token-bearing services answer 401<svc>01 for an expired customer token
// and 401<svc>02 for an unknown or revoked one (Apply OTT: 4014901 Token
// Expired, 4014902 Invalid Customer Token; Balance Inquiry: 4011102).
const (
	caseTokenExpired = "01"
	caseTokenInvalid = "02"
)

// knownMessages are DANA's messages for codes a scenario may inject with
// respond_next without giving one.
var knownMessages = map[string]string{
	"2007400": "Successful", "4017400": "Unauthorized. Invalid Signature", "5007400": "Internal Server Error",
	"2004900": "Successful", "4014901": "Token Expired", "4014902": "Invalid Customer Token", "4034905": "Do Not Honor",
	"2000900": "Successful", "2001100": "Successful", "4011102": "Invalid Customer Token", "4031118": "Inactive Account",
	"2005400": "Successful", "4045408": "Invalid Merchant", "4045418": "Inconsistent Request", "4035402": "Exceeds Transaction Amount Limit",
	"4035415": "Transaction Not Permitted", "5005400": "General Error", "5005401": "Internal Server Error",
	"2005500": "Successful", "4045501": "Transaction Not Found", "5005501": "Internal Server Error",
	"2005700": "Successful", "4035700": "Transaction Expired", "4045700": "Invalid Transaction Status", "4045701": "Transaction Not Found", "5005701": "Internal Server Error",
	"2005800": "Successful", "4045800": "Invalid Transaction Status", "4045812": "Invalid Bill", "4045818": "Inconsistent Request",
	"4035802": "Exceeds Transaction Amount Limit", "5005801": "Internal Server Error",
}

func messageFor(code string) string {
	if m, ok := knownMessages[code]; ok {
		return m
	}
	return bisnap.DefaultMessage(code)
}

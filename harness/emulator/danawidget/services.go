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
	APITxList     = "transaction_list"
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
	// also are further paths DANA serves the same API at.
	also []string
}

// services are the nine Widget APIs at the paths dana-go calls
// (widget/v1/api_widget.go) with their SNAP service codes (DANA API docs;
// DANA's UAT script, resource/request/components/Widget.json).
var services = []service{
	{bisnap.Service{Name: APIApplyToken, Path: "/v1.0/access-token/b2b2c.htm", Code: "74", Success: "2007400", Message: "Successful"}, authToken, nil},
	{bisnap.Service{Name: APIApplyOTT, Path: "/rest/v1.1/qr/apply-ott", Code: "49", Success: "2004900", Message: "Successful"}, authSNAP, nil},
	{bisnap.Service{Name: APIUnbinding, Path: "/v1.0/registration-account-unbinding.htm", Code: "09", Success: "2000900", Message: "Successful"}, authSNAP, nil},
	{bisnap.Service{Name: APIBalance, Path: "/v1.0/balance-inquiry.htm", Code: "11", Success: "2001100", Message: "Successful"}, authSNAP, nil},
	{bisnap.Service{Name: APIProfile, Path: "/dana/member/query/queryUserProfile.htm", Code: "", Success: resultSuccess, Message: "success"}, authOpenAPI, nil},
	{bisnap.Service{Name: APIPayment, Path: "/rest/redirection/v1.0/debit/payment-host-to-host", Code: "54", Success: "2005400", Message: "Successful"}, authSNAP, nil},
	// Query Payment: dana-go calls /rest/v1.1/debit/status; DANA's UAT
	// script (test/go/widget/query_order_test.go) also queries on
	// /v1.0/debit/status.htm, and both are answered.
	{bisnap.Service{Name: APIQuery, Path: "/rest/v1.1/debit/status", Code: "55", Success: "2005500", Message: "Successful"}, authSNAP, []string{"/v1.0/debit/status.htm"}},
	{bisnap.Service{Name: APICancel, Path: "/v1.0/debit/cancel.htm", Code: "57", Success: "2005700", Message: "Successful"}, authSNAP, nil},
	{bisnap.Service{Name: APIRefund, Path: "/v1.0/debit/refund.htm", Code: "58", Success: "2005800", Message: "Successful"}, authSNAP, nil},
	// Transaction History List: codes and messages from DANA's UAT script
	// (Widget.json TransactionList*, service 60); the path is the BI-SNAP
	// name, as neither dana-go nor the script calls it.
	{bisnap.Service{Name: APITxList, Path: "/v1.0/transaction-history-list.htm", Code: "60", Success: "2006000", Message: "Transaction List Retrieved Successfully"}, authSNAP, nil},
}

var unknownService = service{bisnap.Service{Name: apiUnknown, Code: "00"}, authSNAP, nil}

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

// messageFor is DANA's text for an injected code: the service's success
// message, else the table every DANA emulator shares (bisnap.Message).
func messageFor(code string) string {
	for _, s := range services {
		if s.Success == code {
			return s.Message
		}
	}
	return bisnap.Message(code)
}

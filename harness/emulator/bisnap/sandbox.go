package bisnap

// DANA's sandbox answers some requests with fixed codes whatever the
// order, so a merchant can rehearse its error handling. One table serves
// every DANA product the emulators play (DANA is one host: the Payment
// Gateway and Widget APIs share the codes): the union of the values in
// DANA's UAT script (github.com/dana-id/uat-script,
// resource/request/components/PaymentGateway.json and Widget.json). The
// script sends them for orders that do not exist (an unreplaced
// "${partnerReferenceNo}"), so they are checked after body validation and
// before the order lookup. No ordinary reference or amount is one of
// them: cancel triggers are bare 7-digit response codes, refund and
// payment triggers amounts whose digits spell the code.

// QueryErrorServiceCode is the Query Payment serviceCode that answers
// 5005501 (PaymentGateway.json QueryPaymentGeneralError, Widget.json
// QueryOrderFailGeneralError).
const QueryErrorServiceCode = "AZ"

// cancelTriggers are the originalPartnerReferenceNo values Cancel Order
// answers with that very code (PaymentGateway.json CancelOrder*,
// Widget.json CancelOrderFail*).
var cancelTriggers = map[string]bool{
	"2025700": true, "4035700": true, "4035705": true, "4035714": true, "4035715": true,
	"4045701": true, "4045708": true, "5005701": true,
}

// refundTriggers are the refundAmount values Refund Order answers with a
// code (PaymentGateway.json RefundOrder*, Widget.json RefundFail*).
var refundTriggers = map[string]string{
	"225800.00": "2025800", "435814.00": "4035814", "435815.00": "4035815",
	"445808.00": "4045808", "505801.00": "5005801",
}

// paymentTriggers are the Widget payment amounts answered with a code
// (Widget.json PaymentFail*).
var paymentTriggers = map[string]string{
	"435415.00": "4035415", "445408.00": "4045408", "505400.00": "5005400",
	"505401.00": "5005401", "21000000.00": "4035402",
}

// CancelTrigger is the code a sandbox cancel reference answers.
func CancelTrigger(ref string) (string, bool) {
	if cancelTriggers[ref] {
		return ref, true
	}
	return "", false
}

// RefundTrigger is the code a sandbox refund amount answers.
func RefundTrigger(amount string) (string, bool) {
	code, ok := refundTriggers[amount]
	return code, ok
}

// PaymentTrigger is the code a sandbox Widget payment amount answers.
func PaymentTrigger(amount string) (string, bool) {
	code, ok := paymentTriggers[amount]
	return code, ok
}

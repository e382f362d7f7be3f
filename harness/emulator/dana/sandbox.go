package dana

import (
	"net/http"

	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// DANA's sandbox answers some requests with fixed codes whatever the order,
// so a merchant can rehearse its error handling. The values below are the
// Payment Gateway set of DANA's UAT script (github.com/dana-id/uat-script,
// resource/request/components/PaymentGateway.json and
// test/go/payment_gateway/*_test.go). The script sends them for orders
// that do not exist (an unreplaced "${partnerReferenceNo}"), so they are
// checked after body validation and before the order lookup. No ordinary
// order reference or amount is one of them: cancel triggers are bare
// 7-digit response codes, refund triggers amounts in the hundred-thousands
// whose digits spell the code.

// queryErrorTrigger is the Query Payment serviceCode that answers 5005501
// (QueryPaymentGeneralError).
const queryErrorTrigger = "AZ"

// trigger is one sandbox answer.
type trigger struct {
	status        int
	caseCode, msg string
}

func (t trigger) code(a api) string { return itoa(t.status) + a.service + t.caseCode }

// cancelTriggers are the originalPartnerReferenceNo values Cancel Order
// answers with their own code (CancelOrderRequestTimeout, …InProgress,
// …UserStatusAbnormal, …MerchantStatusAbnormal, …TransactionExpired,
// …NotAllowed, …InsufficientFunds).
var cancelTriggers = map[string]trigger{
	"5005701": {http.StatusInternalServerError, "01", "Internal Server Error"},
	"2025700": {http.StatusAccepted, "00", "Request In Progress"},
	"4035705": {http.StatusForbidden, "05", "Do Not Honor"},
	"4045708": {http.StatusNotFound, "08", "Invalid Merchant"},
	"4035700": {http.StatusForbidden, "00", "Transaction Expired"},
	"4035715": {http.StatusForbidden, "15", "Transaction Not Permitted"},
	"4035714": {http.StatusForbidden, "14", "Insufficient Funds"},
}

// refundTriggers are the refundAmount values Refund Order answers with
// their own code (RefundOrderNotAllowed, …InsufficientFunds, …Timeout,
// …MerchantStatusAbnormal, …InProgress and …Idempotent, the same request
// twice, both 2025800).
var refundTriggers = map[string]trigger{
	"435815.00": {http.StatusForbidden, "15", "Transaction Not Permitted"},
	"435814.00": {http.StatusForbidden, "14", "Insufficient Funds"},
	"505801.00": {http.StatusInternalServerError, "01", "Internal Server Error"},
	"445808.00": {http.StatusNotFound, "08", "Invalid Merchant"},
	"225800.00": {http.StatusAccepted, "00", "Request In Progress"},
}

// cancelTrigger answers a sandbox cancel reference. A 2xx answer carries
// originalPartnerReferenceNo, which dana-go requires to decode it.
func cancelTrigger(a api, ref orderRef) *reply {
	t, ok := cancelTriggers[ref.partnerRef]
	if !ok {
		return nil
	}
	rep := &reply{code: t.code(a), message: t.msg}
	if t.status < 300 {
		rep.fields = ref.echo(nil)
	} else {
		rep.debug = "originalPartnerReferenceNo " + ref.partnerRef + " is DANA's sandbox trigger for " + t.code(a) + "; no order was looked up or changed"
	}
	return rep
}

// refundTrigger answers a sandbox refund amount. A 2xx answer carries
// originalPartnerReferenceNo, partnerRefundNo and refundAmount, which
// dana-go requires to decode it; nothing is refunded, so an identical
// retry answers the same.
func refundTrigger(a api, ref orderRef, partnerRefundNo string, amount bisnap.Money) *reply {
	t, ok := refundTriggers[amount.Value]
	if !ok {
		return nil
	}
	rep := &reply{code: t.code(a), message: t.msg}
	if t.status < 300 {
		rep.fields = ref.echo(nil)
		rep.fields["partnerRefundNo"], rep.fields["refundAmount"] = partnerRefundNo, amount.JSON()
	} else {
		rep.debug = "refundAmount " + amount.Value + " is DANA's sandbox trigger for " + t.code(a) + "; nothing was refunded"
	}
	return rep
}

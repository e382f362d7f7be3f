package dana

import (
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// DANA's sandbox answers some requests with fixed codes whatever the order,
// so a merchant can rehearse its error handling. The values and DANA's
// texts for them live in bisnap (sandbox.go, messages.go), one table for
// every DANA product the emulators play.

// queryErrorTrigger is the Query Payment serviceCode that answers 5005501
// (QueryPaymentGeneralError).
const queryErrorTrigger = bisnap.QueryErrorServiceCode

// cancelTrigger answers a sandbox cancel reference. A 2xx answer carries
// originalPartnerReferenceNo, which dana-go requires to decode it.
func cancelTrigger(a api, ref orderRef) *reply {
	code, ok := bisnap.CancelTrigger(ref.PartnerRef)
	if !ok {
		return nil
	}
	rep := &reply{code: code, message: a.snap().MessageFor(code)}
	if httpStatus(code) < 300 {
		rep.fields = echo(ref, nil)
	} else {
		rep.debug = "originalPartnerReferenceNo " + ref.PartnerRef + " is DANA's sandbox trigger for " + code + "; no order was looked up or changed"
	}
	return rep
}

// refundTrigger answers a sandbox refund amount. A 2xx answer carries
// originalPartnerReferenceNo, partnerRefundNo and refundAmount, which
// dana-go requires to decode it; nothing is refunded, so an identical
// retry answers the same.
func refundTrigger(a api, ref orderRef, partnerRefundNo string, amount bisnap.Money) *reply {
	code, ok := bisnap.RefundTrigger(amount.Value)
	if !ok {
		return nil
	}
	rep := &reply{code: code, message: a.snap().MessageFor(code)}
	if httpStatus(code) < 300 {
		rep.fields = echo(ref, nil)
		rep.fields["partnerRefundNo"], rep.fields["refundAmount"] = partnerRefundNo, amount.JSON()
	} else {
		rep.debug = "refundAmount " + amount.Value + " is DANA's sandbox trigger for " + code + "; nothing was refunded"
	}
	return rep
}

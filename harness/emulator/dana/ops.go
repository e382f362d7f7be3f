package dana

import (
	"net/http"
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// orderRef is how query, cancel and refund name an order.
type orderRef = bisnap.OrderRef

// echo is the reference block an answer about o (nil: not found) carries.
func echo(ref orderRef, o *order) map[string]any {
	if o == nil {
		return ref.Echo("", "")
	}
	return ref.Echo(o.partnerRef, o.referenceNo)
}

// queryPayment answers service 55 (§1.8).
func (e *Emulator) queryPayment(in *inbound) *reply {
	c := in.api.checker()
	ref := bisnap.ReadRef(c, in.doc, false)
	service, _ := c.Str(in.doc.Get("serviceCode"), "serviceCode", 0)
	if !c.Missing() && service == queryErrorTrigger {
		// DANA's UAT triggers its internal error with this value.
		return in.api.answer(http.StatusInternalServerError, "01", `serviceCode "AZ" is DANA's sandbox trigger for 5005501`)
	}
	if service != "" && service != "54" {
		c.Bad("serviceCode", `serviceCode must be "54" for Payment Gateway orders, got `+quote(service))
	}
	if rep := verdict(c); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(in.api, ref.MerchantID); rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.st.find(ref.MerchantID, ref.PartnerRef, ref.ReferenceNo)
	if o == nil {
		return in.api.answer(http.StatusNotFound, "01", "no order with these references was created for merchant "+quote(ref.MerchantID))
	}
	return in.api.ok(queryAnswer(ref, o))
}

// queryAnswer renders an order the way DANA's Query Payment does.
// statusDetail.frozen and .cancelled are strings ("true"/"false"), as
// DANA's SDK models them (dana-go payment_gateway/v1/model_status_detail.go):
// JSON booleans there fail dana-go's decoding and leave the merchant an
// empty response.
func queryAnswer(ref orderRef, o *order) map[string]any {
	out := echo(ref, o)
	out["serviceCode"] = "54"
	out["latestTransactionStatus"], out["transactionStatusDesc"] = statusCodes[o.status], o.status
	out["transAmount"], out["amount"] = o.amount.JSON(), o.amount.JSON()
	if o.title != "" {
		out["title"] = o.title
	}
	amounts := map[string]any{"orderAmount": o.amount.JSON()}
	times := map[string]any{"createdTime": stamp(o.created), "expiryTime": stamp(o.validUpTo)}
	if !o.paid.IsZero() {
		out["paidTime"] = stamp(o.paid)
		amounts["payAmount"] = o.amount.JSON()
		times["paidTimes"] = []string{stamp(o.paid)}
	}
	if o.refundedCents > 0 {
		amounts["refundAmount"] = bisnap.Money{Value: bisnap.FormatCents(o.refundedCents), Currency: o.amount.Currency}.JSON()
	}
	if !o.cancelled.IsZero() {
		times["cancelledTime"] = stamp(o.cancelled)
	}
	info := map[string]any{"amountDetail": amounts, "timeDetail": times, "merchantId": o.merchantID,
		"statusDetail": map[string]any{"acquirementStatus": o.status, "frozen": "false", "cancelled": strconv.FormatBool(o.status == StatusCancelled)}}
	if o.closeReason != "" {
		info["closeReason"] = o.closeReason
	}
	out["additionalInfo"] = info
	return out
}

// cancelOrder answers service 57 (§1.9).
func (e *Emulator) cancelOrder(in *inbound) *reply {
	c := in.api.checker()
	ref := bisnap.ReadRef(c, in.doc, true)
	c.OptStr(in.doc.Get("reason"), "reason", 256)
	if bisnap.Present(in.doc.Get("amount")) {
		c.Money(in.doc.Get("amount"), "amount")
	}
	if rep := verdict(c); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(in.api, ref.MerchantID); rep != nil {
		return rep
	}
	if rep := cancelTrigger(in.api, ref); rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.st.find(ref.MerchantID, ref.PartnerRef, ref.ReferenceNo)
	if o == nil {
		return in.api.answer(http.StatusNotFound, "01", "no order "+quote(ref.PartnerRef)+" for merchant "+quote(ref.MerchantID))
	}
	if rep := e.cancelLocked(in.api, o); rep != nil {
		return rep
	}
	out := echo(ref, o)
	out["cancelTime"] = stamp(o.cancelled)
	out["transactionDate"] = stamp(o.created)
	return in.api.ok(out)
}

// cancelLocked applies the cancel rules; e.mu is held. A second cancel of a
// cancelled order succeeds again with the first cancelTime (idempotent).
func (e *Emulator) cancelLocked(a api, o *order) *reply {
	now := e.clk.Now()
	switch {
	case o.status == StatusCancelled:
		return nil
	case o.status == StatusClosed:
		return a.answer(http.StatusNotFound, "00", "order "+o.partnerRef+" is closed ("+o.closeReason+"); there is nothing to cancel")
	case o.status == StatusSuccess && len(o.refunds) > 0:
		return a.answer(http.StatusNotFound, "00", "order "+o.partnerRef+" has refunds; a refunded order cannot be cancelled")
	case o.status == StatusSuccess && now.Sub(o.paid) > cancelWindow:
		return a.answer(http.StatusForbidden, "00", "order "+o.partnerRef+" was paid at "+snap.FormatTimestamp(o.paid)+
			"; paid orders can be cancelled within 24 h only; refund it instead")
	}
	o.status, o.cancelled = StatusCancelled, now
	if o.finished.IsZero() {
		o.finished = now
	}
	o.stopExpiry()
	return nil
}

// refundOrder answers service 58 (§1.10).
func (e *Emulator) refundOrder(in *inbound) *reply {
	c := in.api.checker()
	ref := bisnap.ReadRef(c, in.doc, true)
	refundNo, _ := c.Str(in.doc.Get("partnerRefundNo"), "partnerRefundNo", 64)
	amount, cents, _ := c.Money(in.doc.Get("refundAmount"), "refundAmount")
	c.OptStr(in.doc.Get("reason"), "reason", 256)
	if rep := verdict(c); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(in.api, ref.MerchantID); rep != nil {
		return rep
	}
	if rep := refundTrigger(in.api, ref, refundNo, amount); rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.st.find(ref.MerchantID, ref.PartnerRef, ref.ReferenceNo)
	if o == nil {
		return in.api.answer(http.StatusNotFound, "01", "no order "+quote(ref.PartnerRef)+" for merchant "+quote(ref.MerchantID))
	}
	r, rep := e.refundLocked(in.api, o, refundNo, amount, cents)
	if rep != nil {
		return rep
	}
	out := echo(ref, o)
	out["refundNo"], out["partnerRefundNo"] = r.refundNo, r.partnerRefundNo
	out["refundAmount"], out["refundTime"] = r.amount.JSON(), stamp(r.at)
	return in.api.ok(out)
}

// refundLocked applies the refund rules in order: idempotent replay,
// paid-only, total within the paid amount; e.mu is held.
func (e *Emulator) refundLocked(a api, o *order, partnerRefundNo string, amount bisnap.Money, cents int64) (*refund, *reply) {
	for _, r := range o.refunds {
		if r.partnerRefundNo != partnerRefundNo {
			continue
		}
		if r.cents == cents {
			return r, nil
		}
		return nil, a.answer(http.StatusNotFound, "18", "partnerRefundNo "+quote(partnerRefundNo)+
			" already refunded "+r.amount.Value+"; a retry must resend the same amount, a new refund needs a new partnerRefundNo")
	}
	if o.status != StatusSuccess {
		return nil, a.answer(http.StatusNotFound, "00", "order "+o.partnerRef+" is "+o.status+"; only paid orders can be refunded")
	}
	if o.refundedCents+cents > o.cents {
		return nil, a.answer(http.StatusForbidden, "02", "refunds would total "+
			bisnap.FormatCents(o.refundedCents+cents)+" but the order paid "+o.amount.Value)
	}
	now := e.clk.Now()
	r := &refund{partnerRefundNo: partnerRefundNo, amount: amount, cents: cents, at: now,
		refundNo: e.st.nextID(now, "111213800")}
	o.refunds = append(o.refunds, r)
	o.refundedCents += cents
	return r, nil
}

// consultPay answers Consult Pay as DANA's fixtures show it: 2005700 on
// success, 40000xx on errors, and an empty merchantId is a format error.
func (e *Emulator) consultPay(in *inbound) *reply {
	if m := in.doc.Get("merchantId"); m.Type == gjson.String && m.Str == "" {
		// DANA's fixture (ConsultPayBalancedInvalidFieldFormat) answers the
		// bare message, without the field name.
		return in.api.fail(http.StatusBadRequest, bisnap.CaseFormat, "Invalid Field Format", "merchantId can not be empty")
	}
	c := in.api.checker()
	merchantID, _ := c.Str(in.doc.Get("merchantId"), "merchantId", 64)
	c.Money(in.doc.Get("amount"), "amount")
	if info := in.doc.Get("additionalInfo"); c.Object(info, "additionalInfo") {
		c.EnvInfoStrict(info.Get("envInfo"), "additionalInfo.envInfo")
	}
	if rep := verdict(c); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(in.api, merchantID); rep != nil {
		return rep
	}
	return in.api.ok(map[string]any{"paymentInfos": []any{
		map[string]any{"payMethod": "BALANCE", "payOption": ""},
		map[string]any{"payMethod": "VIRTUAL_ACCOUNT", "payOption": "VIRTUAL_ACCOUNT_BCA"},
		map[string]any{"payMethod": "NETWORK_PAY", "payOption": "NETWORK_PAY_PG_QRIS"},
	}})
}

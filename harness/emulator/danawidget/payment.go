package danawidget

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// cashierPath is the hosted cashier webRedirectUrl points at; the
// complete payment URL adds the OTT as the ott query parameter
// (dana-go's GenerateCompletePaymentUrl).
const cashierPath = "/m/portal/cashier/checkout"

// cancelWindow is how long after payment a merchant may still cancel.
const cancelWindow = 24 * time.Hour

// clockGrace tolerates a merchant clock slightly ahead of ours on validUpTo.
const clockGrace = time.Minute

// payingAmount is the UAT amount whose payment stays PAYING (Widget.json
// PaymentPaying).
const payingAmount = "205502.00"

// trigger answers one of DANA's sandbox magic values (bisnap.CancelTrigger,
// RefundTrigger, PaymentTrigger) with DANA's text for its code.
func trigger(s bisnap.Service, code, why string) *bisnap.Reply { return s.Trigger(code, why) }

// payReq is a validated widget payment body.
type payReq struct {
	partnerRef, merchantID, title, returnURL, notifyURL string
	amount                                              bisnap.Money
	cents                                               int64
	validUpTo                                           time.Time
}

// widgetPayment answers service 54: an INIT order and its cashier URL.
func (e *Emulator) widgetPayment(in *inbound) *bisnap.Reply {
	s := in.svc.Service
	wall := e.wall.Now()
	c := bisnap.NewChecker(s)
	r := payReq{}
	doc := in.doc
	r.partnerRef, _ = c.Str(doc.Get("partnerReferenceNo"), "partnerReferenceNo", 64)
	r.merchantID, _ = c.Str(doc.Get("merchantId"), "merchantId", 64)
	c.OptStr(doc.Get("subMerchantId"), "subMerchantId", 32)
	c.OptStr(doc.Get("externalStoreId"), "externalStoreId", 64)
	r.amount, r.cents, _ = c.Money(doc.Get("amount"), "amount")
	if v, ok := c.Str(doc.Get("validUpTo"), "validUpTo", 0); ok {
		t, err := snap.ParseTimestamp(v)
		switch {
		case err != nil:
			c.Bad("validUpTo", "validUpTo: "+err.Error())
		case !t.After(wall):
			c.Breaks("validUpTo", "validUpTo "+v+" is not in the future (gateway wall clock "+stamp(wall)+")")
		case t.Sub(wall) > e.o.ValidUpToMax+clockGrace:
			c.Breaks("validUpTo", "validUpTo "+v+" is more than "+e.o.ValidUpToMax.String()+" ahead of "+stamp(wall)+
				"; DANA's sandbox (and dana-go's Widget payment in sandbox mode) refuses more than 30 minutes")
		}
		r.validUpTo = t
	}
	if info := doc.Get("additionalInfo"); c.Object(info, "additionalInfo") {
		c.Str(info.Get("productCode"), "additionalInfo.productCode", 64)
		// mcc may be "" (or absent): DANA's UAT fixtures send "" in ten
		// payment cases and expect success, the amount format error or the
		// magic-amount codes (Widget.json Payment*).
		c.OptStr(info.Get("mcc"), "additionalInfo.mcc", 64)
		c.EnvInfo(info.Get("envInfo"), "additionalInfo.envInfo")
		if o := info.Get("order"); c.Object(o, "additionalInfo.order") {
			r.title, _ = c.Str(o.Get("orderTitle"), "additionalInfo.order.orderTitle", 0)
		}
	}
	readURLParams(c, &r, doc.Get("urlParams"))
	in.Violations = append(in.Violations, c.Violations...)
	if rep := c.Result(); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(s, r.merchantID); rep != nil {
		return rep
	}
	if code, ok := bisnap.PaymentTrigger(r.amount.Value); ok {
		return trigger(s, code, "amount "+r.amount.Value)
	}
	canon := canonical(in.Body)
	base := e.base(in.Req)
	e.mu.Lock()
	defer e.mu.Unlock()
	if o := e.st.byKey[r.merchantID+"\x00"+r.partnerRef]; o != nil {
		if o.canonical == canon {
			return s.OK(o.createReply)
		}
		return s.Answer(http.StatusNotFound, "18", "partnerReferenceNo "+bisnap.Quote(r.partnerRef)+
			" was already used by order "+o.referenceNo+" with a different body (validUpTo aside); a retry must resend the same body, a new payment needs a new partnerReferenceNo")
	}
	now := e.clk.Now()
	o := &order{merchantID: r.merchantID, partnerRef: r.partnerRef, partnerID: in.Req.Header.Get("X-PARTNER-ID"), amount: r.amount, cents: r.cents,
		title: r.title, returnURL: r.returnURL, notifyURL: r.notifyURL, canonical: canon, status: StatusInit, created: now, validUpTo: r.validUpTo}
	if r.amount.Value == payingAmount {
		o.status = StatusPaying
	}
	o.referenceNo = e.st.nextID(now, "111212800")
	o.createReply = map[string]any{"referenceNo": o.referenceNo, "partnerReferenceNo": o.partnerRef,
		"webRedirectUrl": base + cashierPath + "?bizNo=" + o.referenceNo}
	e.st.addOrder(o)
	o.expiry = e.clk.AfterFunc(r.validUpTo.Sub(wall), func() { e.expire(o) })
	return s.OK(o.createReply)
}

// readURLParams: optional array of {url, type, isDeeplink}; PAY_RETURN is
// mandatory by DANA's enum text, NOTIFICATION is where the notify goes.
func readURLParams(c *bisnap.Checker, r *payReq, v gjson.Result) {
	if !bisnap.Present(v) {
		c.Violate("urlParams is missing: DANA cannot send the user back (PAY_RETURN) nor notify you (NOTIFICATION)")
		return
	}
	if !v.IsArray() {
		c.Bad("urlParams", "urlParams must be an array of {url, type, isDeeplink}")
		return
	}
	for _, p := range v.Array() {
		u, okU := c.Str(p.Get("url"), "urlParams.url", 0)
		kind, okT := c.OneOf(p.Get("type"), "urlParams.type", "PAY_RETURN", "NOTIFICATION")
		_, okD := c.OneOf(p.Get("isDeeplink"), "urlParams.isDeeplink", "Y", "N")
		if !okU || !okT || !okD {
			continue
		}
		if kind == "PAY_RETURN" && r.returnURL == "" {
			r.returnURL = u
		} else if kind == "NOTIFICATION" && r.notifyURL == "" {
			r.notifyURL = u
		}
	}
	if r.returnURL == "" {
		c.Violate("urlParams has no PAY_RETURN entry; DANA documents it as mandatory")
	}
	if r.notifyURL == "" {
		c.Violate("urlParams has no NOTIFICATION entry; DANA will not know where to send the finish notify")
	}
}

// canonical is the idempotency form of a payment body: sorted keys,
// validUpTo removed.
func canonical(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return string(body)
	}
	delete(m, "validUpTo")
	b, _ := json.Marshal(m)
	return string(b)
}

// expire closes an order still unpaid at validUpTo and notifies 05.
func (e *Emulator) expire(o *order) {
	e.mu.Lock()
	if (o.status != StatusInit && o.status != StatusPaying) || o.forgotten {
		e.mu.Unlock()
		return
	}
	o.status, o.closeReason, o.finished = StatusClosed, "EXPIRED", e.clk.Now()
	o.expiry = nil
	job := e.eventLocked(o, "05", "valid")
	e.mu.Unlock()
	e.deliver(context.Background(), job, 1)
}

// orderRef is how query, cancel and refund name an order.
type orderRef = bisnap.OrderRef

// echo is the reference block an answer about o carries.
func echo(ref orderRef, o *order) map[string]any { return ref.Echo(o.partnerRef, o.referenceNo) }

// queryPayment answers service 55.
func (e *Emulator) queryPayment(in *inbound) *bisnap.Reply {
	s := in.svc.Service
	c := bisnap.NewChecker(s)
	ref := bisnap.ReadRef(c, in.doc, false)
	svcCode, _ := c.Str(in.doc.Get("serviceCode"), "serviceCode", 0)
	if !c.Missing() && svcCode == bisnap.QueryErrorServiceCode {
		return trigger(s, "5005501", "serviceCode "+strconv.Quote(svcCode))
	}
	if svcCode != "" && svcCode != "54" {
		c.Bad("serviceCode", `serviceCode must be "54" for a widget payment, got `+bisnap.Quote(svcCode))
	}
	if rep := c.Result(); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(s, ref.MerchantID); rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.st.find(ref.MerchantID, ref.PartnerRef, ref.ReferenceNo)
	if o == nil {
		return s.Answer(http.StatusNotFound, "01", "no widget payment with these references for merchant "+bisnap.Quote(ref.MerchantID))
	}
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
		amounts["refundAmount"] = bisnap.Money{Value: bisnap.FormatCents(o.refundedCents), Currency: "IDR"}.JSON()
	}
	if !o.cancelled.IsZero() {
		times["cancelledTime"] = stamp(o.cancelled)
	}
	info := map[string]any{"merchantId": o.merchantID, "amountDetail": amounts, "timeDetail": times,
		"statusDetail": map[string]any{"acquirementStatus": o.status, "frozen": "false", "cancelled": strconv.FormatBool(o.status == StatusCancelled)}}
	if o.closeReason != "" {
		info["closeReason"] = o.closeReason
	}
	out["additionalInfo"] = info
	return s.OK(out)
}

// cancelOrder answers service 57: unpaid orders, and paid ones within 24 h.
func (e *Emulator) cancelOrder(in *inbound) *bisnap.Reply {
	s := in.svc.Service
	c := bisnap.NewChecker(s)
	ref := bisnap.ReadRef(c, in.doc, true)
	c.OptStr(in.doc.Get("reason"), "reason", 256)
	if bisnap.Present(in.doc.Get("amount")) {
		c.Money(in.doc.Get("amount"), "amount")
	}
	if rep := c.Result(); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(s, ref.MerchantID); rep != nil {
		return rep
	}
	if code, ok := bisnap.CancelTrigger(ref.PartnerRef); ok {
		return trigger(s, code, "originalPartnerReferenceNo "+ref.PartnerRef)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.st.find(ref.MerchantID, ref.PartnerRef, ref.ReferenceNo)
	if o == nil {
		return s.Answer(http.StatusNotFound, "01", "no widget payment "+bisnap.Quote(ref.PartnerRef)+" for merchant "+bisnap.Quote(ref.MerchantID))
	}
	now := e.clk.Now()
	switch {
	case o.status == StatusCancelled:
	case o.status == StatusClosed:
		return s.Answer(http.StatusNotFound, "00", "order "+o.partnerRef+" is closed ("+o.closeReason+"); there is nothing to cancel")
	case o.status == StatusSuccess && len(o.refunds) > 0:
		return s.Answer(http.StatusNotFound, "00", "order "+o.partnerRef+" has refunds; a refunded order cannot be cancelled")
	case o.status == StatusSuccess && now.Sub(o.paid) > cancelWindow:
		return s.Answer(http.StatusForbidden, "00", "order "+o.partnerRef+" was paid at "+stamp(o.paid)+
			"; paid orders can be cancelled within 24 h only; refund it instead")
	default:
		if o.status == StatusSuccess {
			e.creditLocked(o, o.cents)
		}
		o.status, o.cancelled = StatusCancelled, now
		if o.finished.IsZero() {
			o.finished = now
		}
		o.stopExpiry()
	}
	out := echo(ref, o)
	out["cancelTime"], out["transactionDate"] = stamp(o.cancelled), stamp(o.created)
	return s.OK(out)
}

// refundOrder answers service 58.
func (e *Emulator) refundOrder(in *inbound) *bisnap.Reply {
	s := in.svc.Service
	c := bisnap.NewChecker(s)
	ref := bisnap.ReadRef(c, in.doc, true)
	refundNo, _ := c.Str(in.doc.Get("partnerRefundNo"), "partnerRefundNo", 64)
	amount, cents, _ := c.Money(in.doc.Get("refundAmount"), "refundAmount")
	c.OptStr(in.doc.Get("reason"), "reason", 256)
	if rep := c.Result(); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(s, ref.MerchantID); rep != nil {
		return rep
	}
	if code, ok := bisnap.RefundTrigger(amount.Value); ok {
		return trigger(s, code, "refundAmount "+amount.Value)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.st.find(ref.MerchantID, ref.PartnerRef, ref.ReferenceNo)
	if o == nil {
		return s.Answer(http.StatusNotFound, "12", "no widget payment "+bisnap.Quote(ref.PartnerRef)+" for merchant "+bisnap.Quote(ref.MerchantID))
	}
	var r *refund
	for _, x := range o.refunds {
		if x.partnerRefundNo != refundNo {
			continue
		}
		if x.cents != cents {
			return s.Answer(http.StatusNotFound, "18", "partnerRefundNo "+bisnap.Quote(refundNo)+" already refunded "+x.amount.Value+
				"; a retry must resend the same amount, a new refund needs a new partnerRefundNo")
		}
		r = x
	}
	if r == nil {
		switch {
		case o.status != StatusSuccess:
			return s.Answer(http.StatusNotFound, "00", "order "+o.partnerRef+" is "+o.status+"; only paid orders can be refunded")
		case o.refundedCents+cents > o.cents:
			return s.Answer(http.StatusForbidden, "02", "refunds would total "+bisnap.FormatCents(o.refundedCents+cents)+" but the order paid "+o.amount.Value)
		case len(o.refunds) >= MaxRefunds:
			return s.Answer(http.StatusForbidden, "15", "order "+o.partnerRef+" already has "+itoa(MaxRefunds)+
				" refunds, as many as this emulator takes for one order")
		}
		now := e.clk.Now()
		r = &refund{partnerRefundNo: refundNo, amount: amount, cents: cents, at: now, refundNo: e.st.nextID(now, "111213800")}
		o.refunds = append(o.refunds, r)
		o.refundedCents += cents
		e.creditLocked(o, cents)
	}
	out := echo(ref, o)
	out["refundNo"], out["partnerRefundNo"], out["refundAmount"], out["refundTime"] = r.refundNo, r.partnerRefundNo, r.amount.JSON(), stamp(r.at)
	return s.OK(out)
}

// creditLocked returns money to the payer's balance; e.mu held.
func (e *Emulator) creditLocked(o *order, cents int64) {
	if o.payer != "" {
		e.st.userFor(o.payer).balance += cents
	}
}

package bisnap

import "github.com/tidwall/gjson"

// OrderRef is how Query Payment, Cancel Order and Refund Order name an
// order: the merchant, the merchant's reference, DANA's reference and
// the external id, as sent.
type OrderRef struct{ MerchantID, PartnerRef, ReferenceNo, ExternalID string }

// ReadRef reads merchantId and the original references. With
// partnerMandatory originalPartnerReferenceNo is required (cancel,
// refund); otherwise either reference will do (query).
func ReadRef(c *Checker, doc gjson.Result, partnerMandatory bool) OrderRef {
	var r OrderRef
	r.MerchantID, _ = c.Str(doc.Get("merchantId"), "merchantId", 64)
	if partnerMandatory {
		r.PartnerRef, _ = c.Str(doc.Get("originalPartnerReferenceNo"), "originalPartnerReferenceNo", 64)
	} else {
		r.PartnerRef, _ = c.OptStr(doc.Get("originalPartnerReferenceNo"), "originalPartnerReferenceNo", 64)
	}
	r.ReferenceNo, _ = c.OptStr(doc.Get("originalReferenceNo"), "originalReferenceNo", 64)
	r.ExternalID, _ = c.OptStr(doc.Get("originalExternalId"), "originalExternalId", 64)
	if !partnerMandatory && r.PartnerRef == "" && r.ReferenceNo == "" {
		c.Needs("originalPartnerReferenceNo", "name the order by originalPartnerReferenceNo (your partnerReferenceNo) or originalReferenceNo (DANA's referenceNo)")
	}
	return r
}

// Echo is the reference block every answer about an order carries: the
// order's own references when it was found (partnerRef and referenceNo
// set), else the ones the merchant sent, and the external id it sent.
func (r OrderRef) Echo(partnerRef, referenceNo string) map[string]any {
	out := map[string]any{"originalPartnerReferenceNo": r.PartnerRef}
	switch {
	case partnerRef != "":
		out["originalPartnerReferenceNo"], out["originalReferenceNo"] = partnerRef, referenceNo
	case r.ReferenceNo != "":
		out["originalReferenceNo"] = r.ReferenceNo
	}
	if r.ExternalID != "" {
		out["originalExternalId"] = r.ExternalID
	}
	return out
}

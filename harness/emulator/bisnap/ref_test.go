package bisnap

import (
	"testing"

	"github.com/tidwall/gjson"
)

func TestReadRef_QueryTakesEitherReferenceCancelNeedsTheMerchants(t *testing.T) {
	doc := gjson.Parse(`{"merchantId":"M1","originalReferenceNo":"2026","originalExternalId":"X1"}`)
	c := NewChecker(createSvc)
	r := ReadRef(c, doc, false)
	if c.Result() != nil || r != (OrderRef{MerchantID: "M1", ReferenceNo: "2026", ExternalID: "X1"}) {
		t.Errorf("query by DANA's reference: %+v %+v", r, c.Result())
	}
	c = NewChecker(createSvc)
	ReadRef(c, doc, true)
	if rep := c.Result(); rep == nil || rep.Message != "Invalid Mandatory Field originalPartnerReferenceNo" {
		t.Errorf("cancel without the merchant's reference: %+v", rep)
	}
	c = NewChecker(createSvc)
	ReadRef(c, gjson.Parse(`{"merchantId":"M1"}`), false)
	if rep := c.Result(); rep == nil || rep.Message != "Invalid Mandatory Field originalPartnerReferenceNo" {
		t.Errorf("query naming no order: %+v", rep)
	}
}

func TestOrderRef_EchoesTheOrderElseWhatWasSent(t *testing.T) {
	r := OrderRef{PartnerRef: "INV-1", ReferenceNo: "sent", ExternalID: "X1"}
	if got := r.Echo("INV-1", "2026"); got["originalReferenceNo"] != "2026" || got["originalExternalId"] != "X1" {
		t.Errorf("found: %v", got)
	}
	if got := r.Echo("", ""); got["originalPartnerReferenceNo"] != "INV-1" || got["originalReferenceNo"] != "sent" {
		t.Errorf("not found: %v", got)
	}
	if got := (OrderRef{PartnerRef: "INV-1"}).Echo("", ""); len(got) != 1 {
		t.Errorf("only the partner reference: %v", got)
	}
}

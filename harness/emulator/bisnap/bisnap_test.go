package bisnap

import (
	"net/http"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/snap"
)

var widgetCancel = Service{Name: "cancel_order", Code: "57", Success: "2005700", Message: "Successful"}

// One table gives both DANA products DANA's texts for the magic codes
// (uat-script PaymentGateway.json and Widget.json); a service's own
// success message wins for its success code.
func TestMessages_OneTableForDANA(t *testing.T) {
	for code, want := range map[string]string{
		"4035705": "Do Not Honor", "4045708": "Invalid Merchant", "4035714": "Insufficient Funds",
		"4035715": "Transaction Not Permitted", "4045808": "Invalid Merchant", "4045812": "Invalid Bill",
		"2005700": "Successful", "4039999": "General Error",
	} {
		if got := widgetCancel.MessageFor(code); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
	pgCancel := widgetCancel
	pgCancel.Message = "Success"
	if got := pgCancel.MessageFor("2005700"); got != "Success" {
		t.Errorf("Gapura's cancel success %q", got)
	}
	rep := widgetCancel.Trigger("4035705", "originalPartnerReferenceNo 4035705")
	if rep.Code != "4035705" || rep.Message != "Do Not Honor" || HTTPStatus(rep.Code) != http.StatusForbidden {
		t.Errorf("trigger %+v", rep)
	}
}

func TestSandboxTriggers(t *testing.T) {
	if code, ok := CancelTrigger("4045708"); !ok || code != "4045708" {
		t.Error("cancel trigger 4045708")
	}
	if _, ok := CancelTrigger("INV-1"); ok {
		t.Error("an ordinary reference is a trigger")
	}
	if code, ok := RefundTrigger("445808.00"); !ok || code != "4045808" {
		t.Error("refund trigger 445808.00")
	}
	if code, ok := PaymentTrigger("21000000.00"); !ok || code != "4035402" {
		t.Error("payment trigger 21000000.00")
	}
}

// Apply Token: X-TIMESTAMP is checked (presence, then format) before
// anything about X-CLIENT-KEY; a missing X-CLIENT-KEY is a signature that
// does not verify (uat-script apply_token_test.{go,py}).
func TestTokenHeaders_DANAOrder(t *testing.T) {
	s := Service{Name: "apply_token", Code: "74"}
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta)
	h := http.Header{"Content-Type": {"application/json"}, "X-Signature": {"x"}}
	if _, rep := TokenHeaders.Check(s, h, 0, now); rep == nil || rep.Code != "4007402" || rep.Message != "Invalid Mandatory Field X-TIMESTAMP" {
		t.Errorf("no X-TIMESTAMP: %+v", rep)
	}
	h.Set("X-TIMESTAMP", "2026-05-01 10:00:00+07:00")
	if _, rep := TokenHeaders.Check(s, h, 0, now); rep == nil || rep.Code != "4007401" {
		t.Errorf("malformed X-TIMESTAMP: %+v", rep)
	}
	h.Set("X-TIMESTAMP", snap.FormatTimestamp(now))
	if _, rep := TokenHeaders.Check(s, h, 0, now); rep != nil {
		t.Errorf("no X-CLIENT-KEY refused by the header check: %+v", rep)
	}
	k, err := snap.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, rep := VerifyToken(s, &k.PublicKey, h); rep == nil || rep.Code != "4017400" {
		t.Errorf("no X-CLIENT-KEY: %+v, want 4017400", rep)
	}
}

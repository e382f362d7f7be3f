package dana

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/snap"
)

// TestCreateOrder_ValidUpToLimit: by default a validUpTo more than 30
// minutes (plus a minute for clock drift) ahead of the wall clock is
// refused with 4005401, as
// DANA's sandbox flow refuses it; ProductionValidUpToMax allows DANA's
// documented week. The test clock (expiry, cancel window) does not judge it.
func TestCreateOrder_ValidUpToLimit(t *testing.T) {
	cases := []struct {
		name  string
		limit time.Duration
		ahead time.Duration
		code  string
	}{
		{"sandbox default, 30m", 0, 30 * time.Minute, "2005400"},
		{"sandbox default, 30m1s (within the drift grace, recorded)", 0, 30*time.Minute + time.Second, "2005400"},
		{"sandbox default, 31m1s", 0, 31*time.Minute + time.Second, "4005401"},
		{"sandbox default, 2h", 0, 2 * time.Hour, "4005401"},
		{"production week, 2h", ProductionValidUpToMax, 2 * time.Hour, "2005400"},
		{"production week, 7d", ProductionValidUpToMax, 7 * 24 * time.Hour, "2005400"},
		{"production week, 7d2m", ProductionValidUpToMax, 7*24*time.Hour + 2*time.Minute, "4005401"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wall := clock.NewFake(start)
			f := newFixture(t, func(o *Options) { o.ValidUpToMax, o.Wall = tc.limit, wall })
			f.clk.Advance(48 * time.Hour) // the scenario's test clock runs ahead; the wall clock judges
			body := f.createBody("INV-VUT", "10000.00")
			body["validUpTo"] = snap.FormatTimestamp(wall.Now().Add(tc.ahead))
			status, res := f.post(pathOf(APICreateOrder), body)
			if res.Get("responseCode").Str != tc.code || status != httpStatus(tc.code) {
				t.Fatalf("HTTP %d %s, want %s", status, res.Raw, tc.code)
			}
			if tc.code == "4005401" && res.Get("responseMessage").Str != "Invalid Field Format validUpTo" {
				t.Errorf("message %q", res.Get("responseMessage").Str)
			}
		})
	}
	mk, gk := testKeys(t)
	if _, err := New(Options{MerchantPublicKey: &mk.PublicKey, GatewayPrivateKey: gk, ValidUpToMax: -time.Minute}); err == nil {
		t.Error("a negative ValidUpToMax was accepted")
	}
}

// TestCreateOrder_QRISReferenceLimit: DANA allows at most 25 characters of
// partnerReferenceNo for QRIS; over it the emulator answers 4005401.
func TestCreateOrder_QRISReferenceLimit(t *testing.T) {
	for _, n := range []int{25, 26} {
		f := newFixture(t)
		ref := strings.Repeat("Q", n)
		body := f.createBody(ref, "10000.00")
		setPath(body, "additionalInfo.order.scenario", "API")
		body["externalStoreId"] = "STORE-1"
		body["payOptionDetails"] = []any{map[string]any{"payMethod": "NETWORK_PAY", "payOption": "NETWORK_PAY_PG_QRIS",
			"transAmount": map[string]any{"value": "10000.00", "currency": "IDR"}}}
		status, res := f.post(pathOf(APICreateOrder), body)
		want, msg := "2005400", "Successful"
		if n > 25 {
			want, msg = "4005401", "Invalid Field Format partnerReferenceNo"
		}
		if res.Get("responseCode").Str != want || res.Get("responseMessage").Str != msg || status != httpStatus(want) {
			t.Errorf("%d characters: HTTP %d %s, want %s %s", n, status, res.Raw, want, msg)
		}
		if res.Get("partnerReferenceNo").Str != ref {
			t.Errorf("%d characters: partnerReferenceNo not echoed: %s", n, res.Raw)
		}
	}
	// Other pay options keep the general 64-character limit.
	f := newFixture(t)
	if _, res := f.post(pathOf(APICreateOrder), f.createBody(strings.Repeat("R", 64), "10000.00")); res.Get("responseCode").Str != "2005400" {
		t.Errorf("64-character REDIRECT reference: %s", res.Raw)
	}
}

// TestSandboxTriggers_OrdinaryValuesAreUntouched: the sandbox triggers
// answer only their exact values; neighbours behave as ordinary orders and
// amounts, and a trigger changes no state.
func TestSandboxTriggers_OrdinaryValuesAreUntouched(t *testing.T) {
	f := newFixture(t)
	if _, res := f.post(pathOf(APICancelOrder), refBody("2025701")); res.Get("responseCode").Str != "4045701" {
		t.Errorf("cancel of an unknown ordinary reference: %s", res.Raw)
	}
	f.create("INV-BIG", "500000.00")
	f.act(actPay, "INV-BIG", nil)
	if _, res := f.post(pathOf(APIRefundOrder), refundBody("INV-BIG", "RF-1", "225800.01")); res.Get("responseCode").Str != "2005800" {
		t.Errorf("ordinary refund amount: %s", res.Raw)
	}
	status, res := f.post(pathOf(APIRefundOrder), refundBody("INV-BIG", "RF-2", "225800.00"))
	if status != http.StatusAccepted || res.Get("responseCode").Str != "2025800" || res.Get("partnerRefundNo").Str != "RF-2" {
		t.Errorf("refund trigger on a real order: HTTP %d %s", status, res.Raw)
	}
	if got := f.order("INV-BIG").Refunded; got != "225800.01" {
		t.Errorf("refunded %s after the trigger, want only the ordinary refund 225800.01", got)
	}
	for ref, code := range map[string]string{"5005701": "5005701", "4035700": "4035700", "2025700": "2025700"} {
		if _, res := f.post(pathOf(APICancelOrder), refBody(ref)); res.Get("responseCode").Str != code {
			t.Errorf("cancel trigger %s: %s", ref, res.Raw)
		}
	}
	if _, res := f.post(pathOf(APIQueryPayment), queryBody("INV-BIG")); res.Get("latestTransactionStatus").Str != "00" {
		t.Errorf("the paid order changed: %s", res.Raw)
	}
}

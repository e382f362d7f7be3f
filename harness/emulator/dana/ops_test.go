package dana

import (
	"net/http"
	"testing"
	"time"
)

// setup leaves order INV-1 (amount 10000.00) in the named state; the
// query, cancel and refund tables share it.
func setup(f *fixture, name string) {
	f.t.Helper()
	switch name {
	case "none":
	case "init":
		f.create("INV-1", "10000.00")
	case "paid":
		setup(f, "init")
		f.act(actPay, "INV-1", nil)
	case "cancelled":
		setup(f, "init")
		f.post(pathOf(APICancelOrder), refBody("INV-1"))
	case "expired":
		setup(f, "init")
		f.clk.Advance(31 * time.Minute)
	case "failed":
		setup(f, "init")
		f.act(actFail, "INV-1", nil)
	case "refunded":
		setup(f, "paid")
		f.post(pathOf(APIRefundOrder), refundBody("INV-1", "RF-1", "4000.00"))
	case "paid 24h ago":
		setup(f, "paid")
		f.clk.Advance(24 * time.Hour)
	case "paid 24h1s ago":
		setup(f, "paid")
		f.clk.Advance(24*time.Hour + time.Second)
	default:
		f.t.Fatalf("unknown setup %q", name)
	}
}

func TestQueryPayment_AnswersEveryCode(t *testing.T) {
	cases := []struct {
		setup         string
		edit          func(map[string]any)
		code, status  string
		desc, acquire string
	}{
		{setup: "init", code: "2005500", status: "01", desc: "INIT", acquire: "INIT"},
		{setup: "paid", code: "2005500", status: "00", desc: "SUCCESS", acquire: "SUCCESS"},
		{setup: "cancelled", code: "2005500", status: "05", desc: "CANCELLED", acquire: "CANCELLED"},
		{setup: "expired", code: "2005500", status: "05", desc: "CLOSED", acquire: "CLOSED"},
		{setup: "failed", code: "2005500", status: "05", desc: "CLOSED", acquire: "CLOSED"},
		{setup: "refunded", code: "2005500", status: "00", desc: "SUCCESS", acquire: "SUCCESS"},
		{setup: "none", code: "4045501"},
		{setup: "init", edit: edit("originalPartnerReferenceNo", "INV-404"), code: "4045501"},
		{setup: "init", edit: edit("serviceCode", "60"), code: "4005501"},
		{setup: "init", edit: edit("serviceCode", "AZ"), code: "5005501"},
		{setup: "init", edit: edit("serviceCode", deleteIt), code: "4005502"},
		{setup: "init", edit: edit("originalPartnerReferenceNo", deleteIt), code: "4005502"},
		{setup: "init", edit: edit("merchantId", "216620000000000000009"), code: "4045508"},
	}
	for _, tc := range cases {
		name := tc.setup + " " + tc.code
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			setup(f, tc.setup)
			body := queryBody("INV-1")
			if tc.edit != nil {
				tc.edit(body)
			}
			status, res := f.post(pathOf(APIQueryPayment), body)
			if res.Get("responseCode").Str != tc.code || status != httpStatus(tc.code) {
				t.Fatalf("HTTP %d %s, want %s", status, res.Raw, tc.code)
			}
			if tc.status == "" {
				return
			}
			got := []string{res.Get("latestTransactionStatus").Str, res.Get("transactionStatusDesc").Str,
				res.Get("additionalInfo.statusDetail.acquirementStatus").Str, res.Get("serviceCode").Str}
			want := []string{tc.status, tc.desc, tc.acquire, "54"}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("status fields %v, want %v", got, want)
					break
				}
			}
			if res.Get("amount.value").Str != "10000.00" || res.Get("transAmount.value").Str != "10000.00" ||
				res.Get("title").Str != "Order INV-1" || res.Get("additionalInfo.amountDetail.orderAmount.value").Str != "10000.00" ||
				res.Get("additionalInfo.timeDetail.createdTime").Str == "" || res.Get("additionalInfo.timeDetail.expiryTime").Str == "" {
				t.Errorf("order fields missing: %s", res.Raw)
			}
			if paid := res.Get("paidTime").Exists(); paid != (tc.status == "00") {
				t.Errorf("paidTime present = %v for status %s", paid, tc.status)
			}
		})
	}
}

func TestQueryPayment_FindsOrdersByDANAReferenceOnly(t *testing.T) {
	f := newFixture(t)
	ref := f.create("INV-1", "10000.00").Get("referenceNo").Str
	_, res := f.post(pathOf(APIQueryPayment), map[string]any{"merchantId": testMerchant, "serviceCode": "54", "originalReferenceNo": ref})
	if res.Get("responseCode").Str != "2005500" || res.Get("originalPartnerReferenceNo").Str != "INV-1" {
		t.Fatalf("%s", res.Raw)
	}
	body := queryBody("INV-1")
	body["originalReferenceNo"] = ref + "1"
	if _, res := f.post(pathOf(APIQueryPayment), body); res.Get("responseCode").Str != "4045501" {
		t.Errorf("disagreeing references found an order: %s", res.Raw)
	}
}

func TestQueryPayment_HeaderAndSignatureCodes(t *testing.T) {
	cases := []struct {
		header func(http.Header)
		code   string
	}{
		{set("X-TIMESTAMP", "2026-03-02 10:00:00+07:00"), "4005501"},
		{set("X-TIMESTAMP", ""), "4005502"},
		{set("X-SIGNATURE", "invalid_signature"), "4015500"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			f := newFixture(t)
			req := f.request(pathOf(APIQueryPayment), mustJSON(t, map[string]any{"merchantId": "", "serviceCode": ""}), "")
			tc.header(req.Header)
			if _, res, _ := f.serve(req); res.Get("responseCode").Str != tc.code {
				t.Fatalf("%s, want %s", res.Raw, tc.code)
			}
		})
	}
}

func TestCancelOrder_AnswersEveryCode(t *testing.T) {
	cases := []struct {
		setup, code, after string // after: status of INV-1 afterwards
		header             func(http.Header)
		edit               func(map[string]any)
	}{
		{setup: "init", code: "2005700", after: StatusCancelled},
		{setup: "paid", code: "2005700", after: StatusCancelled},
		{setup: "paid 24h ago", code: "2005700", after: StatusCancelled},
		{setup: "paid 24h1s ago", code: "4035700", after: StatusSuccess},
		{setup: "refunded", code: "4045700", after: StatusSuccess},
		{setup: "cancelled", code: "2005700", after: StatusCancelled},
		{setup: "expired", code: "4045700", after: StatusClosed},
		{setup: "none", code: "4045701"},
		{setup: "init", code: "4005702", after: StatusInit, edit: edit("originalPartnerReferenceNo", deleteIt)},
		{setup: "init", code: "4015700", after: StatusInit, header: set("X-SIGNATURE", "abcde")},
		{setup: "init", code: "4005701", after: StatusInit, header: set("X-TIMESTAMP", "2026-03-02T10:00:00+0700")},
	}
	for _, tc := range cases {
		t.Run(tc.setup+" "+tc.code, func(t *testing.T) {
			f := newFixture(t)
			setup(f, tc.setup)
			body := refBody("INV-1")
			if tc.edit != nil {
				tc.edit(body)
			}
			req := f.request(pathOf(APICancelOrder), mustJSON(t, body), "")
			if tc.header != nil {
				tc.header(req.Header)
			}
			status, res, _ := f.serve(req)
			if res.Get("responseCode").Str != tc.code || status != httpStatus(tc.code) {
				t.Fatalf("HTTP %d %s, want %s", status, res.Raw, tc.code)
			}
			if tc.code == "2005700" && (res.Get("responseMessage").Str != "Success" || res.Get("cancelTime").Str == "" ||
				res.Get("originalReferenceNo").Str == "") {
				t.Errorf("success body %s", res.Raw)
			}
			if tc.after != "" {
				if got := f.order("INV-1").Status; got != tc.after {
					t.Errorf("order is %s after cancel, want %s", got, tc.after)
				}
			}
		})
	}
}

func TestCancelOrder_SecondCancelKeepsTheFirstCancelTime(t *testing.T) {
	f := newFixture(t)
	setup(f, "cancelled")
	first := f.order("INV-1").CancelledTime
	f.clk.Advance(time.Hour)
	_, res := f.post(pathOf(APICancelOrder), refBody("INV-1"))
	if res.Get("responseCode").Str != "2005700" || res.Get("cancelTime").Str != first {
		t.Fatalf("second cancel %s, first cancelTime %s", res.Raw, first)
	}
}

func TestCancelOrder_StopsTheExpiryTimer(t *testing.T) {
	f := newFixture(t)
	setup(f, "cancelled")
	if n := f.clk.Pending(); n != 0 {
		t.Errorf("%d timers pending after cancel", n)
	}
	f.clk.Advance(time.Hour)
	if got := f.order("INV-1").Status; got != StatusCancelled {
		t.Errorf("status %s after validUpTo", got)
	}
	if n := len(f.merchant.notifies()); n != 0 {
		t.Errorf("%d notifies for a cancelled order", n)
	}
}

func TestRefundOrder_AnswersEveryCode(t *testing.T) {
	cases := []struct {
		name, setup, code string
		body              map[string]any
		refunded          string // total refunded afterwards
	}{
		{"full", "paid", "2005800", refundBody("INV-1", "RF-9", "10000.00"), "10000.00"},
		{"partial", "paid", "2005800", refundBody("INV-1", "RF-9", "2500.50"), "2500.50"},
		{"second partial to the limit", "refunded", "2005800", refundBody("INV-1", "RF-2", "6000.00"), "10000.00"},
		{"over the paid amount", "refunded", "4035802", refundBody("INV-1", "RF-2", "6000.01"), "4000.00"},
		{"identical retry", "refunded", "2005800", refundBody("INV-1", "RF-1", "4000.00"), "4000.00"},
		{"same refund no, other amount", "refunded", "4045818", refundBody("INV-1", "RF-1", "3000.00"), "4000.00"},
		{"unpaid", "init", "4045800", refundBody("INV-1", "RF-9", "1000.00"), "0.00"},
		{"expired", "expired", "4045800", refundBody("INV-1", "RF-9", "1000.00"), "0.00"},
		{"cancelled", "cancelled", "4045800", refundBody("INV-1", "RF-9", "1000.00"), "0.00"},
		{"unknown order", "none", "4045801", refundBody("INV-1", "RF-9", "1000.00"), ""},
		{"amount without decimals", "paid", "4005801", refundBody("INV-1", "RF-9", "10000"), "0.00"},
		{"refund no missing", "paid", "4005802", refBody("INV-1"), "0.00"},
		{"zero amount", "paid", "4005801", refundBody("INV-1", "RF-9", "0.00"), "0.00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			setup(f, tc.setup)
			status, res := f.post(pathOf(APIRefundOrder), tc.body)
			if res.Get("responseCode").Str != tc.code || status != httpStatus(tc.code) {
				t.Fatalf("HTTP %d %s, want %s", status, res.Raw, tc.code)
			}
			if tc.code == "2005800" && (res.Get("refundNo").Str == "" || res.Get("partnerRefundNo").Str == "" ||
				res.Get("refundAmount.value").Str != tc.body["refundAmount"].(map[string]any)["value"]) {
				t.Errorf("success body %s", res.Raw)
			}
			if tc.refunded != "" {
				if got := f.order("INV-1").Refunded; got != tc.refunded {
					t.Errorf("refunded %s, want %s", got, tc.refunded)
				}
			}
		})
	}
}

func TestRefundOrder_IdenticalRetryReturnsTheSameRefund(t *testing.T) {
	f := newFixture(t)
	setup(f, "paid")
	_, first := f.post(pathOf(APIRefundOrder), refundBody("INV-1", "RF-1", "4000.00"))
	f.clk.Advance(time.Minute)
	_, again := f.post(pathOf(APIRefundOrder), refundBody("INV-1", "RF-1", "4000.00"))
	if first.Get("refundNo").Str == "" || again.Get("refundNo").Str != first.Get("refundNo").Str ||
		again.Get("refundTime").Str != first.Get("refundTime").Str {
		t.Fatalf("first %s, retry %s", first.Raw, again.Raw)
	}
	if n := len(f.order("INV-1").Refunds); n != 1 {
		t.Errorf("%d refunds recorded", n)
	}
}

func TestRefundOrder_SignatureFailureIs4015800(t *testing.T) {
	f := newFixture(t)
	setup(f, "paid")
	req := f.request(pathOf(APIRefundOrder), mustJSON(t, refundBody("INV-1", "RF-1", "1.00")), "")
	req.Header.Set("X-SIGNATURE", req.Header.Get("X-SIGNATURE")[4:])
	if _, res, _ := f.serve(req); res.Get("responseCode").Str != "4015800" {
		t.Fatal(res.Raw)
	}
	if got := f.order("INV-1").Refunded; got != "0.00" {
		t.Errorf("unsigned refund applied: %s", got)
	}
}

func TestConsultPay_AnswersAsDANAFixturesShow(t *testing.T) {
	body := func() map[string]any {
		return map[string]any{"merchantId": testMerchant, "amount": map[string]any{"value": "10000.00", "currency": "IDR"},
			"additionalInfo": map[string]any{"envInfo": map[string]any{"sourcePlatform": "IPG", "terminalType": "SYSTEM"}}}
	}
	cases := []struct {
		name   string
		edit   func(map[string]any)
		header func(http.Header)
		code   string
	}{
		{name: "ok", code: "2005700"},
		{name: "empty merchantId", edit: edit("merchantId", ""), code: "4000001"},
		{name: "missing X-TIMESTAMP", header: del("X-TIMESTAMP"), code: "4000002"},
		{name: "bad signature", header: set("X-SIGNATURE", "abcde"), code: "4010000"},
		{name: "envInfo missing", edit: edit("additionalInfo.envInfo", deleteIt), code: "4000002"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			b := body()
			if tc.edit != nil {
				tc.edit(b)
			}
			req := f.request(pathOf(APIConsultPay), mustJSON(t, b), "")
			if tc.header != nil {
				tc.header(req.Header)
			}
			_, res, _ := f.serve(req)
			if res.Get("responseCode").Str != tc.code {
				t.Fatalf("%s, want %s", res.Raw, tc.code)
			}
			if tc.code == "2005700" && len(res.Get("paymentInfos").Array()) == 0 {
				t.Errorf("no paymentInfos: %s", res.Raw)
			}
		})
	}
}

package gopaymini

import (
	"fmt"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/snap"
)

// The payment book keeps the newest KeptPayments payments: the oldest is
// dropped from every index and its expiry timer stopped, so a long
// uatrun emulate session stays bounded, and its partnerReferenceNo can be
// used again.
func TestState_OrderBookIsBounded(t *testing.T) {
	f := newFixture(t, nil)
	body := paymentBody("P-1", "15000.00", "https://shop.example/notify", "https://shop.example/return")
	body["validUpTo"] = snap.FormatTimestamp(f.wall.Now().Add(time.Hour))
	if st, b := f.snapCall("/v1.0/debit/payment-host-to-host", body, nil); st != 200 {
		t.Fatalf("create: %d %s", st, b.Raw)
	}
	pending := f.clk.Pending() // the B2B token's and the payment's
	f.e.mu.Lock()
	first := f.e.st.payments.All()[0]
	for i := range KeptPayments {
		f.e.st.addPayment(&payment{partnerRef: fmt.Sprintf("FILL-%d", i), referenceNo: fmt.Sprintf("R-%d", i), status: StatusPending})
	}
	kept, byPartnerRef, byRef := f.e.st.payments.Len(), len(f.e.st.byPartnerRef), len(f.e.st.byRef)
	expiry, forgotten := first.expiry, first.forgotten
	f.e.mu.Unlock()
	if kept != KeptPayments || byPartnerRef != KeptPayments || byRef != KeptPayments || expiry != nil || !forgotten {
		t.Fatalf("kept %d payments, indexes %d/%d, first expiry %v forgotten %v", kept, byPartnerRef, byRef, expiry, forgotten)
	}
	if n := f.clk.Pending(); n != pending-1 {
		t.Errorf("%d timers pending, want %d: the dropped payment's expiry should be stopped", n, pending-1)
	}
	if d := f.e.Deliveries("P-1"); d != nil {
		t.Errorf("the dropped payment still answers: %v", d)
	}
	if st, b := f.snapCall("/v1.0/debit/status", map[string]any{"originalPartnerReferenceNo": "P-1", "serviceCode": "54"}, nil); st != 404 || b.Get("responseCode").Str != "4045501" {
		t.Errorf("status of the dropped payment: %d %s, want 404 4045501", st, b.Raw)
	}
	if n := len(f.e.Payments()); n != KeptPayments {
		t.Errorf("Payments lists %d", n)
	}
	if st, b := f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody("P-1", "20000.00", "", "https://shop.example/return"), nil); st != 200 {
		t.Fatalf("a forgotten partnerReferenceNo cannot be used again: %d %s", st, b.Raw)
	}
}

// Auth codes, user and B2B tokens, users, cashback references, reminders
// and X-EXTERNAL-IDs are each remembered up to their cap: the oldest is
// forgotten and answers as one never issued. Codes and tokens age on
// clock.Stamp, so they arm no timers.
func TestState_MemoriesAreBounded(t *testing.T) {
	f := newFixture(t, nil)
	userTok := f.login("budi")
	firstCode, err := f.e.IssueAuthCode("budi", "", false)
	if err != nil {
		t.Fatal(err)
	}
	f.token()
	pending := f.clk.Pending()
	for i := range KeptAuthCodes {
		if _, err := f.e.IssueAuthCode("budi", fmt.Sprintf("code-%d", i), false); err != nil {
			t.Fatal(err)
		}
	}
	// The login's code (already exchanged) and firstCode are dropped.
	if n := f.clk.Pending(); n != pending {
		t.Errorf("%d timers pending, want %d: auth codes arm no timers", n, pending)
	}
	if st, b := f.do("POST", "/v1/mini-apps/authorizations/token", basic(credential), `{"auth_code":"`+firstCode+`"}`); st != 400 ||
		b.Get("error.code").Str != "INVALID_AUTH_CODE" {
		t.Errorf("a forgotten auth code: %d %s, want 400 INVALID_AUTH_CODE", st, b.Raw)
	}
	f.e.mu.Lock()
	for i := range KeptUserTokens {
		f.e.st.tokens.Put(fmt.Sprintf("tok-%d", i), &user{})
	}
	for i := range KeptB2BTokens {
		f.e.st.b2b.Put(fmt.Sprintf("b2b-%d", i), &b2bToken{})
	}
	for i := range KeptUsers + 3 {
		f.e.st.userLocked(fmt.Sprintf("user-%d", i))
	}
	for i := range KeptCashbacks + 3 {
		f.e.st.cashbacks.Put(fmt.Sprint(i), &cashback{})
	}
	for i := range KeptReminders + 3 {
		f.e.st.reminders.Put(fmt.Sprint(i), "GP1")
	}
	for i := range KeptExternalIDs + 3 {
		f.e.st.extIDs.Use("P1", fmt.Sprint(i), i, f.e.wall.Now(), f.e.clk)
	}
	sizes := []int{f.e.st.tokens.Len(), f.e.st.b2b.Len(), f.e.st.users.Len(), f.e.st.cashbacks.Len(), f.e.st.reminders.Len(), f.e.st.extIDs.Len()}
	_, oldID := f.e.st.extIDs.Use("P1", "0", 0, f.e.wall.Now(), f.e.clk)
	f.e.mu.Unlock()
	if want := []int{KeptUserTokens, KeptB2BTokens, KeptUsers, KeptCashbacks, KeptReminders, KeptExternalIDs}; fmt.Sprint(sizes) != fmt.Sprint(want) || oldID {
		t.Errorf("remembered %v, want %v; the oldest X-EXTERNAL-ID still: %v", sizes, want, oldID)
	}
	if st, b := f.do("GET", "/v1/mini-apps/profile", bearer(userTok), ""); st != 401 {
		t.Errorf("a forgotten user token: %d %s, want 401", st, b.Raw)
	}
	if st, b := f.snapCall("/v1.0/debit/status", map[string]any{"originalPartnerReferenceNo": "P-1", "serviceCode": "54"}, nil); st != 401 ||
		b.Get("responseCode").Str != "4015501" {
		t.Errorf("a forgotten B2B token: %d %s, want 401 4015501", st, b.Raw)
	}
}

// One payment takes at most MaxRefunds refunds; the next is refused and
// nothing is refunded.
func TestRefund_AtMostMaxRefundsPerPayment(t *testing.T) {
	f := newFixture(t, nil)
	if st, b := f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody("P-1", "15000.00", "", "https://shop.example/return"), nil); st != 200 {
		t.Fatalf("create: %d %s", st, b.Raw)
	}
	f.e.mu.Lock()
	p := f.e.st.byPartnerRef["P-1"]
	p.status = StatusPaid
	for i := range MaxRefunds {
		p.refunds[fmt.Sprintf("RF-%d", i)] = &refund{value: "1.00", cents: 100}
		p.refunded += 100
	}
	f.e.mu.Unlock()
	refund := func(no string) (int, string) {
		st, b := f.snapCall("/v1.0/debit/refund", map[string]any{"originalPartnerReferenceNo": "P-1", "partnerRefundNo": no,
			"refundAmount": map[string]any{"value": "1.00", "currency": "IDR"}}, nil)
		return st, b.Get("responseCode").Str
	}
	if st, c := refund("RF-0"); st != 200 || c != "2005800" {
		t.Errorf("a retried refund: %d %s, want 2005800", st, c)
	}
	if st, c := refund("RF-NEW"); st != 403 || c != "4035800" {
		t.Errorf("refund past the cap: %d %s, want 403 4035800", st, c)
	}
	f.e.mu.Lock()
	n, refunded := len(p.refunds), p.refunded
	f.e.mu.Unlock()
	if n != MaxRefunds || refunded != int64(MaxRefunds)*100 {
		t.Errorf("%d refunds totalling %d cents", n, refunded)
	}
}

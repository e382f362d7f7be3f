package midtrans

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Cancel, expire and refund through the Core API are followed by a
// notification (cancel and refund carry status_code 200), sent
// EventNotifyDelay later on the test clock.
func TestCoreCalls_AreFollowedByNotifications(t *testing.T) {
	tests := []struct {
		name, path, body, payType string
		paid                      bool
		wantStatus, wantCode      string
	}{
		{"cancel", "/v2/N-1/cancel", "", "bank_transfer", false, StatusCancel, "200"},
		{"expire", "/v2/N-1/expire", "", "bank_transfer", false, StatusExpire, "202"},
		{"refund", "/v2/N-1/refund", `{"refund_key":"k","amount":10000}`, "credit_card", true, StatusRefund, "200"},
		{"partial direct refund", "/v2/N-1/refund/online/direct", `{"refund_key":"k","amount":4000}`, "qris", true, StatusPartialRefund, "200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.create("N-1", 10000)
			f.choose("N-1", tc.payType)
			if tc.paid {
				f.act(actPay, "N-1", map[string]string{"notify": "drop"})
				if tc.payType == "credit_card" {
					f.act(actPay, "N-1", map[string]string{"notify": "drop"}) // settle the capture
				}
			}
			if st, m, _ := f.call(http.MethodPost, tc.path, tc.body); st != http.StatusOK {
				t.Fatalf("HTTP %d %v", st, m)
			}
			if n := len(f.hook.received()); n != 0 {
				t.Fatalf("notified before the delay: %d", n)
			}
			f.clk.Advance(DefaultEventNotifyDelay)
			got := f.hook.received()
			if len(got) != 1 || got[0]["transaction_status"] != tc.wantStatus || got[0]["status_code"] != tc.wantCode ||
				got[0]["signature_key"] != signWith(testKey, "N-1", tc.wantCode, "10000.00") {
				t.Fatalf("notification %v", got)
			}
		})
	}
}

// Until a method is chosen a Snap order_id can be given a new token (the
// old one stops working); once chosen it is refused. A token that lapses
// unchosen sends nothing: the Core API never knew it.
func TestSnap_OrderIDBeforeAndAfterAMethodIsChosen(t *testing.T) {
	f := newFixture(t)
	f.create("O-1", 10000)
	old := f.emu.Transactions()[0].Token
	f.create("O-1", 12000)
	if v := f.emu.Transactions(); len(v) != 1 || v[0].Token == old || v[0].GrossAmount != "12000.00" {
		t.Fatalf("re-created: %+v", v)
	}
	if _, ok := f.emu.transactionView(old); ok {
		t.Fatal("the old token still resolves")
	}
	f.choose("O-1", "gopay")
	body := `{"transaction_details":{"order_id":"O-1","gross_amount":10000}}`
	if st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", body); st != http.StatusBadRequest ||
		!strings.Contains(toStrings(m["error_messages"].([]any))[0], "sudah digunakan") {
		t.Fatalf("after choose: HTTP %d %v", st, m)
	}
	f.create("O-2", 10000)
	f.clk.Advance(DefaultExpiry)
	if ds := f.emu.Deliveries("O-2"); len(ds) != 0 {
		t.Fatalf("an unchosen Snap token's lapse notified: %+v", ds)
	}
	if _, err := f.emu.Act(t.Context(), actionOf(actPay, "O-2", nil)); !isStateErr(err) {
		t.Fatalf("paid a lapsed token: %v", err)
	}
}

// One Snap order can be denied, then paid with another method in the same
// session; a card capture can be challenged, then accepted or denied.
func TestLifecycle_DenyThenSettleAndChallenge(t *testing.T) {
	f := newFixture(t)
	f.create("D-1", 10000)
	f.choose("D-1", "credit_card")
	first := f.emu.Transactions()[0].TransactionID
	f.act(actDeny, "D-1", nil)
	f.act(actPay, "D-1", map[string]string{"payment_type": "bank_transfer"})
	got := f.hook.received()
	if len(got) != 2 || got[0]["transaction_status"] != StatusDeny || got[0]["status_code"] != "202" ||
		got[1]["transaction_status"] != StatusSettlement || got[1]["transaction_id"] == first {
		t.Fatalf("deny then settle: %v", got)
	}

	f.create("C-1", 10000)
	f.act(actChallenge, "C-1", nil)
	f.act(actAccept, "C-1", nil)
	got = f.hook.received()[2:]
	if len(got) != 2 || got[0]["transaction_status"] != StatusCapture || got[0]["fraud_status"] != FraudChallenge ||
		got[0]["status_code"] != "201" || got[0]["payment_type"] != "credit_card" ||
		got[1]["fraud_status"] != FraudAccept || got[1]["status_code"] != "200" {
		t.Fatalf("challenge then accept: %v", got)
	}
	f.create("C-2", 10000)
	f.act(actChallenge, "C-2", map[string]string{"notify": "drop"})
	f.act(actDeny, "C-2", nil)
	if last := f.hook.received()[4]; last["transaction_status"] != StatusDeny || last["fraud_status"] != FraudDeny {
		t.Fatalf("challenge then deny: %v", last)
	}
	if _, err := f.emu.Act(t.Context(), actionOf(actAccept, "D-1", nil)); !isStateErr(err) {
		t.Fatalf("accepted a settled transaction: %v", err)
	}
	f.clk.Advance(time.Hour)
}

// A crafted notification's evidence says how the merchant handled it:
// rejected, or acknowledged after re-querying the status API.
func TestCrafted_EvidenceRecordsTheMerchantsHandling(t *testing.T) {
	f := newFixture(t)
	f.create("H-1", 10000)
	f.choose("H-1", "gopay")
	f.hook.status.Store(http.StatusUnauthorized)
	d := f.act(actNotify, "H-1", map[string]string{"variant": "wrong_signature"}).Deliveries[0]
	if n := strings.Join(d.Exchange.Notes, " "); !strings.Contains(n, "rejected (HTTP 401)") {
		t.Fatalf("notes %q", n)
	}
	requery := newHook(t)
	requery.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.call(http.MethodGet, "/v2/H-1/status", "")
		w.WriteHeader(http.StatusOK)
	})
	if err := f.emu.SetDashboard(Settings{NotifyURL: requery.srv.URL + "/n"}); err != nil {
		t.Fatal(err)
	}
	d = f.act(actNotify, "H-1", map[string]string{"variant": "missing_signature"}).Deliveries[0]
	if n := strings.Join(d.Exchange.Notes, " "); !strings.Contains(n, "acknowledged (HTTP 200) and re-queried the Get Status API 1 time(s)") ||
		!strings.Contains(n, "last answer: pending") {
		t.Fatalf("notes %q", n)
	}
}

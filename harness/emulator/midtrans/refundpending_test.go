package midtrans

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/midtrans/midtrans-go/coreapi"

	"github.com/uatrun/uatrun/harness/emulator"
)

// A refund answered pending (status_code 201) moves no money and leaves
// the transaction settled; it holds its amount, a retry with its
// refund_key answers it again, and settle_after later on the test clock
// it settles: the state moves and the partial_refund notification
// (status_code 200, refund_amount and refunds[]) is sent.
func TestRefund_PendingSettlesOnTheTestClockWithItsNotification(t *testing.T) {
	f := newFixture(t)
	f.create("P-1", 10000)
	f.choose("P-1", "gopay")
	f.act(actPay, "P-1", map[string]string{"notify": "drop"})
	f.act(actRefundPending, "P-1", map[string]string{"settle_after": "1h"})

	st, m, _ := f.call(http.MethodPost, "/v2/P-1/refund", `{"refund_key":"k1","amount":4000}`)
	if st != http.StatusOK || m["status_code"] != "201" || m["transaction_status"] != StatusSettlement ||
		m["refund_amount"] != "4000.00" || m["refund_key"] != "k1" || m["refund_chargeback_id"] == nil {
		t.Fatalf("pending refund answer: HTTP %d %v", st, m)
	}
	if _, s, _ := f.call(http.MethodGet, "/v2/P-1/status", ""); s["transaction_status"] != StatusSettlement || s["refunds"] != nil || s["refund_amount"] != nil {
		t.Fatalf("status while the refund is pending: %v", s)
	}
	// The pending 4000 is held: 7000 more exceeds what remains.
	if st, m, _ := f.call(http.MethodPost, "/v2/P-1/refund", `{"refund_key":"k2","amount":7000}`); st != 414 {
		t.Fatalf("refund above what remains besides the pending one: HTTP %d %v", st, m)
	}
	if _, m, _ := f.call(http.MethodPost, "/v2/P-1/refund", `{"refund_key":"k1","amount":4000}`); m["status_code"] != "201" {
		t.Fatalf("retry of the pending refund: %v", m)
	}

	f.clk.Advance(DefaultEventNotifyDelay)
	if got := f.hook.received(); len(got) != 0 {
		t.Fatalf("notified before the refund settled: %v", got)
	}
	f.clk.Advance(time.Hour)
	got := f.hook.received()
	if len(got) != 1 || got[0]["transaction_status"] != StatusPartialRefund || got[0]["status_code"] != "200" ||
		got[0]["refund_amount"] != "4000.00" || got[0]["signature_key"] != signWith(testKey, "P-1", "200", "10000.00") {
		t.Fatalf("notification after settling: %v", got)
	}
	if rs, _ := got[0]["refunds"].([]any); len(rs) != 1 || rs[0].(map[string]any)["refund_key"] != "k1" {
		t.Fatalf("notification refunds[]: %v", got[0]["refunds"])
	}
	if _, s, _ := f.call(http.MethodGet, "/v2/P-1/status", ""); s["transaction_status"] != StatusPartialRefund || s["refund_amount"] != "4000.00" {
		t.Fatalf("status after settling: %v", s)
	}
	if _, m, _ := f.call(http.MethodPost, "/v2/P-1/refund", `{"refund_key":"k1","amount":4000}`); m["status_code"] != "200" || m["transaction_status"] != StatusPartialRefund {
		t.Fatalf("retry after settling: %v", m)
	}
	if v, _ := f.emu.transactionView("P-1"); v.Refunded != "4000.00" || len(v.Refunds) != 1 || v.Refunds[0].Pending {
		t.Fatalf("view %+v", v)
	}
}

// Without settle_after a pending refund waits for refund_settle, which
// moves the money and delivers the notification at once; midtrans-go
// takes the 201 answer as a success (no error), so only its status_code
// says the refund is not done.
func TestRefund_PendingSettledByActionAndDecodedByTheRealClient(t *testing.T) {
	f := newFixture(t)
	_, cc := f.clients(testKey)
	f.create("P-2", 15000)
	f.choose("P-2", "credit_card")
	f.act(actPay, "P-2", map[string]string{"notify": "drop"})
	f.act(actPay, "P-2", map[string]string{"notify": "drop"}) // the card capture settles
	f.act(actRefundPending, "P-2", nil)

	ref, err := cc.RefundTransaction("P-2", &coreapi.RefundReq{RefundKey: "P-2-r1", Amount: 15000, Reason: "returned"})
	if err != nil || ref.StatusCode != "201" || ref.TransactionStatus != StatusSettlement || ref.RefundAmount != "15000.00" {
		t.Fatalf("RefundTransaction: %+v, %v", ref, err)
	}
	lossless(t, "pending refund", f.lastAnswer(APIRefund), ref)
	if v, _ := f.emu.transactionView("P-2"); len(v.Refunds) != 1 || !v.Refunds[0].Pending || v.Refunded != "0.00" {
		t.Fatalf("view while pending %+v", v)
	}

	f.clk.Advance(48 * time.Hour)
	if got := f.hook.received(); len(got) != 0 {
		t.Fatalf("a pending refund without settle_after settled by itself: %v", got)
	}
	res := f.act(actRefundSettle, "P-2", nil)
	got := f.hook.received()
	if len(res.Deliveries) != 1 || !res.Deliveries[0].Acked || len(got) != 1 ||
		got[0]["transaction_status"] != StatusRefund || got[0]["status_code"] != "200" || got[0]["refund_amount"] != "15000.00" {
		t.Fatalf("refund_settle: %+v; notifications %v", res, got)
	}
	if st, err := cc.CheckTransaction("P-2"); err != nil || st.TransactionStatus != StatusRefund || len(st.Refunds) != 1 {
		t.Fatalf("status after refund_settle: %+v, %v", st, err)
	}
	// Nothing left to settle: refused for the state, not a silent success.
	if _, err := f.emu.Act(context.Background(), actionOf(actRefundSettle, "P-2", nil)); !errors.Is(err, emulator.ErrOrderState) {
		t.Fatalf("second refund_settle: %v", err)
	}
}

func TestRefundPending_RefusesBadParams(t *testing.T) {
	f := newFixture(t)
	f.create("P-3", 10000)
	for _, p := range []map[string]string{{"settle_after": "soon"}, {"settle_after": "-1h"}, {"count": "0"}, {"amount": "1"}} {
		if _, err := f.emu.Act(context.Background(), actionOf(actRefundPending, "P-3", p)); err == nil {
			t.Errorf("refund_pending %v accepted", p)
		}
	}
	if _, err := f.emu.Act(context.Background(), actionOf(actRefundSettle, "P-3", map[string]string{"notify": "later"})); err == nil {
		t.Error("refund_settle notify=later accepted")
	}
}

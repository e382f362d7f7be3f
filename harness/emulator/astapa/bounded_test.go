package astapa

import (
	"fmt"
	"net/http"
	"testing"
)

// The payment book keeps the newest KeptPayments payments: the oldest is
// dropped from every index and its expiry timer stopped, so a long
// uatrun emulate session stays bounded, and its order_id can be used again.
func TestState_OrderBookIsBounded(t *testing.T) {
	f := newFixture(t)
	if st, m := f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil)); st != http.StatusOK {
		t.Fatalf("create: HTTP %d %v", st, m)
	}
	f.emu.mu.Lock()
	first := f.emu.st.payments.All()[0]
	for i := range KeptPayments {
		f.emu.st.add(&payment{orderID: fmt.Sprintf("FILL-%d", i), purchaseID: fmt.Sprintf("pur_%d", i), status: StatusPending})
	}
	kept, byOrder, byPurchase := f.emu.st.payments.Len(), len(f.emu.st.byOrder), len(f.emu.st.byPurchase)
	expiry, forgotten := first.expiry, first.forgotten
	f.emu.mu.Unlock()
	if kept != KeptPayments || byOrder != KeptPayments || byPurchase != KeptPayments || expiry != nil || !forgotten {
		t.Fatalf("kept %d payments, indexes %d/%d, first expiry %v forgotten %v", kept, byOrder, byPurchase, expiry, forgotten)
	}
	if n := f.clk.Pending(); n != 0 {
		t.Errorf("%d timers still pending; the dropped payment's expiry should be stopped", n)
	}
	if d := f.emu.Deliveries("A-1"); d != nil {
		t.Errorf("the dropped payment still answers: %v", d)
	}
	if st, _ := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); st != http.StatusNotFound {
		t.Errorf("verify of the dropped payment: HTTP %d, want 404", st)
	}
	if n := len(f.emu.Payments()); n != KeptPayments {
		t.Errorf("Payments lists %d", n)
	}
	if st, m := f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil)); st != http.StatusOK {
		t.Fatalf("a forgotten order_id cannot be used again: HTTP %d %v", st, m)
	}
	if n := len(f.emu.Payments()); n != KeptPayments {
		t.Errorf("after one more create, Payments lists %d", n)
	}
}

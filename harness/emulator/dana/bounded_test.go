package dana

import (
	"fmt"
	"testing"
)

// The order book keeps the newest KeptOrders orders: the oldest is
// forgotten from every index, so neither a lookup nor the control API
// finds it, and its expiry timer is stopped.
func TestState_OrderBookIsBounded(t *testing.T) {
	f := newFixture(t)
	first := f.create("INV-FIRST", "10000.00")
	if first.Get("responseCode").Str != "2005400" {
		t.Fatalf("create: %s", first.Raw)
	}
	f.e.mu.Lock()
	firstOrder := f.e.st.orders.All()[0]
	for i := range KeptOrders {
		o := &order{merchantID: testMerchant, partnerRef: fmt.Sprintf("FILL-%d", i), referenceNo: fmt.Sprintf("R-%d", i)}
		f.e.st.orders.Push(o)
		f.e.st.byKey[key(o.merchantID, o.partnerRef)] = o
		f.e.st.byRef[o.referenceNo] = o
	}
	kept, byKey, byRef, expiry := f.e.st.orders.Len(), len(f.e.st.byKey), len(f.e.st.byRef), firstOrder.expiry
	f.e.mu.Unlock()
	if kept != KeptOrders || byKey != KeptOrders || byRef != KeptOrders || expiry != nil {
		t.Fatalf("kept %d orders, indexes %d/%d, first expiry %v", kept, byKey, byRef, expiry)
	}
	if d := f.e.Deliveries("INV-FIRST"); d != nil {
		t.Errorf("the dropped order still answers: %v", d)
	}
	if len(f.e.Orders()) != KeptOrders {
		t.Errorf("Orders lists %d", len(f.e.Orders()))
	}
}

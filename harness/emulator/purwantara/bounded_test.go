package purwantara

import (
	"fmt"
	"net/http"
	"testing"
)

// The transaction book keeps the newest KeptTransactions transactions: the
// oldest is dropped from every index and its expiry timer stopped, so a
// long uatrun emulate session stays bounded, and its reference can be
// used again.
func TestState_OrderBookIsBounded(t *testing.T) {
	f := newFixture(t, noCreateHook)
	uuid := f.mustCreate("virtual-account", validBodies["virtual-account"])
	f.e.mu.Lock()
	first := f.e.st.txs.All()[0]
	ch := first.ch
	for i := range KeptTransactions {
		f.e.st.add(&tx{uuid: fmt.Sprintf("U-%d", i), ref: fmt.Sprintf("FILL-%d", i), ch: ch, status: StatusActive})
	}
	kept, byUUID, byRef := f.e.st.txs.Len(), len(f.e.st.byUUID), len(f.e.st.byRef)
	expiry, forgotten := first.expiry, first.forgotten
	f.e.mu.Unlock()
	if kept != KeptTransactions || byUUID != KeptTransactions || byRef != KeptTransactions || expiry != nil || !forgotten {
		t.Fatalf("kept %d transactions, indexes %d/%d, first expiry %v forgotten %v", kept, byUUID, byRef, expiry, forgotten)
	}
	if n := f.clk.Pending(); n != 0 {
		t.Errorf("%d timers still pending; the dropped transaction's expiry should be stopped", n)
	}
	if d := f.e.Deliveries(uuid); d != nil {
		t.Errorf("the dropped transaction still answers: %v", d)
	}
	if st, res := f.do(http.MethodGet, "/v1/virtual-account/inquiry/"+uuid, ""); st != http.StatusNotFound {
		t.Errorf("inquiry of the dropped transaction: HTTP %d %s, want 404", st, res.Raw)
	}
	if n := len(f.e.Transactions()); n != KeptTransactions {
		t.Errorf("Transactions lists %d", n)
	}
	f.mustCreate("virtual-account", validBodies["virtual-account"]) // VA-1 is forgotten, so free again
	if n := len(f.e.Transactions()); n != KeptTransactions {
		t.Errorf("after one more create, Transactions lists %d", n)
	}
}

package danawidget

import (
	"fmt"
	"testing"
	"time"
)

// The order book keeps the newest KeptOrders orders: the oldest is
// dropped from every index and its expiry timer stopped, so a long
// uatrun emulate session stays bounded.
func TestState_OrderBookIsBounded(t *testing.T) {
	r := newRig(t)
	e := r.e
	e.mu.Lock()
	first := &order{merchantID: "M1", partnerRef: "INV-FIRST", referenceNo: "R-FIRST", status: StatusInit}
	first.expiry = e.clk.AfterFunc(time.Hour, func() { e.expire(first) })
	e.st.addOrder(first)
	for i := range KeptOrders {
		e.st.addOrder(&order{merchantID: "M1", partnerRef: fmt.Sprintf("FILL-%d", i), referenceNo: fmt.Sprintf("R-%d", i)})
	}
	kept, byKey, byRef := e.st.orders.Len(), len(e.st.byKey), len(e.st.byRef)
	expiry, forgotten := first.expiry, first.forgotten
	_, lookupErr := e.st.lookup("INV-FIRST")
	e.mu.Unlock()
	if kept != KeptOrders || byKey != KeptOrders || byRef != KeptOrders || expiry != nil || !forgotten || lookupErr == nil {
		t.Fatalf("kept %d orders, indexes %d/%d, first expiry %v forgotten %v, lookup %v", kept, byKey, byRef, expiry, forgotten, lookupErr)
	}
	if n := r.clk.Pending(); n != 0 {
		t.Errorf("%d timers pending; the dropped order's expiry should be stopped", n)
	}
	if d := e.Deliveries("INV-FIRST"); d != nil {
		t.Errorf("the dropped order still answers: %v", d)
	}
	if n := len(e.Orders()); n != KeptOrders {
		t.Errorf("Orders lists %d", n)
	}
}

// Bindings (with their tokens), users, authCodes, OTTs, held redirects
// and X-EXTERNAL-IDs are each remembered up to their cap, the newest
// kept; a binding remembers its last KeptPastTokens replaced tokens.
func TestState_MemoriesAreBounded(t *testing.T) {
	r := newRig(t)
	tok := r.bind("081234567890")
	access := tok.Get("accessToken").Str
	if access == "" {
		t.Fatalf("bind: %s", tok.Raw)
	}
	e := r.e
	e.mu.Lock()
	b := e.st.byAccess[access]
	for range KeptPastTokens + 3 {
		e.rotateLocked(b, e.clk.Now())
	}
	pastA, pastR, idxA, idxR := len(b.pastAccess), len(b.pastRefresh), len(e.st.byAccess), len(e.st.byRefr)
	_, firstStill := e.st.byAccess[access]
	for i := range KeptBindings {
		fill := &binding{id: fmt.Sprintf("F%d", i)}
		e.st.bindings.Push(fill)
		e.st.rotate(fill, fmt.Sprintf("a-%d", i), fmt.Sprintf("r-%d", i))
	}
	bindings, afterA, afterR := e.st.bindings.Len(), len(e.st.byAccess), len(e.st.byRefr)
	for i := range KeptUsers + 3 {
		e.st.userFor(fmt.Sprintf("09%010d", i))
	}
	for i := range KeptAuthCodes + 3 {
		e.st.codes.Put(fmt.Sprint(i), &authCode{})
	}
	for i := range KeptOTTs + 3 {
		e.st.otts.Put(fmt.Sprint(i), &ott{})
	}
	for i := range KeptHeldRedirects + 3 {
		e.st.hold(heldRedirect{target: fmt.Sprint(i)})
	}
	for i := range KeptExternalIDs + 3 {
		e.st.extIDs.Use("P1", fmt.Sprint(i), i, e.wall.Now(), e.clk)
	}
	sizes := []int{e.st.users.Len(), e.st.codes.Len(), e.st.otts.Len(), len(e.st.held), e.st.extIDs.Len()}
	oldestHeld := e.st.held[0].target
	e.mu.Unlock()
	if pastA != KeptPastTokens || pastR != KeptPastTokens || idxA != KeptPastTokens+1 || idxR != KeptPastTokens+1 || firstStill {
		t.Errorf("after rotations: past %d/%d, indexed %d/%d, the first access token still indexed: %v", pastA, pastR, idxA, idxR, firstStill)
	}
	if bindings != KeptBindings || afterA != KeptBindings || afterR != KeptBindings {
		t.Errorf("kept %d bindings, %d/%d tokens indexed; want %d each", bindings, afterA, afterR, KeptBindings)
	}
	if want := []int{KeptUsers, KeptAuthCodes, KeptOTTs, KeptHeldRedirects, KeptExternalIDs}; fmt.Sprint(sizes) != fmt.Sprint(want) || oldestHeld != "3" {
		t.Errorf("remembered %v, want %v; oldest held redirect %q", sizes, want, oldestHeld)
	}
	if n := len(e.Bindings()); n != KeptBindings {
		t.Errorf("Bindings lists %d", n)
	}
}

package dana

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// X-EXTERNAL-ID is taken for a day on each scenario's own test clock
// (clock.Stamp): a scenario that moves its clock a day on may reuse an id,
// while a scenario running beside it, whose clock did not move, still sees
// the reuse. Before, the memory followed one clock for every scenario.
func TestExternalID_ReuseIsJudgedOnEachScenariosClock(t *testing.T) {
	wall := clock.NewFake(start)
	clocks := clock.NewTestClocks(wall)
	f := newFixture(t, func(o *Options) { o.Clock, o.Wall = clocks, wall })
	a, b := clocks.New(), clocks.New()
	send := func(sc *clock.Fake, ref string) []string {
		t.Helper()
		clocks.Use(sc)
		req := f.request(pathOf(APICreateOrder), mustJSON(t, f.createBody(ref, "10000.00")), snap.FormatTimestamp(wall.Now()))
		req.Header.Set("X-EXTERNAL-ID", "sdk-fixed")
		if _, res, _ := f.serve(req); res.Get("responseCode").Str != "2005400" {
			t.Fatalf("create %s: %s", ref, res.Raw)
		}
		calls := f.e.Calls(APICreateOrder)
		return calls[len(calls)-1].Violations
	}
	if v := send(a, "INV-A1"); len(v) != 0 {
		t.Fatalf("first use recorded %q", v)
	}
	if v := send(b, "INV-B1"); len(v) != 1 || !strings.Contains(v[0], "reused within the day") {
		t.Fatalf("scenario B reusing A's id the same day: violations %q, want the reuse", v)
	}
	a.Advance(24*time.Hour + time.Minute)
	if v := send(a, "INV-A2"); len(v) != 0 {
		t.Errorf("scenario A, a day on by its own clock: violations %q, want none", v)
	}
	if v := send(b, "INV-B2"); len(v) != 1 {
		t.Errorf("scenario B, whose clock did not move: violations %q, want the reuse (A's move must not leak)", v)
	}
}

// The replay variant resends the first genuine notify of an order byte for
// byte, headers included, so it verifies; before any notify it is refused.
func TestNotify_ReplayResendsTheFirstNotifyUnchanged(t *testing.T) {
	f := newFixture(t)
	f.create("INV-RP", "10000.00")
	if _, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: "INV-RP",
		Params: map[string]string{"variant": bisnap.VariantReplay}}); err == nil || !strings.Contains(err.Error(), "no finish notify") {
		t.Fatalf("replay before any notify: %v", err)
	}
	f.act(actPay, "INV-RP", nil)
	f.clk.Advance(time.Hour)
	res := f.act(actNotify, "INV-RP", map[string]string{"variant": bisnap.VariantReplay})
	if len(res.Deliveries) != 1 || res.Deliveries[0].Variant != bisnap.VariantReplay || !res.Deliveries[0].Acked {
		t.Fatalf("deliveries %+v", res.Deliveries)
	}
	got := f.merchant.notifies()
	if len(got) != 2 {
		t.Fatalf("merchant got %d notifies, want the original and its replay", len(got))
	}
	first, again := got[0], got[1]
	if string(first.Body) != string(again.Body) || again.SigError != nil {
		t.Errorf("replay body %s (signature error %v), want %s, verifying", again.Body, again.SigError, first.Body)
	}
	for _, h := range []string{"X-TIMESTAMP", "X-SIGNATURE", "X-EXTERNAL-ID"} {
		if first.Header.Get(h) != again.Header.Get(h) {
			t.Errorf("replay %s %q, first notify %q", h, again.Header.Get(h), first.Header.Get(h))
		}
	}
	if f.order("INV-RP").Status != StatusSuccess {
		t.Errorf("a replay changed the order: %s", f.order("INV-RP").Status)
	}
}

// other_order_signature with from sends this order's true body under the
// headers of the notify DANA really sent for the other order: a signature
// the merchant has already seen verify, which does not verify here.
func TestNotify_OtherOrderSignatureFromARealOrder(t *testing.T) {
	f := newFixture(t)
	f.create("INV-A", "10000.00")
	f.create("INV-B", "10000.00")
	params := map[string]string{"variant": bisnap.VariantOtherOrder, "from": "INV-B"}
	if _, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: "INV-A", Params: params}); err == nil ||
		!strings.Contains(err.Error(), "pay it first") {
		t.Fatalf("before B's notify: %v", err)
	}
	for _, bad := range []map[string]string{{"variant": "valid", "from": "INV-B"}, {"variant": bisnap.VariantOtherOrder, "from": "INV-A"}} {
		if _, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: "INV-A", Params: bad}); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	f.act(actPay, "INV-B", nil)
	res := f.act(actNotify, "INV-A", params)
	if len(res.Deliveries) != 1 || res.Deliveries[0].Order != "INV-A" || res.Deliveries[0].Variant != bisnap.VariantOtherOrder {
		t.Fatalf("deliveries %+v", res.Deliveries)
	}
	got := f.merchant.notifies()
	if len(got) != 2 {
		t.Fatalf("merchant got %d notifies", len(got))
	}
	b, forged := got[0], got[1]
	if !strings.Contains(string(forged.Body), `"originalPartnerReferenceNo":"INV-A"`) || forged.SigError == nil {
		t.Errorf("forged notify %s verifies (%v); want A's body, not verifying", forged.Body, forged.SigError)
	}
	for _, h := range []string{"X-TIMESTAMP", "X-SIGNATURE", "X-EXTERNAL-ID"} {
		if b.Header.Get(h) != forged.Header.Get(h) {
			t.Errorf("%s %q, B's notify had %q", h, forged.Header.Get(h), b.Header.Get(h))
		}
	}
	if f.order("INV-A").Status != StatusInit {
		t.Errorf("order A %s", f.order("INV-A").Status)
	}
}

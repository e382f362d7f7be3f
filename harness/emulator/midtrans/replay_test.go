package midtrans

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
)

// other_order_signature carries the signature_key Midtrans computed for
// another order: exactly what that order's genuine notification of the
// same kind carried, and invalid for this one.
func TestVariant_OtherOrderSignatureCopiesTheOtherOrdersGenuineKey(t *testing.T) {
	f := newFixture(t)
	f.create("A-1", 10000)
	f.act(actPay, "A-1", map[string]string{"payment_type": "gopay"})
	f.create("B-1", 10000)
	f.choose("B-1", "gopay")
	res := f.act(actNotify, "B-1", map[string]string{"variant": "other_order_signature", "signature_from": "A-1"})
	if len(res.Deliveries) != 1 || res.Deliveries[0].Exchange.Signature.Valid {
		t.Fatalf("deliveries %+v", res.Deliveries)
	}
	got := f.hook.received()
	genuine, forged := got[0], got[1]
	if forged["order_id"] != "B-1" || forged["transaction_status"] != "settlement" || forged["signature_key"] != genuine["signature_key"] {
		t.Fatalf("forged %v; A-1's genuine signature_key %v", forged, genuine["signature_key"])
	}
	if _, m, _ := f.call(http.MethodGet, "/v2/B-1/status", ""); m["transaction_status"] != "pending" {
		t.Fatalf("a crafted notification changed the state: %v", m)
	}
	for _, p := range []map[string]string{{}, {"signature_from": "B-1"}, {"signature_from": "nope"}} {
		p["variant"] = "other_order_signature"
		if _, err := f.emu.Act(context.Background(), actionOf(actNotify, "B-1", p)); err == nil {
			t.Errorf("signature_from %q: no error", p["signature_from"])
		}
	}
}

// replay resends a notification the merchant already received, byte for
// byte, whatever the transaction has become since; one that never reached
// the merchant cannot be replayed.
func TestVariant_ReplayResendsWhatTheMerchantAlreadyReceived(t *testing.T) {
	f := newFixture(t)
	f.create("R-1", 15000)
	f.act(actChoose, "R-1", map[string]string{"payment_type": "gopay"})
	f.act(actPay, "R-1", nil)
	if st, m, _ := f.call(http.MethodPost, "/v2/R-1/refund", `{"refund_key":"k1","amount":15000}`); st != http.StatusOK {
		t.Fatalf("refund: %d %v", st, m)
	}
	f.clk.Advance(DefaultEventNotifyDelay)
	f.hook.mu.Lock()
	pending, settled := f.hook.bodies[0], f.hook.bodies[1]
	f.hook.mu.Unlock()
	for status, want := range map[string][]byte{"settlement": settled, "pending": pending} {
		res := f.act(actNotify, "R-1", map[string]string{"variant": "replay", "status": status})
		if len(res.Deliveries) != 1 || !res.Deliveries[0].Exchange.Signature.Valid || !res.Deliveries[0].Acked {
			t.Fatalf("%s: deliveries %+v", status, res.Deliveries)
		}
		f.hook.mu.Lock()
		last := f.hook.bodies[len(f.hook.bodies)-1]
		f.hook.mu.Unlock()
		if !bytes.Equal(last, want) {
			t.Errorf("%s replay sent %s, want the earlier %s", status, last, want)
		}
	}
	if _, m, _ := f.call(http.MethodGet, "/v2/R-1/status", ""); m["transaction_status"] != "refund" {
		t.Fatalf("a replay changed the state: %v", m)
	}
	f.create("D-1", 15000)
	f.act(actPay, "D-1", map[string]string{"notify": "drop"})
	_, err := f.emu.Act(context.Background(), actionOf(actNotify, "D-1", map[string]string{"variant": "replay"}))
	if !errors.Is(err, emulator.ErrOrderState) {
		t.Fatalf("replaying a dropped notification: %v, want a state error", err)
	}
}

// A transaction lives on its scenario's test clock: a merchant's call for
// it made while another scenario's clock is current (a queue refunding a
// moment later) arms the refund notification on the transaction's own
// clock, so only its scenario's clock move sends it, and another
// scenario's clock move leaks nothing into it.
func TestTransaction_TimersStayOnItsScenariosClock(t *testing.T) {
	clocks := clock.NewTestClocks(clock.NewFake(testStart))
	a, b := clocks.New(), clocks.New()
	clocks.Use(a)
	f := newFixture(t, func(o *Options) { o.Clock = clocks })
	f.create("OWN-1", 15000)
	f.act(actPay, "OWN-1", map[string]string{"payment_type": "gopay"})
	clocks.Use(b)
	if st, m, _ := f.call(http.MethodPost, "/v2/OWN-1/refund", `{"refund_key":"q1","amount":15000}`); st != http.StatusOK {
		t.Fatalf("refund: %d %v", st, m)
	}
	refundNotices := func() int {
		n := 0
		for _, m := range f.hook.received() {
			if m["transaction_status"] == "refund" {
				n++
			}
		}
		return n
	}
	b.Advance(time.Hour)
	if n := refundNotices(); n != 0 {
		t.Fatalf("another scenario's clock move sent %d refund notification(s) for OWN-1", n)
	}
	clocks.Use(a)
	a.Advance(DefaultEventNotifyDelay)
	if n := refundNotices(); n != 1 {
		t.Fatalf("its own clock move sent %d refund notification(s), want 1", n)
	}
}

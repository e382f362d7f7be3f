package purwantara

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
)

func TestNotify_CraftedVariantsAreWhatTheyClaim(t *testing.T) {
	cases := []struct {
		variant   string
		valid     bool   // verifies with the team secret
		sigHeader bool   // a Signature header is sent
		amount    string // payload amount
	}{
		{"valid", true, true, "15000.0000"},
		{"wrong_secret", false, true, "15000.0000"},
		{"tampered_amount", false, true, "1.0000"},
		{"missing_signature", false, false, "15000.0000"},
	}
	for _, c := range cases {
		t.Run(c.variant, func(t *testing.T) {
			f := newFixture(t, noCreateHook)
			f.mustCreate("virtual-account", validBodies["virtual-account"])
			res := f.act("notify", "VA-1", map[string]string{"variant": c.variant})
			h := f.waitHooks(1)[0]
			if got := verifyRaw(testSecret, h); got != c.valid {
				t.Errorf("raw verifier says %v, want %v", got, c.valid)
			}
			if got := h.header.Get(HeaderSignature) != ""; got != c.sigHeader {
				t.Errorf("Signature header present = %v", got)
			}
			if got := gjson.GetBytes(h.body, "amount").Str; got != c.amount {
				t.Errorf("amount %q, want %q", got, c.amount)
			}
			if got := gjson.GetBytes(h.body, "status").Str; got != StatusPaid {
				t.Errorf("forged status %q, want PAID", got)
			}
			d := res.Deliveries[0]
			if d.Variant != c.variant || d.Exchange.Signature.Valid != c.valid {
				t.Errorf("delivery %+v signature %+v", d, d.Exchange.Signature)
			}
			want := StatusActive // an adversarial webhook changes nothing
			if legitimate[c.variant] {
				want = StatusPaid // a valid one pays first, so the inquiry API agrees
			}
			if tx := f.e.Transactions()[0]; tx.Status != want {
				t.Errorf("after a %s webhook the transaction is %s, want %s", c.variant, tx.Status, want)
			}
			f.clk.Advance(23 * time.Hour) // past every retry, before the expiry
			if n := len(f.sink.hooks()); n != 1 {
				t.Errorf("a crafted webhook was retried: %d sends", n)
			}
		})
	}
}

func TestNotify_RedeliveryRepeatsTheLastDeliveryExactly(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("payment-link", validBodies["payment-link"])
	f.act("pay", "PL-1", nil)
	f.act("notify", "PL-1", map[string]string{"variant": "redelivery", "copies": "2"})
	f.act("notify", "PL-1", map[string]string{"variant": "new_delivery_id"})
	hs := f.waitHooks(4)
	first := hs[0]
	for i, h := range hs[1:] {
		if string(h.body) != string(first.body) || h.header.Get(HeaderSignature) != first.header.Get(HeaderSignature) {
			t.Errorf("copy %d: different bytes or signature", i+1)
		}
		if !verifyRaw(testSecret, h) {
			t.Errorf("copy %d does not verify", i+1)
		}
	}
	id := first.header.Get(HeaderDelivery)
	if hs[1].header.Get(HeaderDelivery) != id || hs[2].header.Get(HeaderDelivery) != id {
		t.Error("redelivery must keep X-PPN-Delivery")
	}
	if hs[3].header.Get(HeaderDelivery) == id || !uuidPattern.MatchString(hs[3].header.Get(HeaderDelivery)) {
		t.Errorf("new_delivery_id sent %q", hs[3].header.Get(HeaderDelivery))
	}
	ds := f.e.Deliveries("PL-1")
	want := []string{"valid", "redelivery", "redelivery", "new_delivery_id"}
	for i, d := range ds {
		if d.Variant != want[i] || !d.Acked {
			t.Errorf("delivery %d: %s acked=%v, want %s acked", i, d.Variant, d.Acked, want[i])
		}
	}
}

func TestNotify_RedeliveryNeedsAnEarlierWebhook(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("qris", validBodies["qris"])
	_, err := f.e.Act(context.Background(), emulator.Action{Name: "notify", Order: "QR-1", Params: map[string]string{"variant": "redelivery"}})
	if !errors.Is(err, emulator.ErrOrderState) || !strings.Contains(err.Error(), "gateway: pay") {
		t.Errorf("err = %v", err)
	}
}

// A dropped webhook can still be redelivered: it is the last event even
// though it was never sent.
func TestNotify_RedeliveryAfterADroppedWebhookSendsIt(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("counter", validBodies["counter"])
	if res := f.act("pay", "OTC-1", map[string]string{"notify": "drop"}); len(res.Deliveries) != 0 {
		t.Fatal("a dropped webhook was sent")
	}
	f.act("notify", "OTC-1", map[string]string{"variant": "redelivery"})
	if got := f.sink.statuses(); len(got) != 1 || got[0] != StatusPaid {
		t.Errorf("webhooks %v", got)
	}
}

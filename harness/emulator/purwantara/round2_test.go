package purwantara

import (
	"testing"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
)

// Issue 28: a correctly signed webhook with another amount could not be
// sent. notify amount= signs the event with that amount.
func TestNotify_AmountIsSignedCorrectly(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("virtual-account", validBodies["virtual-account"])
	f.act("notify", "VA-1", map[string]string{"variant": "valid", "amount": "14999"})
	h := f.waitHooks(1)[0]
	if got := gjson.GetBytes(h.body, "amount").Str; got != "14999.0000" || !verifyRaw(testSecret, h) || !verifyReencoded(testSecret, h) {
		t.Fatalf("amount %q, raw verifies %v, re-encode verifies %v", got, verifyRaw(testSecret, h), verifyReencoded(testSecret, h))
	}
	for _, p := range []map[string]string{{"variant": "valid", "amount": "-1"}, {"variant": "wrong_secret", "amount": "1"}} {
		if _, err := f.e.Act(t.Context(), actionOf("notify", "VA-1", p)); err == nil {
			t.Errorf("%v accepted", p)
		}
	}
}

// unknown_order: validly signed, a new uuid and external_id null (the
// published sample's), so it names no transaction of the merchant's.
func TestNotify_UnknownOrderNamesNoTransaction(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("virtual-account", validBodies["virtual-account"])
	uuid := f.lastCall("create_virtual_account").Exchange.Response.Body
	f.act("notify", "VA-1", map[string]string{"variant": "unknown_order"})
	h := f.waitHooks(1)[0]
	if !verifyRaw(testSecret, h) || gjson.GetBytes(h.body, "external_id").Type != gjson.Null ||
		gjson.GetBytes(h.body, "uuid").Str == gjson.Get(uuid, "data.uuid").Str {
		t.Fatalf("body %s", h.body)
	}
}

// concurrent: ten copies of one signed event, one delivery id, every copy
// sent at once.
func TestNotify_ConcurrentCopiesShareOneDelivery(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("virtual-account", validBodies["virtual-account"])
	res := f.act("notify", "VA-1", map[string]string{"variant": "concurrent"})
	hs := f.waitHooks(10)
	if len(res.Deliveries) != 10 {
		t.Fatalf("%d deliveries", len(res.Deliveries))
	}
	for _, h := range hs {
		if h.header.Get(HeaderDelivery) != hs[0].header.Get(HeaderDelivery) || !verifyRaw(testSecret, h) {
			t.Fatalf("copies differ or do not verify")
		}
	}
}

func actionOf(name, order string, params map[string]string) emulator.Action {
	return emulator.Action{Name: name, Order: order, Params: params}
}

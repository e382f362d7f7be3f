package bisnap

import (
	"crypto/rsa"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

const notifyTarget = "http://shop.test/v1.0/debit/notify"

var gatewayKey = func() *rsa.PrivateKey {
	k, err := snap.GenerateKey()
	if err != nil {
		panic(err)
	}
	return k
}()

func testCraft() Craft {
	fields := map[string]any{"originalPartnerReferenceNo": "INV-1", "originalReferenceNo": "2026", "latestTransactionStatus": "00",
		"amount": Money{Value: "10000.00", Currency: "IDR"}.JSON()}
	n := 0
	return Craft{Fields: fields, Cents: 1000000, Now: time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta), Key: gatewayKey,
		Sign: func(body []byte, ts string, key *rsa.PrivateKey) http.Header {
			n++
			return SignNotify(key, ChannelID, "P1", "ext-"+string(rune('0'+n)), notifyTarget, body, ts)
		}}
}

func verifies(w Wire) bool {
	return SelfCheck(&gatewayKey.PublicKey, notifyTarget, w.Header, w.Body, "").Valid
}

func amountOf(w Wire) string { return gjson.GetBytes(w.Body, "amount.value").Str }

// Each shared variant sends what its meaning says, and the evidence's
// self-check agrees on whether it verifies.
func TestVariants_CraftWhatTheyMean(t *testing.T) {
	genuine := Body(testCraft().Fields)
	for _, tc := range []struct {
		name   string
		valid  bool
		expect func(t *testing.T, w Wire)
	}{
		{VariantValid, true, func(t *testing.T, w Wire) { sameBody(t, w, genuine) }},
		{VariantDuplicate, true, func(t *testing.T, w Wire) { sameBody(t, w, genuine) }},
		{VariantConcurrent, true, func(t *testing.T, w Wire) { sameBody(t, w, genuine) }},
		{VariantWrongKey, false, func(t *testing.T, w Wire) { sameBody(t, w, genuine) }},
		{VariantTampered, false, func(t *testing.T, w Wire) { wantAmount(t, w, "1.00") }},
		{VariantNoSignature, false, func(t *testing.T, w Wire) { wantNoHeader(t, w, "X-SIGNATURE") }},
		{VariantNoTimestamp, false, func(t *testing.T, w Wire) { wantNoHeader(t, w, "X-TIMESTAMP") }},
		{VariantStaleTS, true, func(t *testing.T, w Wire) { wantTimestamp(t, w, "2026-05-01T09:00:00+07:00") }},
		{VariantMalformedTS, true, func(t *testing.T, w Wire) { wantTimestamp(t, w, "2026-05-01T03:00:00Z") }},
		{VariantOtherOrder, false, func(t *testing.T, w Wire) { sameBody(t, w, genuine) }},
		{VariantWrongAmount, true, func(t *testing.T, w Wire) { wantAmount(t, w, "10001.00") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Find(append(Variants(nil), MalformedTimestamp), "gw", tc.name)
			if err != nil {
				t.Fatal(err)
			}
			w, err := v.Build(testCraft())
			if err != nil {
				t.Fatal(err)
			}
			if verifies(w) != tc.valid {
				t.Errorf("verifies %v, want %v", !tc.valid, tc.valid)
			}
			if v.Adversarial == (w.Why == "") {
				t.Errorf("adversarial %v but why %q: an adversarial notify says what was done to it, a genuine one nothing", v.Adversarial, w.Why)
			}
			tc.expect(t, w)
		})
	}
}

func sameBody(t *testing.T, w Wire, want []byte) {
	t.Helper()
	if string(w.Body) != string(want) {
		t.Errorf("body %s, want the genuine %s", w.Body, want)
	}
}

func wantAmount(t *testing.T, w Wire, want string) {
	t.Helper()
	if got := amountOf(w); got != want {
		t.Errorf("amount %q, want %q", got, want)
	}
}

func wantNoHeader(t *testing.T, w Wire, h string) {
	t.Helper()
	if w.Header.Get(h) != "" {
		t.Errorf("%s still sent", h)
	}
}

func wantTimestamp(t *testing.T, w Wire, want string) {
	t.Helper()
	if got := w.Header.Get("X-TIMESTAMP"); got != want {
		t.Errorf("X-TIMESTAMP %q, want %q", got, want)
	}
}

// A 1.00 order is tampered to 2.00, so the forgery always changes it.
func TestVariants_TamperedAlwaysChangesTheAmount(t *testing.T) {
	if TamperedAmount(100) != "2.00" || TamperedAmount(1000000) != "1.00" {
		t.Error("TamperedAmount")
	}
}

// replay and other_order_signature with from send a notify already sent;
// without one they are refused as a state error.
func TestVariants_ReplayAndBorrowedSendWhatWasSent(t *testing.T) {
	c := testCraft()
	sentOnce, _ := Common[0].Build(c)
	c.Seen = &Sent{Header: sentOnce.Header, Body: sentOnce.Body, At: c.Now}
	replay, _ := Find(Common, "gw", VariantReplay)
	w, err := replay.Build(c)
	if err != nil || string(w.Body) != string(sentOnce.Body) || w.Header.Get("X-SIGNATURE") != sentOnce.Header.Get("X-SIGNATURE") || !verifies(w) {
		t.Errorf("replay %s %v: want the sent notify, verifying", w.Body, err)
	}
	other, _ := Find(Common, "gw", VariantOtherOrder)
	c.From, c.Fields = "INV-2", With(c.Fields, "originalPartnerReferenceNo", "INV-1B")
	w, err = other.Build(c)
	if err != nil || w.Header.Get("X-SIGNATURE") != sentOnce.Header.Get("X-SIGNATURE") || verifies(w) || !strings.Contains(w.Why, "INV-2") {
		t.Errorf("borrowed %+v %v: want INV-2's headers on this body, not verifying", w, err)
	}
	c.Seen = nil
	for _, v := range []Variant{replay, other} {
		if _, err := v.Build(c); !errors.Is(err, emulator.ErrOrderState) {
			t.Errorf("%s with nothing sent: %v, want ErrOrderState", v.Name, err)
		}
	}
}

func TestVariants_TableAndParams(t *testing.T) {
	vs := Variants([]Variant{{Name: "own", Meaning: "m", Params: []string{ParamCopies}}}, "status")
	if len(vs) != len(Common)+1 {
		t.Fatalf("%d variants", len(vs))
	}
	for _, v := range vs {
		if v.Copies < 1 || !v.Takes(ParamCopies) || !v.Takes("status") || v.Meaning == "" || v.Build == nil && v.Name != "own" {
			t.Errorf("%+v: every variant has copies, the gateway's params, a meaning and a builder", v)
		}
	}
	if Common[0].Takes("status") {
		t.Error("Variants changed the shared table")
	}
	c, _ := Find(vs, "gw", VariantConcurrent)
	if n, _ := c.CopiesOf(""); n != ConcurrentCopies || !c.AtOnce {
		t.Errorf("concurrent: %d copies at once %v", n, c.AtOnce)
	}
	for s, want := range map[string]int{"7": 7, "100": 100} {
		if n, err := c.CopiesOf(s); err != nil || n != want {
			t.Errorf("copies %q: %d %v", s, n, err)
		}
	}
	for _, bad := range []string{"0", "101", "x"} {
		if _, err := c.CopiesOf(bad); err == nil {
			t.Errorf("copies %q accepted", bad)
		}
	}
	if _, err := Find(vs, "gw", "sneaky"); err == nil || !strings.Contains(err.Error(), "gw: unknown notify variant \"sneaky\"") || !strings.Contains(err.Error(), "wrong_amount") {
		t.Errorf("unknown variant: %v", err)
	}
	names := Names(vs)
	for i := 1; i < len(names); i++ {
		if names[i-1] > names[i] {
			t.Fatalf("names not sorted: %v", names)
		}
	}
}

func TestBody_SortedMinifiedAndCopiesLeaveTheOriginal(t *testing.T) {
	f := map[string]any{"z": "a&b", "a": "<x>"}
	if got := string(Body(f)); got != `{"a":"\u003cx\u003e","z":"a\u0026b"}` {
		t.Errorf("Body %s", got)
	}
	if string(Body(map[string]any{"f": func() {}})) != "{}" {
		t.Error("an unencodable notify is not {}")
	}
	g := WithAmount(f, "5.00")
	if _, ok := f["amount"]; ok || amountOf(Wire{Body: Body(g)}) != "5.00" {
		t.Error("WithAmount")
	}
	m := MadeUpOrder(map[string]any{"originalPartnerReferenceNo": "A", "originalReferenceNo": "1"})
	if m["originalPartnerReferenceNo"] != "A-OTHER" || m["originalReferenceNo"] != "19" {
		t.Errorf("MadeUpOrder %v", m)
	}
}

func TestStep_ReadsVariantCopiesAndRefusesStrayParams(t *testing.T) {
	vs := Variants(nil)
	v, n, err := Step(vs, "gw", map[string]string{})
	if err != nil || v.Name != VariantValid || n != 1 {
		t.Errorf("no params: %s %d %v", v.Name, n, err)
	}
	v, n, err = Step(vs, "gw", map[string]string{"variant": VariantOtherOrder, ParamFrom: "B", ParamCopies: "3"})
	if err != nil || v.Name != VariantOtherOrder || n != 3 {
		t.Errorf("other_order_signature from B: %s %d %v", v.Name, n, err)
	}
	for _, p := range []map[string]string{{"variant": "sneaky"}, {ParamFrom: "B"}, {ParamCopies: "0"}} {
		if _, _, err := Step(vs, "gw", p); err == nil || !strings.HasPrefix(err.Error(), "gw: ") {
			t.Errorf("%v: %v, want a gateway-named error", p, err)
		}
	}
}

func TestFinishStatus(t *testing.T) {
	for in, want := range map[string]string{"": "00", "00": "00", "05": "05"} {
		if got, err := FinishStatus("dana", in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	if _, err := FinishStatus("dana", "01"); err == nil {
		t.Error("status 01 accepted")
	}
}

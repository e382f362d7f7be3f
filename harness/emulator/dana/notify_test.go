package dana

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

func TestPay_SendsASignedFinishNotifyTheMerchantVerifies(t *testing.T) {
	f := newFixture(t)
	ref := f.create("INV-1", "10000.00").Get("referenceNo").Str
	f.clk.Advance(2 * time.Minute)
	res := f.act(actPay, "INV-1", nil)
	got := f.merchant.notifies()
	if len(got) != 1 || len(res.Deliveries) != 1 || len(res.Exchanges) != 1 {
		t.Fatalf("%d notifies, %d deliveries, %d exchanges", len(got), len(res.Deliveries), len(res.Exchanges))
	}
	n := got[0]
	if n.SigError != nil {
		t.Fatalf("merchant could not verify the notify: %v", n.SigError)
	}
	for _, h := range []string{"Content-Type", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"} {
		if n.Header.Get(h) == "" {
			t.Errorf("notify lacks %s", h)
		}
	}
	if ts := n.Header.Get("X-TIMESTAMP"); ts != snap.FormatTimestamp(start.Add(2*time.Minute)) {
		t.Errorf("X-TIMESTAMP %s is not the virtual clock", ts)
	}
	b := gjson.ParseBytes(n.Body)
	want := map[string]string{"originalPartnerReferenceNo": "INV-1", "originalReferenceNo": ref,
		"merchantId": testMerchant, "amount.value": "10000.00", "amount.currency": "IDR",
		"latestTransactionStatus": "00", "transactionStatusDesc": "SUCCESS",
		"createdTime": snap.FormatTimestamp(start), "finishedTime": snap.FormatTimestamp(start.Add(2 * time.Minute)),
		"additionalInfo.paidTime": snap.FormatTimestamp(start.Add(2 * time.Minute))}
	for path, v := range want {
		if got := b.Get(path).Str; got != v {
			t.Errorf("%s = %q, want %q", path, got, v)
		}
	}
	d := res.Deliveries[0]
	if !d.Acked || d.Status != 200 || d.ResponseCode != AckCode || d.Attempt != 1 || d.Variant != "valid" {
		t.Errorf("delivery %+v", d)
	}
	if x := d.Exchange; x.Kind != evidence.KindNotify || x.Label != "finish_notify valid" || x.Signature == nil || !x.Signature.Valid {
		t.Errorf("exchange %+v", x)
	}
	if o := f.order("INV-1"); o.Status != StatusSuccess || o.PaidTime == "" {
		t.Errorf("order %+v", o)
	}
}

// TestPay_NotifyBodyIsByteStableUnderReencoding checks the ❗ of §1.4: the
// body is minified, keys sorted at every level, HTML characters escaped,
// so a parser that re-encodes it (dana-go) gets the very same bytes.
func TestPay_NotifyBodyIsByteStableUnderReencoding(t *testing.T) {
	f := newFixture(t)
	body := f.createBody("INV-<&>", "10000.00")
	f.post(pathOf(APICreateOrder), body)
	f.act(actPay, "INV-<&>", nil)
	raw := f.merchant.notifies()[0].Body
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(m)
	if string(again) != string(raw) {
		t.Errorf("re-encoding changes the body:\n%s\n%s", raw, again)
	}
	for _, bad := range []string{"\n", ": ", ", ", "<", ">", "&"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("body contains %q: %s", bad, raw)
		}
	}
}

func TestExpiry_SendsAClosedNotifyOnceValidUpToPasses(t *testing.T) {
	f := newFixture(t)
	f.create("INV-EXP", "11013.00")
	f.clk.Advance(29 * time.Minute)
	if n := len(f.merchant.notifies()); n != 0 || f.order("INV-EXP").Status != StatusInit {
		t.Fatalf("%d notifies before validUpTo", n)
	}
	f.clk.Advance(2 * time.Minute)
	got := f.merchant.notifies()
	if len(got) != 1 {
		t.Fatalf("%d notifies after validUpTo", len(got))
	}
	b := gjson.ParseBytes(got[0].Body)
	if b.Get("latestTransactionStatus").Str != "05" || b.Get("transactionStatusDesc").Str != "CLOSED" ||
		b.Get("finishedTime").Str != snap.FormatTimestamp(start.Add(30*time.Minute)) || got[0].SigError != nil {
		t.Errorf("expiry notify %s (sig %v)", got[0].Body, got[0].SigError)
	}
	if o := f.order("INV-EXP"); o.Status != StatusClosed || o.CloseReason != reasonExpired {
		t.Errorf("order %+v", o)
	}
	if ds := f.e.Deliveries("INV-EXP"); len(ds) != 1 || !ds[0].Acked {
		t.Errorf("deliveries %+v", ds)
	}
}

func TestNotify_RetriesOnTheVirtualScheduleUntilAcked(t *testing.T) {
	f := newFixture(t)
	f.merchant.setAnswer(func(n int, _ received) (int, string) {
		if n <= 3 {
			return http.StatusInternalServerError, `{"responseCode":"5005601","responseMessage":"Internal Server Error"}`
		}
		return http.StatusOK, `{"responseCode":"2005600","responseMessage":"Successful"}`
	})
	f.create("INV-R", "11012.00")
	res := f.act(actPay, "INV-R", nil)
	if d := res.Deliveries[0]; d.Acked || d.ResponseCode != "5005601" || d.Status != 500 {
		t.Fatalf("first delivery %+v", d)
	}
	// The schedule is 1m, 5m, 15m: advancing 21m reaches the 4th attempt.
	f.clk.Advance(59 * time.Second)
	if n := len(f.merchant.notifies()); n != 1 {
		t.Fatalf("retried before 1m: %d", n)
	}
	f.clk.Advance(21*time.Minute - 59*time.Second)
	ds := f.e.Deliveries("INV-R")
	if len(ds) != 4 {
		t.Fatalf("%d deliveries, want 4", len(ds))
	}
	wantAt := []time.Duration{0, time.Minute, 6 * time.Minute, 21 * time.Minute}
	for i, d := range ds {
		if d.Attempt != i+1 || !d.Exchange.At.Virtual.Equal(start.Add(wantAt[i])) {
			t.Errorf("delivery %d: attempt %d at %s, want at +%s", i, d.Attempt, d.Exchange.At.Virtual, wantAt[i])
		}
		if d.Acked != (i == 3) {
			t.Errorf("delivery %d acked=%v", i, d.Acked)
		}
	}
	heads := f.merchant.notifies()
	if heads[0].Header.Get("X-EXTERNAL-ID") == heads[1].Header.Get("X-EXTERNAL-ID") || string(heads[0].Body) != string(heads[1].Body) {
		t.Error("a retry must be a new message (X-EXTERNAL-ID) with the same body")
	}
	if f.clk.Pending() != 0 {
		t.Errorf("%d timers pending after the ack", f.clk.Pending())
	}
}

func TestNotify_GivesUpAfterTheSchedule(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.NotifyRetry = []time.Duration{time.Minute, time.Hour} })
	f.merchant.setAnswer(func(int, received) (int, string) { return http.StatusOK, `{"responseCode":"5005601"}` })
	f.create("INV-G", "10000.00")
	f.act(actPay, "INV-G", nil)
	f.clk.Advance(48 * time.Hour)
	if n := len(f.e.Deliveries("INV-G")); n != 3 {
		t.Errorf("%d attempts, want 1 + 2 retries", n)
	}
}

func TestNotify_DeliveryFailuresAreRecordedNotFatal(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL + "/v1.0/debit/notify"
	dead.Close()
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"responseCode":"2005600","pad":"`+strings.Repeat("x", emulator.MaxAnswerBody)+`"}`)
	}))
	defer huge.Close()
	cases := []struct {
		name, notifyURL, wantErr string
		dropNotification         bool
	}{
		{name: "no NOTIFICATION url", dropNotification: true, wantErr: "no NOTIFICATION url"},
		{name: "merchant down", notifyURL: deadURL, wantErr: "connect"},
		{name: "answer over 64 KiB", notifyURL: huge.URL + "/v1.0/debit/notify", wantErr: "answer exceeds 64 KiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.NotifyURL = tc.notifyURL })
			body := f.createBody("INV-F", "10000.00")
			if tc.dropNotification {
				body["urlParams"] = body["urlParams"].([]any)[:1]
			}
			f.post(pathOf(APICreateOrder), body)
			d := f.act(actPay, "INV-F", nil).Deliveries[0]
			if d.Acked || !strings.Contains(d.Error, tc.wantErr) || d.Exchange.Error == "" {
				t.Fatalf("delivery %+v", d)
			}
			if r := d.Exchange.Response; r != nil && len(r.Body) > emulator.MaxRecordedBody {
				t.Errorf("recorded answer not bounded")
			}
		})
	}
}

func TestNotify_OptionsNotifyURLOverridesTheOrder(t *testing.T) {
	other := newMerchant(t, nil)
	f := newFixture(t, func(o *Options) { o.NotifyURL = other.URL + "/v1.0/debit/notify" })
	f.create("INV-O", "10000.00")
	f.act(actPay, "INV-O", nil)
	if len(other.notifies()) != 1 || len(f.merchant.notifies()) != 0 {
		t.Errorf("override %d, order url %d", len(other.notifies()), len(f.merchant.notifies()))
	}
}

func TestPay_DropPaysWithoutAnyNotify(t *testing.T) {
	f := newFixture(t)
	f.create("INV-D", "10000.00")
	res := f.act(actPay, "INV-D", map[string]string{"notify": "drop"})
	f.clk.Advance(48 * time.Hour)
	if len(res.Deliveries) != 0 || len(f.merchant.notifies()) != 0 || f.order("INV-D").Status != StatusSuccess {
		t.Errorf("drop: %+v, %d notifies", res, len(f.merchant.notifies()))
	}
}

// TestNotifyVariants_CraftWhatTheyPromise checks each crafted notify the
// way a merchant would see it: does it verify with the gateway key, and
// what is odd about it.
func TestNotifyVariants_CraftWhatTheyPromise(t *testing.T) {
	cases := []struct {
		variant  string
		verifies bool
		copies   int
		check    func(t *testing.T, r received)
	}{
		{"valid", true, 1, nil},
		{"duplicate", true, 2, nil},
		{"concurrent", true, bisnap.ConcurrentCopies, nil},
		{"wrong_key", false, 1, nil},
		{"tampered_body", false, 1, func(t *testing.T, r received) { wantAmount(t, r, "1.00") }},
		{"missing_signature", false, 1, func(t *testing.T, r received) { wantNoHeader(t, r, "X-SIGNATURE") }},
		{"missing_timestamp", false, 1, func(t *testing.T, r received) { wantNoHeader(t, r, "X-TIMESTAMP") }},
		{"malformed_timestamp", true, 1, func(t *testing.T, r received) {
			if _, err := snap.ParseTimestamp(r.Header.Get("X-TIMESTAMP")); err == nil || !strings.HasSuffix(r.Header.Get("X-TIMESTAMP"), "Z") {
				t.Errorf("X-TIMESTAMP %q is not the UTC Z form", r.Header.Get("X-TIMESTAMP"))
			}
		}},
		{"stale_timestamp", true, 1, func(t *testing.T, r received) {
			if r.Header.Get("X-TIMESTAMP") != snap.FormatTimestamp(start.Add(-time.Hour)) {
				t.Errorf("X-TIMESTAMP %q is not 1 h old", r.Header.Get("X-TIMESTAMP"))
			}
		}},
		{"other_order_signature", false, 1, func(t *testing.T, r received) { wantAmount(t, r, "10000.00") }},
		{"wrong_amount", true, 1, func(t *testing.T, r received) { wantAmount(t, r, "10001.00") }},
	}
	for _, tc := range cases {
		t.Run(tc.variant, func(t *testing.T) {
			f := newFixture(t)
			f.create("INV-1", "10000.00")
			res := f.act(actNotify, "INV-1", map[string]string{"variant": tc.variant})
			got := f.merchant.notifies()
			if len(got) != tc.copies || len(res.Deliveries) != tc.copies || len(res.Exchanges) != tc.copies {
				t.Fatalf("%d sent, %d deliveries, want %d", len(got), len(res.Deliveries), tc.copies)
			}
			for _, r := range got {
				if (r.SigError == nil) != tc.verifies {
					t.Errorf("verifies=%v (%v), want %v", r.SigError == nil, r.SigError, tc.verifies)
				}
				if string(r.Body) != string(got[0].Body) || r.Header.Get("X-SIGNATURE") != got[0].Header.Get("X-SIGNATURE") ||
					r.Header.Get("X-EXTERNAL-ID") != got[0].Header.Get("X-EXTERNAL-ID") {
					t.Error("copies are not identical requests")
				}
				if tc.check != nil {
					tc.check(t, r)
				}
			}
			if sig := res.Deliveries[0].Exchange.Signature; sig == nil || sig.Valid != tc.verifies {
				t.Errorf("evidence signature check %+v", sig)
			}
			// A legitimate notify pays the order first, so Query agrees
			// with it (and the expiry timer stops); an adversarial one
			// changes nothing. None schedules a retry.
			want, timers := StatusInit, 1
			if v, _ := bisnap.Find(variants, "dana", tc.variant); !v.Adversarial {
				want, timers = StatusSuccess, 0
			}
			if f.order("INV-1").Status != want || f.clk.Pending() != timers {
				t.Errorf("order %s with %d timers, want %s with %d", f.order("INV-1").Status, f.clk.Pending(), want, timers)
			}
		})
	}
}

func wantAmount(t *testing.T, r received, v string) {
	t.Helper()
	if got := gjson.GetBytes(r.Body, "amount.value").Str; got != v {
		t.Errorf("amount %q, want %q", got, v)
	}
}

func wantNoHeader(t *testing.T, r received, h string) {
	t.Helper()
	if _, ok := r.Header[http.CanonicalHeaderKey(h)]; ok {
		t.Errorf("%s sent", h)
	}
}

func TestNotify_RefusesBadParams(t *testing.T) {
	f := newFixture(t)
	f.create("INV-1", "10000.00")
	for _, p := range []map[string]string{
		{"variant": "sneaky"}, {"status": "01"}, {"copies": "0"}, {"copies": "101"}, {"colour": "red"},
	} {
		if _, err := f.e.Act(t.Context(), actionFor(actNotify, "INV-1", p)); err == nil {
			t.Errorf("params %v accepted", p)
		}
	}
}

// TestPay_MerchantMayCallTheGatewayFromItsNotifyHandler proves no lock is
// held while notifying: the merchant queries the order before answering.
func TestPay_MerchantMayCallTheGatewayFromItsNotifyHandler(t *testing.T) {
	f := newFixture(t)
	if err := f.e.Start(""); err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 1)
	f.merchant.onHit = func(received) {
		req := f.request(pathOf(APIQueryPayment), mustJSON(t, queryBody("INV-1")), "")
		out, err := http.NewRequest(http.MethodPost, f.e.URL()+req.URL.Path, req.Body)
		if err != nil {
			seen <- err.Error()
			return
		}
		out.Header = req.Header
		resp, err := http.DefaultClient.Do(out)
		if err != nil {
			seen <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		seen <- gjson.GetBytes(b, "transactionStatusDesc").Str
	}
	f.create("INV-1", "10000.00")
	f.act(actPay, "INV-1", nil)
	if got := <-seen; got != "SUCCESS" {
		t.Errorf("query from inside the notify handler saw %q", got)
	}
}

func TestReturnShopper_VisitsPayReturnAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.create("INV-1", "10000.00")
	res := f.act(actReturnShopper, "INV-1", nil)
	if len(res.Exchanges) != 1 {
		t.Fatalf("%d exchanges", len(res.Exchanges))
	}
	x := res.Exchanges[0]
	if x.Kind != evidence.KindShopper || x.Request.Method != http.MethodGet || x.Request.URL != f.merchant.URL+"/return" ||
		x.Response == nil || x.Response.Status != 200 {
		t.Errorf("shopper exchange %+v", x)
	}
	if f.order("INV-1").Status != StatusInit || len(f.merchant.notifies()) != 0 {
		t.Error("return_shopper changed the order or sent a notify")
	}
	if xs := f.e.Exchanges(); xs[len(xs)-1].Kind != evidence.KindShopper {
		t.Error("shopper exchange not in the log")
	}
}

func actionFor(name, order string, p map[string]string) emulator.Action {
	return emulator.Action{Name: name, Order: order, Params: p}
}

// A legitimate notify says what Query Payment answers: a 05 closes an INIT
// order first, and a 00 for an order that was closed is refused (only an
// adversarial variant may lie).
func TestNotify_LegitimateVariantsTellWhatQueryAnswers(t *testing.T) {
	f := newFixture(t)
	f.create("INV-05", "10000.00")
	f.act(actNotify, "INV-05", map[string]string{"variant": "valid", "status": "05"})
	if o := f.order("INV-05"); o.Status != StatusClosed || o.CloseReason != reasonFailed {
		t.Fatalf("a legitimate 05 left the order %s (%s)", o.Status, o.CloseReason)
	}
	_, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: "INV-05", Params: map[string]string{"variant": "duplicate"}})
	if !errors.Is(err, emulator.ErrOrderState) {
		t.Errorf("a legitimate 00 for a closed order: %v, want refused", err)
	}
	if res := f.act(actNotify, "INV-05", map[string]string{"variant": "wrong_key"}); len(res.Deliveries) != 1 {
		t.Errorf("an adversarial notify for a closed order was not sent: %+v", res)
	}
}

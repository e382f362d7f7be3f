package purwantara

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
)

func TestAct_SimulatorMovesAnActiveTransaction(t *testing.T) {
	cases := []struct {
		action, want string
		paidAt       bool
	}{
		{"pay", StatusPaid, true},
		{"fail", StatusFailed, false},
		{"expire", StatusExpired, false},
	}
	for _, c := range cases {
		t.Run(c.action, func(t *testing.T) {
			f := newFixture(t, noCreateHook)
			uuid := f.mustCreate("virtual-account", validBodies["virtual-account"])
			res := f.act(c.action, "VA-1", nil) // by the merchant's reference
			if len(res.Deliveries) != 1 || !res.Deliveries[0].Acked || res.Deliveries[0].Attempt != 1 {
				t.Fatalf("deliveries %+v", res.Deliveries)
			}
			body := f.waitHooks(1)[0].body
			if got := gjson.GetBytes(body, "status").Str; got != c.want {
				t.Errorf("webhook status %q, want %q", got, c.want)
			}
			if got := gjson.GetBytes(body, "paid_at").Type != gjson.Null; got != c.paidAt {
				t.Errorf("paid_at set = %v, want %v", got, c.paidAt)
			}
			if _, res := f.do(http.MethodGet, "/v1/virtual-account/inquiry/"+uuid, ""); res.Get("data.status").Str != c.want {
				t.Errorf("inquiry says %s", res.Get("data.status").Str)
			}
		})
	}
}

func TestAct_RefusesWhatTheSimulatorCannotDo(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("qris", validBodies["qris"])
	f.act("pay", "QR-1", nil)
	cases := []struct {
		name string
		a    emulator.Action
		want error
		text string
	}{
		{"pay twice", emulator.Action{Name: "pay", Order: "QR-1"}, emulator.ErrOrderState, "it is PAID"},
		{"unknown order", emulator.Action{Name: "pay", Order: "nope"}, emulator.ErrUnknownOrder, "nope"},
		{"unknown action", emulator.Action{Name: "refund", Order: "QR-1"}, emulator.ErrUnknownAction, "valid actions"},
		{"unknown param", emulator.Action{Name: "pay", Order: "QR-1", Params: map[string]string{"amount": "1"}}, nil, "does not take amount"},
		{"bad notify mode", emulator.Action{Name: "fail", Order: "QR-1", Params: map[string]string{"notify": "later"}}, nil, "send (default) or drop"},
		{"bad payer", emulator.Action{Name: "pay", Order: "QR-1", Params: map[string]string{"channel": "GOPAY"}}, nil, "want one of"},
		{"bad variant", emulator.Action{Name: "notify", Order: "QR-1", Params: map[string]string{"variant": "forged"}}, nil, "valid variants"},
		{"bad status", emulator.Action{Name: "notify", Order: "QR-1", Params: map[string]string{"status": "SETTLED"}}, nil, "want one of"},
		{"bad copies", emulator.Action{Name: "notify", Order: "QR-1", Params: map[string]string{"copies": "0"}}, nil, "from 1 to"},
		{"bad callback", emulator.Action{Name: "set_callback_url", Params: map[string]string{"url": "ftp://x"}}, nil, "http(s)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.e.Act(context.Background(), c.a)
			if err == nil || !strings.Contains(err.Error(), c.text) || (c.want != nil && !errors.Is(err, c.want)) {
				t.Errorf("err = %v, want %v containing %q", err, c.want, c.text)
			}
		})
	}
}

func TestExpiry_FiresOnTheVirtualClock(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.mustCreate("virtual-account", `{"expected_amount":1,"name":"N","bank":"BNI","external_id":"V","expired_at":"2026-03-02T11:00:00+07:00"}`)
	f.mustCreate("qris", validBodies["qris"]) // no expiry: Options.Expiry (24 h)
	f.clk.Advance(59 * time.Minute)
	if len(f.sink.hooks()) != 0 {
		t.Fatal("expired before its expired_at")
	}
	f.clk.Advance(time.Minute)
	if got := f.sink.statuses(); !slices.Equal(got, []string{StatusExpired}) {
		t.Fatalf("webhooks after expired_at: %v", got)
	}
	f.clk.Advance(23 * time.Hour)
	if got := f.sink.statuses(); !slices.Equal(got, []string{StatusExpired, StatusExpired}) {
		t.Fatalf("webhooks after 24 h: %v", got)
	}
	if _, err := f.e.Act(context.Background(), emulator.Action{Name: "pay", Order: "V"}); !errors.Is(err, emulator.ErrOrderState) {
		t.Errorf("paying an expired VA: %v", err)
	}
}

// An unacknowledged webhook is retried on the schedule with the same bytes
// and the same X-PPN-Delivery until a 2xx answer.
func TestWebhook_RetriedOnTheVirtualClockUntilAcknowledged(t *testing.T) {
	f := newFixture(t, noCreateHook, func(o *Options) { o.NotifyRetry = []time.Duration{time.Minute, 5 * time.Minute, time.Hour} })
	f.sink.status = func(n int) int {
		if n < 3 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	}
	f.mustCreate("qris", validBodies["qris"])
	res := f.act("pay", "QR-1", nil)
	if res.Deliveries[0].Acked {
		t.Fatal("a 500 answer counted as an acknowledgement")
	}
	f.clk.Advance(time.Minute)
	f.clk.Advance(5 * time.Minute)
	f.clk.Advance(24 * time.Hour)
	hs := f.sink.hooks()
	if len(hs) != 3 {
		t.Fatalf("%d deliveries, want 3 (stop after the 204)", len(hs))
	}
	for _, h := range hs[1:] {
		if string(h.body) != string(hs[0].body) || h.header.Get(HeaderDelivery) != hs[0].header.Get(HeaderDelivery) {
			t.Error("a retry changed the bytes or the delivery id")
		}
	}
	ds := f.e.Deliveries("QR-1")
	if len(ds) != 3 || ds[2].Attempt != 3 || !ds[2].Acked || ds[1].Acked {
		t.Errorf("deliveries %+v", ds)
	}
}

func TestWebhook_WithoutCallbackURLIsRecordedNotRetried(t *testing.T) {
	f := newFixture(t, noCreateHook, func(o *Options) { o.CallbackURL = "" })
	f.mustCreate("qris", validBodies["qris"])
	res := f.act("pay", "QR-1", nil)
	if d := res.Deliveries[0]; d.Acked || !strings.Contains(d.Error, "no callback URL") {
		t.Fatalf("delivery %+v", d)
	}
	f.clk.Advance(48 * time.Hour)
	if n := len(f.e.Deliveries("QR-1")); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

// Creation is a change: the ACTIVE webhook goes out after the answer and
// always before any later event of the same transaction.
func TestWebhook_CreateIsNotifiedBeforeLaterEvents(t *testing.T) {
	f := newFixture(t)
	f.mustCreate("payment-link", validBodies["payment-link"])
	f.act("pay", "PL-1", nil)
	f.waitHooks(2)
	if got := f.sink.statuses(); !slices.Equal(got, []string{StatusActive, StatusPaid}) {
		t.Fatalf("webhook order %v", got)
	}
	first := f.sink.hooks()[0].body
	if gjson.GetBytes(first, "event.channel").Str != "OVO" || gjson.GetBytes(first, "channel_id").Int() != 8 {
		t.Errorf("an unpaid payment link's channel fields differ from the published sample's: %s", first)
	}
	if got := gjson.GetBytes(f.sink.hooks()[1].body, "channel_id").Int(); got != 8 {
		t.Errorf("paid with OVO by default: channel_id %d, want 8", got)
	}
}

func TestCancel_ClosesAnActiveVirtualAccountOnly(t *testing.T) {
	f := newFixture(t, noCreateHook)
	va := f.mustCreate("virtual-account", validBodies["virtual-account"])
	qr := f.mustCreate("qris", validBodies["qris"])
	status, res := f.do(http.MethodPost, "/v1/virtual-account/cancel/"+va, "")
	if status != http.StatusOK || res.Get("data.status").Str != StatusCancelled {
		t.Fatalf("HTTP %d %s", status, res.Raw)
	}
	if got := f.waitHooks(1); gjson.GetBytes(got[0].body, "status").Str != StatusCancelled {
		t.Errorf("webhook %s", got[0].body)
	}
	if status, _ := f.do(http.MethodPost, "/v1/virtual-account/cancel/"+va, ""); status != http.StatusUnprocessableEntity {
		t.Errorf("second cancel: HTTP %d, want 422", status)
	}
	if status, _ := f.do(http.MethodPost, "/v1/virtual-account/cancel/"+qr, ""); status != http.StatusNotFound {
		t.Errorf("cancel of a QRIS: HTTP %d, want 404", status)
	}
	if n := len(f.e.Calls(APICancel)); n != 3 {
		t.Errorf("%d cancel calls recorded", n)
	}
}

func TestInquiry_AnswersOnItsOwnChannelOnly(t *testing.T) {
	f := newFixture(t, noCreateHook)
	uuid := f.mustCreate("payment-link", validBodies["payment-link"])
	if status, res := f.do(http.MethodGet, "/v1/payment-link/"+uuid, ""); status != http.StatusOK || res.Get("data.external_id").Str != "PL-1" {
		t.Errorf("HTTP %d %s", status, res.Raw)
	}
	if status, _ := f.do(http.MethodGet, "/v1/qris/inquiry/"+uuid, ""); status != http.StatusNotFound {
		t.Errorf("another channel's inquiry: HTTP %d, want 404", status)
	}
	if status, _ := f.do(http.MethodGet, "/v1/payment-link/"+uuid, "", "Authorization", ""); status != http.StatusUnauthorized {
		t.Errorf("inquiry without a token: HTTP %d, want 401", status)
	}
}

func TestRespondNext_InjectsAnErrorForTheNextCalls(t *testing.T) {
	f := newFixture(t, noCreateHook)
	f.act("respond_next", "", map[string]string{"api": "create", "status": "500", "count": "2"})
	for i, path := range []string{"qris", "counter"} {
		status, res := f.do(http.MethodPost, "/v1/"+path, validBodies[path])
		if status != http.StatusInternalServerError || res.Get("error.message").Str != "Server Error" || !isErrorShape(res, 500, "INTERNAL_SERVER_ERROR") {
			t.Errorf("call %d: HTTP %d %s", i+1, status, res.Raw)
		}
	}
	f.mustCreate("qris", validBodies["qris"])
	if len(f.e.Transactions()) != 1 {
		t.Error("an injected answer created a transaction")
	}
	for _, bad := range []map[string]string{{"api": "refund", "status": "500"}, {"api": "create", "status": "200"}} {
		if _, err := f.e.Act(context.Background(), emulator.Action{Name: "respond_next", Params: bad}); err == nil {
			t.Errorf("respond_next %v accepted", bad)
		}
	}
}

func TestClose_StopsTimersAndWaitsForWebhooks(t *testing.T) {
	f := newFixture(t)
	f.mustCreate("qris", validBodies["qris"])
	if err := f.e.Close(); err != nil {
		t.Fatal(err)
	}
	if n := f.clk.Pending(); n != 0 {
		t.Errorf("%d timers still pending after Close", n)
	}
}

// The cancel answer carries data.message next to the transaction's
// fields: ezhasyafaat/purwantara-laravel @062322e src/Purwantara.php
// (cancel_virtual_account reads data.external_id, data.uuid,
// data.va_number and data.message).
func TestCancel_AnswerCarriesDataMessage(t *testing.T) {
	f := newFixture(t, noCreateHook)
	va := f.mustCreate("virtual-account", validBodies["virtual-account"])
	status, res := f.do(http.MethodPost, "/v1/virtual-account/cancel/"+va, "")
	if status != http.StatusOK || res.Get("data.message").Str != cancelMessage {
		t.Fatalf("HTTP %d %s", status, res.Raw)
	}
	for _, k := range []string{"external_id", "uuid", "va_number"} {
		if res.Get("data."+k).Str == "" {
			t.Errorf("data.%s missing: %s", k, res.Raw)
		}
	}
	if got := topKeys(res); got != "status,success,data" {
		t.Errorf("envelope keys %s", got)
	}
}

// An unpaid payment link's webhook sets the channel fields the published
// sample of an ACTIVE link sets: event.type "payment-link", event.channel
// "OVO", channel_id 8 (seed 002 §4 Step 1). Paying through another
// channel names that one.
func TestWebhook_UnpaidPaymentLinkSetsTheSamplesChannelFields(t *testing.T) {
	f := newFixture(t)
	f.mustCreate("payment-link", validBodies["payment-link"])
	f.act("pay", "PL-1", map[string]string{"channel": "DANA"})
	hs := f.waitHooks(2)
	active, paid := hs[0].body, hs[1].body
	if gjson.GetBytes(active, "status").Str != StatusActive || gjson.GetBytes(active, "event.type").Str != "payment-link" ||
		gjson.GetBytes(active, "event.channel").Str != "OVO" || gjson.GetBytes(active, "channel_id").Raw != "8" {
		t.Errorf("ACTIVE webhook %s", active)
	}
	if gjson.GetBytes(paid, "event.channel").Str != "DANA" || gjson.GetBytes(paid, "channel_id").Int() != int64(channelIDs["DANA"]) {
		t.Errorf("PAID webhook %s", paid)
	}
}

// The PHP client's get() without a uuid lists a channel's transactions:
// GET virtual-account/list, qris/list and counter/list
// (PurwantaraID/purwantara-php @52099f2 src/Collect/VirtualAccount.php,
// Qris.php, Otc.php), and its tests expect the keys status, success and
// data (tests/Collect/VirtualAccountTest.php "can get virtual account
// list", QrisTest.php "can list QRIS").
func TestList_ThePHPClientsListRoutesAnswer(t *testing.T) {
	f := newFixture(t, noCreateHook)
	va := f.mustCreate("virtual-account", validBodies["virtual-account"])
	va2 := f.mustCreate("virtual-account", strings.Replace(validBodies["virtual-account"], "VA-1", "VA-2", 1))
	f.mustCreate("qris", validBodies["qris"])
	for path, want := range map[string][]string{
		"/v1/virtual-account/list": {va2, va},
		"/v1/qris/list":            {f.e.Transactions()[2].UUID},
		"/v1/counter/list":         nil,
	} {
		status, res := f.do(http.MethodGet, path, "")
		if status != http.StatusOK || topKeys(res) != "status,success,data" || res.Get("status").Int() != 200 ||
			!res.Get("success").Bool() || !res.Get("data").IsArray() {
			t.Fatalf("%s: HTTP %d %s", path, status, res.Raw)
		}
		var got []string
		for _, d := range res.Get("data").Array() {
			got = append(got, d.Get("uuid").Str)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: uuids %v, want %v (newest first)", path, got, want)
		}
	}
	if status, res := f.do(http.MethodGet, "/v1/virtual-account/list", "", "Authorization", "Bearer nope"); status != http.StatusUnauthorized {
		t.Errorf("wrong token: HTTP %d %s", status, res.Raw)
	}
	if n := len(f.e.Calls(APIList)); n != 4 {
		t.Errorf("%d list calls recorded, want 4", n)
	}
}

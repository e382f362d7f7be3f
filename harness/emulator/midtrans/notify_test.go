package midtrans

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The spec's test vector: order ORDER-123, status 200, 10000.00, key SB-Mid-server-TEST.
func TestSignature_MatchesTheSpecVector(t *testing.T) {
	want := "524fc9f8844dad2dcf02248b69c99aac1382aa6f5dad8745d4bfce852c86dfe899f1916720121a08d92d1e436c9bb7e419315ab3a880f3f20cd3bf3db70939bb"
	if got := signWith(testKey, "ORDER-123", "200", "10000.00"); got != want {
		t.Fatalf("signature_key %s", got)
	}
}

func TestPay_SendsASignedSettlementNotification(t *testing.T) {
	f := newFixture(t)
	f.create("ORDER-123", 10000)
	res := f.act(actPay, "ORDER-123", nil)
	if len(res.Deliveries) != 1 || !res.Deliveries[0].Acked || !res.Deliveries[0].Exchange.Signature.Valid {
		t.Fatalf("deliveries: %+v", res.Deliveries)
	}
	got := f.hook.received()[0]
	want := map[string]any{"order_id": "ORDER-123", "status_code": "200", "gross_amount": "10000.00",
		"transaction_status": "settlement", "fraud_status": "accept", "currency": "IDR",
		"signature_key": signWith(testKey, "ORDER-123", "200", "10000.00")}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if got["settlement_time"] != "2026-01-02 10:00:00" {
		t.Errorf("settlement_time %v", got["settlement_time"])
	}
}

func TestNotification_RetriedOnTheVirtualClockUntil2xx(t *testing.T) {
	f := newFixture(t)
	f.create("R-1", 10000)
	f.hook.status.Store(http.StatusServiceUnavailable)
	f.act(actPay, "R-1", nil)
	f.clk.Advance(DefaultNotifyRetry[0] - time.Second)
	if n := len(f.emu.Deliveries("R-1")); n != 1 {
		t.Fatalf("retried early: %d deliveries", n)
	}
	f.clk.Advance(time.Second)
	f.hook.status.Store(http.StatusOK)
	f.clk.Advance(DefaultNotifyRetry[1])
	ds := f.emu.Deliveries("R-1")
	if len(ds) != 3 || ds[1].Acked || !ds[2].Acked || ds[2].Attempt != 3 {
		t.Fatalf("deliveries: %+v", ds)
	}
	f.clk.Advance(48 * time.Hour)
	if n := len(f.emu.Deliveries("R-1")); n != 3 {
		t.Fatalf("retried after a 2xx: %d deliveries", n)
	}
}

// Midtrans' published policy: retries depend on the answer (500 once, 503
// four times, 400/404 twice, 301-303 never, anything else five times) at
// 2, 10, 30, 90 and 210 minutes.
func TestNotification_RetryPolicyFollowsTheAnswer(t *testing.T) {
	if want := []time.Duration{2 * time.Minute, 10 * time.Minute, 30 * time.Minute, 90 * time.Minute, 210 * time.Minute}; !slices.Equal(DefaultNotifyRetry, want) {
		t.Fatalf("schedule %v, want %v", DefaultNotifyRetry, want)
	}
	for status, attempts := range map[int]int{500: 2, 503: 5, 400: 3, 404: 3, 301: 1, 302: 1, 303: 1, 401: 6, 502: 6, 200: 1} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			f := newFixture(t)
			f.create("R-1", 10000)
			f.hook.status.Store(int32(status))
			f.act(actPay, "R-1", nil)
			f.clk.Advance(7 * time.Hour)
			ds := f.emu.Deliveries("R-1")
			if len(ds) != attempts {
				t.Fatalf("HTTP %d: %d attempts, want %d", status, len(ds), attempts)
			}
			var at []string
			for _, d := range ds {
				at = append(at, d.Exchange.At.Virtual.Format("15:04"))
			}
			want := []string{"10:00", "10:02", "10:12", "10:42", "12:12", "15:42"}[:attempts]
			if !slices.Equal(at, want) {
				t.Fatalf("attempts at %v, want %v", at, want)
			}
		})
	}
}

// A configured schedule replaces the delays; the answer still bounds the count.
func TestNotification_ConfiguredScheduleKeepsTheAnswerLimits(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.NotifyRetry = []time.Duration{time.Minute, time.Minute, time.Minute} })
	f.create("R-1", 10000)
	f.hook.status.Store(http.StatusBadGateway)
	f.act(actPay, "R-1", nil)
	f.clk.Advance(time.Hour)
	if n := len(f.emu.Deliveries("R-1")); n != 4 {
		t.Fatalf("%d attempts, want 1 + 3 configured retries", n)
	}
}

// 307 and 308 are followed with the same POST and body (at most five
// times); 301-303 are not followed.
func TestNotification_Follows307And308WithTheSamePost(t *testing.T) {
	var got []string
	final := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+string(b[:min(len(b), 1)]))
		w.WriteHeader(http.StatusOK)
	}))
	defer final.Close()
	for _, code := range []int{307, 308} {
		hops := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, final.URL+"/moved", code)
		}))
		f := newFixture(t, func(o *Options) { o.NotifyURL = hops.URL + "/midtrans/notification" })
		f.create("R-1", 10000)
		d := f.act(actPay, "R-1", nil).Deliveries
		if len(d) != 1 || !d[0].Acked || !strings.HasSuffix(d[0].Exchange.Request.URL, "/moved") {
			t.Fatalf("%d: deliveries %+v", code, d)
		}
		hops.Close()
	}
	if len(got) != 2 || got[0] != "POST {" || got[1] != "POST {" {
		t.Fatalf("the redirect target got %v, want the same POST body twice", got)
	}
	loop := httptest.NewServer(nil)
	loop.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+"/again", http.StatusTemporaryRedirect)
	})
	defer loop.Close()
	f := newFixture(t, func(o *Options) { o.NotifyURL = loop.URL + "/n"; o.NotifyRetry = []time.Duration{} })
	f.create("R-2", 10000)
	f.act(actPay, "R-2", nil)
	if n := len(f.emu.Deliveries("R-2")); n != 1+maxRedirects {
		t.Fatalf("a redirect loop made %d requests, want %d", n, 1+maxRedirects)
	}
}

func TestNotification_RedirectIsNotAnAcknowledgement(t *testing.T) {
	f := newFixture(t)
	f.create("R-1", 10000)
	f.hook.status.Store(http.StatusFound)
	if d := f.act(actPay, "R-1", nil).Deliveries[0]; d.Acked || d.Status != http.StatusFound {
		t.Fatalf("delivery %+v", d)
	}
}

func TestExpiry_DefaultsTo24HoursAndNotifies(t *testing.T) {
	f := newFixture(t)
	f.create("E-1", 10000)
	f.choose("E-1", "bank_transfer")
	f.clk.Advance(DefaultExpiry - time.Minute)
	if ds := f.emu.Deliveries("E-1"); len(ds) != 0 {
		t.Fatalf("expired early: %+v", ds)
	}
	f.clk.Advance(time.Minute)
	got := f.hook.received()
	if len(got) != 1 || got[0]["transaction_status"] != "expire" || got[0]["status_code"] != "202" {
		t.Fatalf("expiry notification: %v", got)
	}
	if _, m, _ := f.call(http.MethodGet, "/v2/E-1/status", ""); m["status_code"] != "407" {
		t.Fatalf("status after expiry: %v", m)
	}
}

func TestExpiry_FollowsTheRequestsExpiryObject(t *testing.T) {
	f := newFixture(t)
	body := `{"transaction_details":{"order_id":"E-2","gross_amount":5000},"expiry":{"start_time":"2026-01-02 10:00:00 +0700","unit":"minutes","duration":30}}`
	if st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", body); st != http.StatusCreated {
		t.Fatalf("HTTP %d %v", st, m)
	}
	f.choose("E-2", "bank_transfer")
	f.clk.Advance(30 * time.Minute)
	if _, m, _ := f.call(http.MethodGet, "/v2/E-2/status", ""); m["transaction_status"] != "expire" {
		t.Fatalf("not expired after 30 minutes: %v", m)
	}
}

func TestVariants_CraftWhatTheyPromise(t *testing.T) {
	tests := []struct {
		variant    string
		deliveries int
		validSig   bool
		check      func(t *testing.T, bodies []map[string]any)
	}{
		{"valid", 1, true, nil},
		{"duplicate", 2, true, nil},
		{"concurrent", 5, true, nil},
		{"wrong_signature", 1, false, nil},
		{"missing_signature", 1, false, func(t *testing.T, b []map[string]any) {
			if _, ok := b[0]["signature_key"]; ok {
				t.Error("signature_key still present")
			}
		}},
		{"tampered_amount", 1, false, func(t *testing.T, b []map[string]any) {
			if b[0]["gross_amount"] != "1.00" {
				t.Errorf("gross_amount %v", b[0]["gross_amount"])
			}
		}},
		{"wrong_amount", 1, true, func(t *testing.T, b []map[string]any) {
			if b[0]["gross_amount"] != "9999.00" {
				t.Errorf("gross_amount %v", b[0]["gross_amount"])
			}
		}},
		{"out_of_order", 2, true, func(t *testing.T, b []map[string]any) {
			if b[0]["transaction_status"] != "settlement" || b[1]["transaction_status"] != "pending" || b[1]["status_code"] != "201" {
				t.Errorf("sequence %v then %v", b[0]["transaction_status"], b[1]["transaction_status"])
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			f := newFixture(t)
			f.create("V-1", 10000)
			f.choose("V-1", "bank_transfer")
			res := f.act(actNotify, "V-1", map[string]string{"variant": tc.variant})
			if len(res.Deliveries) != tc.deliveries {
				t.Fatalf("%d deliveries, want %d", len(res.Deliveries), tc.deliveries)
			}
			for _, d := range res.Deliveries {
				if d.Exchange.Signature.Valid != tc.validSig {
					t.Errorf("signature valid=%v, want %v (%s)", d.Exchange.Signature.Valid, tc.validSig, d.Exchange.Signature.Detail)
				}
			}
			if tc.check != nil {
				tc.check(t, f.hook.received())
			}
			want := "pending" // an adversarial notification changes nothing
			if legitimate[tc.variant] {
				want = "settlement" // a legitimate one settles the transaction first, so the status API agrees
			}
			if _, m, _ := f.call(http.MethodGet, "/v2/V-1/status", ""); m["transaction_status"] != want {
				t.Fatalf("after a %s notification the status API answers %v, want %s", tc.variant, m["transaction_status"], want)
			}
		})
	}
}

func TestReturnShopper_CarriesSnapsFinishQuery(t *testing.T) {
	f := newFixture(t)
	f.create("S-1", 10000)
	f.choose("S-1", "gopay")
	res := f.act(actReturnShopper, "S-1", map[string]string{"transaction_status": "settlement"})
	u := res.Exchanges[0].Request.URL
	for _, part := range []string{"/finish?", "order_id=S-1", "status_code=200", "transaction_status=settlement"} {
		if !strings.Contains(u, part) {
			t.Errorf("finish URL %s lacks %s", u, part)
		}
	}
	if _, m, _ := f.call(http.MethodGet, "/v2/S-1/status", ""); m["transaction_status"] != "pending" {
		t.Fatal("return_shopper changed the state")
	}
}

func TestAct_RefusesWhatTheStateForbids(t *testing.T) {
	f := newFixture(t)
	f.create("A-1", 10000)
	f.act(actPay, "A-1", nil)
	tests := []struct {
		name   string
		action string
		order  string
		params map[string]string
		want   string
	}{
		{"pay twice", actPay, "A-1", nil, "only pending"},
		{"unknown order", actPay, "NOPE", nil, "unknown order"},
		{"unknown action", "refund", "A-1", nil, "unknown gateway action"},
		{"unknown param", actPay, "A-1", map[string]string{"colour": "red"}, "does not take colour"},
		{"unknown variant", actNotify, "A-1", map[string]string{"variant": "forged"}, "valid variants"},
		{"bad status", actNotify, "A-1", map[string]string{"status": "paid"}, "transaction_status"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.emu.Act(t.Context(), actionOf(tc.action, tc.order, tc.params))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}

func TestNotifyTargets_OverrideAndAppendHeaders(t *testing.T) {
	f := newFixture(t)
	other := newHook(t)
	req, _ := http.NewRequest(http.MethodPost, f.emu.URL()+"/snap/v1/transactions",
		strings.NewReader(`{"transaction_details":{"order_id":"H-1","gross_amount":1000}}`))
	req.SetBasicAuth(testKey, "")
	req.Header.Set("X-Append-Notification", other.srv.URL+"/hook")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	if ds := f.act(actPay, "H-1", nil).Deliveries; len(ds) != 2 || len(other.received()) != 1 || len(f.hook.received()) != 1 {
		t.Fatalf("appended URL not notified: %+v", ds)
	}
}

func TestDashboard_NotificationURLIsReadWhenSending(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.NotifyURL = "" })
	f.create("D-1", 1000)
	if d := f.act(actChoose, "D-1", nil).Deliveries[0]; d.Error == "" {
		t.Fatalf("delivered with no URL configured: %+v", d)
	}
	st, m, _ := f.call(http.MethodPost, "/_uatrun/dashboard", `{"notify_url":"`+f.hook.srv.URL+`/n"}`)
	if st != http.StatusOK || m["notify_url"] != f.hook.srv.URL+"/n" {
		t.Fatalf("HTTP %d %v", st, m)
	}
	if d := f.act(actPay, "D-1", nil).Deliveries[0]; !d.Acked {
		t.Fatalf("not delivered to the new URL: %+v", d)
	}
	if err := f.emu.SetDashboard(Settings{NotifyURL: "not a url"}); err == nil {
		t.Fatal("accepted a relative notify_url")
	}
}

package shop

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNotify_VerifiesBeforeChangingState(t *testing.T) {
	type variant struct {
		name string
		// build returns the body and headers to send for order id.
		build    func(b *bench, id string) ([]byte, http.Header)
		status   int
		code     string
		wantPaid bool
	}
	valid := func(b *bench, id string) ([]byte, http.Header) {
		body := notifyJSON(id, "15000.00", "00")
		return body, signedHeaders(gatewayKey, body, b.ts())
	}
	cases := []variant{
		{"valid", valid, 200, "2005600", true},
		{"pretty-printed body still verifies (signature is over the minified form)", func(b *bench, id string) ([]byte, http.Header) {
			var pretty bytes.Buffer
			json.Indent(&pretty, notifyJSON(id, "15000.00", "00"), "", "  ")
			return pretty.Bytes(), signedHeaders(gatewayKey, pretty.Bytes(), b.ts())
		}, 200, "2005600", true},
		{"timestamp 5 min old is still fresh", func(b *bench, id string) ([]byte, http.Header) {
			body := notifyJSON(id, "15000.00", "00")
			return body, signedHeaders(gatewayKey, body, b.clock.Now().Add(-5*time.Minute).In(jakarta).Format(timestampLayout))
		}, 200, "2005600", true},
		{"wrong key", func(b *bench, id string) ([]byte, http.Header) {
			body := notifyJSON(id, "15000.00", "00")
			return body, signedHeaders(strangerKey, body, b.ts())
		}, 401, "4015600", false},
		{"tampered body", func(b *bench, id string) ([]byte, http.Header) {
			h := signedHeaders(gatewayKey, notifyJSON(id, "15000.00", "05"), b.ts())
			return notifyJSON(id, "15000.00", "00"), h
		}, 401, "4015600", false},
		{"signature of another order", func(b *bench, id string) ([]byte, http.Header) {
			h := signedHeaders(gatewayKey, notifyJSON("ORD-other", "15000.00", "00"), b.ts())
			return notifyJSON(id, "15000.00", "00"), h
		}, 401, "4015600", false},
		{"signature not base64", func(b *bench, id string) ([]byte, http.Header) {
			body, h := valid(b, id)
			h.Set("X-SIGNATURE", "abcde!")
			return body, h
		}, 401, "4015600", false},
		{"missing signature", func(b *bench, id string) ([]byte, http.Header) {
			body, h := valid(b, id)
			h.Del("X-SIGNATURE")
			return body, h
		}, 400, "4005602", false},
		{"missing timestamp", func(b *bench, id string) ([]byte, http.Header) {
			body, h := valid(b, id)
			h.Del("X-TIMESTAMP")
			return body, h
		}, 400, "4005602", false},
		{"stale timestamp, correctly signed", func(b *bench, id string) ([]byte, http.Header) {
			body := notifyJSON(id, "15000.00", "00")
			return body, signedHeaders(gatewayKey, body, b.clock.Now().Add(-6*time.Minute).In(jakarta).Format(timestampLayout))
		}, 401, "4015600", false},
		{"timestamp from the future", func(b *bench, id string) ([]byte, http.Header) {
			body := notifyJSON(id, "15000.00", "00")
			return body, signedHeaders(gatewayKey, body, b.clock.Now().Add(6*time.Minute).In(jakarta).Format(timestampLayout))
		}, 401, "4015600", false},
		{"UTC Z timestamp, correctly signed", func(b *bench, id string) ([]byte, http.Header) {
			body := notifyJSON(id, "15000.00", "00")
			return body, signedHeaders(gatewayKey, body, b.clock.Now().UTC().Format("2006-01-02T15:04:05Z"))
		}, 400, "4005601", false},
		{"unknown order", func(b *bench, id string) ([]byte, http.Header) {
			body := notifyJSON("ORD-nobody", "15000.00", "00")
			return body, signedHeaders(gatewayKey, body, b.ts())
		}, 404, "4045601", false},
		{"amount differs", func(b *bench, id string) ([]byte, http.Header) {
			body := notifyJSON(id, "1500.00", "00")
			return body, signedHeaders(gatewayKey, body, b.ts())
		}, 400, "4005601", false},
		{"amount without decimals", func(b *bench, id string) ([]byte, http.Header) {
			body := notifyJSON(id, "15000", "00")
			return body, signedHeaders(gatewayKey, body, b.ts())
		}, 400, "4005601", false},
		{"currency differs", func(b *bench, id string) ([]byte, http.Header) {
			body := []byte(strings.Replace(string(notifyJSON(id, "15000.00", "00")), "IDR", "USD", 1))
			return body, signedHeaders(gatewayKey, body, b.ts())
		}, 400, "4005601", false},
		{"not JSON, correctly signed", func(b *bench, id string) ([]byte, http.Header) {
			body := []byte("paid=yes")
			return body, signedHeaders(gatewayKey, body, b.ts())
		}, 400, "4005601", false},
		{"oversized body", func(b *bench, id string) ([]byte, http.Header) {
			body := []byte(`{"pad":"` + strings.Repeat("x", maxNotifyBody) + `"}`)
			return body, signedHeaders(gatewayKey, body, b.ts())
		}, 400, "4005601", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBench(t)
			id := b.checkout(t, "15000.00")
			body, h := tc.build(b, id)
			status, out := b.do(t, "POST", notifyPath, string(body), h)
			if status != tc.status || out["responseCode"] != tc.code {
				t.Fatalf("notify: HTTP %d %v, want %d %s", status, out, tc.status, tc.code)
			}
			o := b.order(t, id)
			if paid := o["status"] == "paid"; paid != tc.wantPaid {
				t.Errorf("order status %v after notify, want paid=%v", o["status"], tc.wantPaid)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.wantPaid]; num(o["fulfilments"]) != want {
				t.Errorf("fulfilments = %v, want %d", o["fulfilments"], want)
			}
		})
	}
}

func TestNotify_ConcurrentDuplicatesFulfilExactlyOnce(t *testing.T) {
	b := newBench(t)
	id := b.checkout(t, "15000.00")
	body := notifyJSON(id, "15000.00", "00")
	h := signedHeaders(gatewayKey, body, b.ts())
	const copies = 50
	var wg sync.WaitGroup
	answers := make([]string, copies)
	for i := range copies {
		wg.Go(func() {
			status, out := b.do(t, "POST", notifyPath, string(body), h)
			answers[i] = http.StatusText(status) + " " + out["responseCode"].(string)
		})
	}
	wg.Wait()
	for i, a := range answers {
		if a != "OK 2005600" {
			t.Errorf("copy %d answered %q, want every copy acknowledged with OK 2005600", i, a)
		}
	}
	o := b.order(t, id)
	if o["status"] != "paid" || num(o["fulfilments"]) != 1 {
		t.Errorf("after %d copies: %v, want paid with exactly 1 fulfilment", copies, o)
	}
	if n := b.webhooks.Load(); n != 1 {
		t.Errorf("fulfilment webhook called %d times, want 1", n)
	}
}

func TestNotify_ExpiredClosesOnlyPendingOrders(t *testing.T) {
	b := newBench(t)
	pending := b.checkout(t, "15000.00")
	paid := b.checkout(t, "15000.00")
	b.notify(t, paid, "15000.00", "00")
	for _, id := range []string{pending, paid} {
		if status, out := b.notify(t, id, "15000.00", "05"); status != 200 || out["responseCode"] != "2005600" {
			t.Fatalf("05 notify for %s: HTTP %d %v, want 200 2005600", id, status, out)
		}
	}
	if s := b.order(t, pending)["status"]; s != "expired" {
		t.Errorf("pending order after 05: %v, want expired", s)
	}
	if o := b.order(t, paid); o["status"] != "paid" || num(o["fulfilments"]) != 1 {
		t.Errorf("paid order after a late 05: %v, want still paid, 1 fulfilment", o)
	}
	// And the reverse order of events: a 00 after expiry does not ship.
	b.notify(t, pending, "15000.00", "00")
	if o := b.order(t, pending); o["status"] != "expired" || num(o["fulfilments"]) != 0 {
		t.Errorf("expired order after a late 00: %v, want expired, unfulfilled", o)
	}
}

func TestNotify_ISEAmountFailsFirstNotifyOnly(t *testing.T) {
	b := newBench(t)
	id := b.checkout(t, "11012.00")
	status, out := b.notify(t, id, "11012.00", "00")
	if status != 500 || out["responseCode"] != "5005601" || out["responseMessage"] != "Internal Server Error" {
		t.Fatalf("first notify: HTTP %d %v, want 500 5005601", status, out)
	}
	if o := b.order(t, id); o["status"] != "pending" || num(o["fulfilments"]) != 0 {
		t.Fatalf("after the 5005601 answer: %v, want untouched", o)
	}
	for range 2 {
		if status, out := b.notify(t, id, "11012.00", "00"); status != 200 || out["responseCode"] != "2005600" {
			t.Fatalf("retried notify: HTTP %d %v, want 200 2005600", status, out)
		}
	}
	if o := b.order(t, id); o["status"] != "paid" || num(o["fulfilments"]) != 1 {
		t.Errorf("after retries: %v, want paid once", o)
	}
	other := b.checkout(t, "11013.00")
	if status, _ := b.notify(t, other, "11013.00", "00"); status != 200 {
		t.Errorf("notify for another amount: HTTP %d, want 200", status)
	}
}

func TestReturnPage_ShowsStateAndNeverMarksPaid(t *testing.T) {
	b := newBench(t)
	id := b.checkout(t, "15000.00")
	for range 3 {
		req := "/return?order=" + id
		if code, _ := b.do(t, "GET", req, "", nil); code != 200 {
			t.Fatalf("GET %s: HTTP %d, want 200", req, code)
		}
	}
	if o := b.order(t, id); o["status"] != "pending" || num(o["fulfilments"]) != 0 {
		t.Errorf("after visiting PAY_RETURN: %v, want still pending", o)
	}
	for _, q := range []string{"ORD-nobody", "", "<script>"} {
		if code, _ := b.do(t, "GET", "/return?order="+q, "", nil); code != 404 {
			t.Errorf("return page for %q: HTTP %d, want 404", q, code)
		}
	}
}

func BenchmarkNotify_DuplicateOfHandledOrder(b *testing.B) {
	bn := newBench(b)
	id := bn.checkout(b, "15000.00")
	body := notifyJSON(id, "15000.00", "00")
	h := signedHeaders(gatewayKey, body, bn.ts())
	for b.Loop() {
		if status, _ := bn.do(b, "POST", notifyPath, string(body), h); status != 200 {
			b.Fatalf("HTTP %d", status)
		}
	}
}

// FuzzNotify_NeverPanics throws arbitrary bodies and timestamps at the
// notify endpoint of a shop that skips verification (the widest path) and
// of a correct one: every answer must be a SNAP JSON reply, never a panic.
func FuzzNotify_NeverPanics(f *testing.F) {
	f.Add([]byte(`{"originalPartnerReferenceNo":"ORD-1","amount":{"value":"1.00","currency":"IDR"},"latestTransactionStatus":"00"}`), "2025-01-01T10:00:00+07:00")
	f.Add([]byte(`{"amount":null}`), "")
	f.Add([]byte(`[`), "2025-13-01T10:00:00+07:00")
	f.Add([]byte(`{"originalPartnerReferenceNo":"../../etc","amount":{"value":"1e9"}}`), "x")
	benches := []*bench{newBench(f), newBench(f, faultNotifyNoVerify)}
	f.Fuzz(func(t *testing.T, body []byte, ts string) {
		for _, b := range benches {
			h := signedHeaders(gatewayKey, body, ts)
			status, out := b.do(t, "POST", notifyPath, string(body), h)
			if code, _ := out["responseCode"].(string); status == 0 || len(code) == 0 {
				t.Fatalf("notify answered HTTP %d %v, want a SNAP reply", status, out)
			}
		}
	})
}

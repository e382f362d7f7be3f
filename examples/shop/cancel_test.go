package shop

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

func TestCancel_BelievesOnlyDANA(t *testing.T) {
	cases := []struct {
		name   string
		paid   bool
		reply  *fakeReply
		code   int
		status string // order status afterwards
	}{
		{"unpaid, 2005700", false, nil, 200, "cancelled"},
		{"paid within 24 h, 2005700", true, nil, 200, "cancelled"},
		{"paid after 24 h, 4035700", true, &fakeReply{status: 403, body: `{"responseCode":"4035700","responseMessage":"Transaction Expired"}`}, 409, "paid"},
		{"in progress, 2025700", false, &fakeReply{status: 202, body: `{"responseCode":"2025700","responseMessage":"Request In Progress"}`}, 202, "pending"},
		{"5xx", false, &fakeReply{status: 500, body: `{"responseCode":"5005701","responseMessage":"Internal Server Error"}`}, 409, "pending"},
		{"no answer", false, &fakeReply{drop: true}, 502, "pending"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBench(t)
			id := b.checkout(t, "15000.00")
			if tc.paid {
				b.notify(t, id, "15000.00", "00")
			}
			if tc.reply != nil {
				b.dana.push(cancelPath, *tc.reply)
			}
			code, out := b.do(t, "POST", "/orders/"+id+"/cancel", `{"reason":"Out of stock"}`, nil)
			if code != tc.code {
				t.Fatalf("cancel: HTTP %d %v, want %d", code, out, tc.code)
			}
			if s := b.order(t, id)["status"]; s != tc.status || (out["status"] != nil && out["status"] != s) {
				t.Errorf("order %v (answer said %v), want %s", s, out["status"], tc.status)
			}
			var sent cancelRequest
			json.Unmarshal(b.dana.requests(cancelPath)[0].Body, &sent)
			if want := (cancelRequest{id, testMerchantID, "Out of stock"}); sent != want {
				t.Errorf("cancel body %+v, want %+v", sent, want)
			}
		})
	}
}

func TestCancel_ClosedOrdersNeedNoGatewayCall(t *testing.T) {
	b := newBench(t)
	cancelled := b.checkout(t, "15000.00")
	b.do(t, "POST", "/orders/"+cancelled+"/cancel", "", nil)
	expired := b.checkout(t, "15000.00")
	b.notify(t, expired, "15000.00", "05")
	for id, want := range map[string]int{cancelled: 200, expired: 409, "ORD-nobody": 404} {
		if code, out := b.do(t, "POST", "/orders/"+id+"/cancel", "", nil); code != want {
			t.Errorf("cancel %s: HTTP %d %v, want %d", id, code, out, want)
		}
	}
	if n := len(b.dana.requests(cancelPath)); n != 1 {
		t.Errorf("DANA got %d cancel calls, want 1", n)
	}
	// A payment DANA reports after the cancel is acknowledged, never shipped.
	if status, _ := b.notify(t, cancelled, "15000.00", "00"); status != 200 {
		t.Errorf("late 00 notify: HTTP %d, want 200", status)
	}
	if o := b.order(t, cancelled); o["status"] != "cancelled" || num(o["fulfilments"]) != 0 {
		t.Errorf("cancelled order after a late 00: %v", o)
	}
}

func queryReply(status, value, acquirement string) fakeReply {
	return fakeReply{status: 200, body: fmt.Sprintf(`{"responseCode":"2005500","responseMessage":"Successful",`+
		`"latestTransactionStatus":%q,"amount":{"value":%q,"currency":"IDR"},`+
		`"additionalInfo":{"statusDetail":{"acquirementStatus":%q}}}`, status, value, acquirement)}
}

func TestReconcile_AppliesDANAStatus(t *testing.T) {
	cases := []struct {
		name   string
		reply  fakeReply
		code   int
		status string
	}{
		{"paid", queryReply("00", "15000.00", "SUCCESS"), 200, "paid"},
		{"expired", queryReply("05", "15000.00", "CLOSED"), 200, "expired"},
		{"cancelled in DANA", queryReply("05", "15000.00", "CANCELLED"), 200, "cancelled"},
		{"still initiated", queryReply("01", "15000.00", "INIT"), 200, "pending"},
		{"paid, wrong amount", queryReply("00", "150.00", "SUCCESS"), 502, "pending"},
		{"not found", fakeReply{status: 404, body: `{"responseCode":"4045501","responseMessage":"Transaction Not Found"}`}, 502, "pending"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBench(t)
			id := b.checkout(t, "15000.00")
			b.dana.push(queryPath, tc.reply)
			code, out := b.do(t, "POST", "/orders/"+id+"/reconcile", "", nil)
			if code != tc.code || out["status"] != tc.status || b.order(t, id)["status"] != tc.status {
				t.Fatalf("reconcile: HTTP %d %v, want %d %s", code, out, tc.code, tc.status)
			}
			var sent queryRequest
			json.Unmarshal(b.dana.requests(queryPath)[0].Body, &sent)
			if want := (queryRequest{id, testMerchantID, "54"}); sent != want {
				t.Errorf("query body %+v, want %+v", sent, want)
			}
		})
	}
}

func TestReconcile_PaidIsAppliedOnceAlongsideNotifies(t *testing.T) {
	b := newBench(t)
	id := b.checkout(t, "15000.00")
	const rounds = 10
	for range rounds {
		b.dana.push(queryPath, queryReply("00", "15000.00", "SUCCESS"))
	}
	var wg sync.WaitGroup
	for range rounds {
		wg.Go(func() { b.do(t, "POST", "/orders/"+id+"/reconcile", "", nil) })
		wg.Go(func() { b.notify(t, id, "15000.00", "00") })
	}
	wg.Wait()
	if o := b.order(t, id); o["status"] != "paid" || num(o["fulfilments"]) != 1 {
		t.Errorf("after %d reconciles racing %d notifies: %v, want paid once", rounds, rounds, o)
	}
	if n := b.webhooks.Load(); n != 1 {
		t.Errorf("fulfilment webhook called %d times, want 1", n)
	}
}

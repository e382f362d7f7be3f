package shop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

func refundNo(t *testing.T, b *bench, i int) string {
	t.Helper()
	var req refundRequest
	if err := json.Unmarshal(b.dana.requests(refundPath)[i].Body, &req); err != nil {
		t.Fatal(err)
	}
	return req.PartnerRefundNo
}

func TestRefund_RetryReusesPartnerRefundNo(t *testing.T) {
	for name, first := range map[string]fakeReply{
		"no answer": {drop: true},
		"5xx":       ise5801,
	} {
		t.Run(name, func(t *testing.T) {
			b := newBench(t)
			id := paidOrder(t, b)
			b.dana.push(refundPath, first)
			status, out := b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"5000.00"}`, nil)
			if status != 200 || out["status"] != "partially_refunded" || out["refunded"] != "5000.00" {
				t.Fatalf("refund: HTTP %d %v, want 200 partially_refunded 5000.00", status, out)
			}
			reqs := b.dana.requests(refundPath)
			if len(reqs) != 2 {
				t.Fatalf("DANA got %d refund calls, want 2 (one retry)", len(reqs))
			}
			if !bytes.Equal(reqs[0].Body, reqs[1].Body) || out["refund_id"] != refundNo(t, b, 1) {
				t.Errorf("retry must resend the same partnerRefundNo and body:\n%s\n%s", reqs[0].Body, reqs[1].Body)
			}
		})
	}
}

func TestRefund_SendsDANAFields(t *testing.T) {
	b := newBench(t)
	id := paidOrder(t, b)
	b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"1000","reason":"Rusak"}`, nil)
	b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"1000"}`, nil)
	var got refundRequest
	json.Unmarshal(b.dana.requests(refundPath)[0].Body, &got)
	want := refundRequest{OriginalPartnerReferenceNo: id, MerchantID: testMerchantID,
		PartnerRefundNo: got.PartnerRefundNo, RefundAmount: money{"1000.00", "IDR"}, Reason: "Rusak"}
	if got != want || got.PartnerRefundNo == "" {
		t.Errorf("refund body %+v, want %+v", got, want)
	}
	if refundNo(t, b, 0) == refundNo(t, b, 1) {
		t.Error("two refunds share a partnerRefundNo; each refund needs its own")
	}
}

func TestRefund_NeverMoreThanPaidMinusRefunded(t *testing.T) {
	b := newBench(t)
	pending := b.checkout(t, "15000.00")
	id := paidOrder(t, b)
	steps := []struct {
		order, amount string
		code          int
		status        string
	}{
		{pending, "1.00", 422, "pending"},
		{id, "15000.01", 422, "paid"},
		{id, "10000.00", 200, "partially_refunded"},
		{id, "5000.01", 422, "partially_refunded"},
		{id, "5000", 200, "refunded"},
		{id, "0.01", 422, "refunded"},
		{id, "abc", 400, "refunded"},
		{"ORD-nobody", "1.00", 404, ""},
	}
	for _, s := range steps {
		code, out := b.do(t, "POST", "/orders/"+s.order+"/refund", `{"amount":"`+s.amount+`"}`, nil)
		if code != s.code || (s.status != "" && b.order(t, s.order)["status"] != s.status) {
			t.Fatalf("refund %s of %s: HTTP %d %v, want %d and order %s", s.amount, s.order, code, out, s.code, s.status)
		}
	}
	if n := len(b.dana.requests(refundPath)); n != 2 {
		t.Errorf("DANA got %d refund calls, want 2: refused ones never leave the shop", n)
	}
	if o := b.order(t, id); o["refunded"] != "15000.00" {
		t.Errorf("refunded %v, want 15000.00", o["refunded"])
	}
}

func TestRefund_ConcurrentRequestsCannotOverRefund(t *testing.T) {
	b := newBench(t)
	id := paidOrder(t, b)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 10 {
		wg.Go(func() {
			code, _ := b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"5000.00"}`, nil)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[200] != 3 || codes[422] != 7 {
		t.Errorf("10 concurrent refunds of 5000 on 15000: %v, want 3×200 and 7×422", codes)
	}
	if o := b.order(t, id); o["status"] != "refunded" || o["refunded"] != "15000.00" {
		t.Errorf("order %v, want refunded 15000.00", o)
	}
}

var ise5801 = fakeReply{status: 500, body: `{"responseCode":"5005801","responseMessage":"Internal Server Error"}`}

func TestRefund_HandlesGatewayOutcomes(t *testing.T) {
	cases := []struct {
		name    string
		replies []fakeReply
		code    int
		gwCode  string
		// fullRefundAfter is the HTTP code of a full refund attempted next:
		// 200 when the first refund's money was released, 422 when reserved.
		fullRefundAfter int
	}{
		{"refused 4045800 releases the amount",
			[]fakeReply{{status: 404, body: `{"responseCode":"4045800","responseMessage":"Invalid Transaction Status"}`}}, 502, "4045800", 200},
		{"in progress 2025800 keeps it reserved",
			[]fakeReply{{status: 202, body: `{"responseCode":"2025800","responseMessage":"Request In Progress"}`}}, 202, "2025800", 422},
		{"no answer twice keeps it reserved", []fakeReply{{drop: true}, {drop: true}}, 502, "<nil>", 422},
		{"5xx twice keeps it reserved", []fakeReply{ise5801, ise5801}, 502, "5005801", 422},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBench(t)
			id := paidOrder(t, b)
			b.dana.push(refundPath, tc.replies...)
			code, out := b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"5000.00"}`, nil)
			if code != tc.code || fmt.Sprint(out["gateway_code"]) != tc.gwCode || out["status"] != "paid" {
				t.Fatalf("refund: HTTP %d %v, want %d gateway_code %s, order still paid", code, out, tc.code, tc.gwCode)
			}
			if code, out := b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"15000.00"}`, nil); code != tc.fullRefundAfter {
				t.Errorf("full refund afterwards: HTTP %d %v, want %d", code, out, tc.fullRefundAfter)
			}
		})
	}
}

func BenchmarkRefund_PartialRefund(b *testing.B) {
	bn := newBench(b)
	id := bn.checkout(b, "99999999.00")
	bn.notify(b, id, "99999999.00", "00")
	for b.Loop() {
		if code, out := bn.do(b, "POST", "/orders/"+id+"/refund", `{"amount":"0.01"}`, nil); code != 200 {
			b.Fatalf("HTTP %d %v", code, out)
		}
	}
}

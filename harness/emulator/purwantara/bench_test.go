package purwantara

import (
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkCreateAndPay measures one merchant create over HTTP plus a
// simulator pay with its signed webhook delivered to a loopback merchant.
func BenchmarkCreateAndPay(b *testing.B) {
	f := newFixture(b, noCreateHook)
	b.ResetTimer()
	for i := range b.N {
		ref := fmt.Sprintf("B-%d", i)
		status, res := f.do(http.MethodPost, "/v1/qris", `{"amount":15000,"order_id":"`+ref+`"}`)
		if status != http.StatusCreated {
			b.Fatalf("HTTP %d %s", status, res.Raw)
		}
		f.act("pay", res.Get("data.uuid").Str, nil)
	}
}

// BenchmarkPayload measures building and PHP-encoding one webhook payload.
func BenchmarkPayload(b *testing.B) {
	t := &tx{uuid: newUUID(), ref: "PL-1", ch: channels[4], title: "Kopi Susu — Café",
		returnURL: "https://shop.example/return?order=PL-1", amount: 150000000, instrument: "https://x/simulator/1"}
	b.ReportAllocs()
	for range b.N {
		_ = marshalPHP(payload(t, StatusPaid, t.created, "OVO"))
	}
}

package midtrans

import (
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkSnapCreateStatus measures one Snap create plus one Core status
// over loopback HTTP, the round trip every checkout costs a run.
func BenchmarkSnapCreateStatus(b *testing.B) {
	f := newFixture(b)
	b.ResetTimer()
	for i := range b.N {
		order := fmt.Sprintf("B-%d", i)
		f.create(order, 10000)
		if st, _, _ := f.call(http.MethodGet, "/v2/"+order+"/status", ""); st != http.StatusOK {
			b.Fatalf("status HTTP %d", st)
		}
	}
}

// BenchmarkPayNotify measures settling a transaction and delivering its
// signed notification to a merchant endpoint.
func BenchmarkPayNotify(b *testing.B) {
	f := newFixture(b)
	for i := range b.N {
		f.create(fmt.Sprintf("P-%d", i), 10000)
	}
	b.ResetTimer()
	for i := range b.N {
		if d := f.act(actPay, fmt.Sprintf("P-%d", i), nil).Deliveries[0]; !d.Acked {
			b.Fatal("not acknowledged")
		}
	}
}

package dana

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/snap"
)

// BenchmarkCreateOrder measures signed create-order requests handled
// through Handler() in process: body read, header checks, RSA-2048
// verification, validation, order creation and evidence recording.
// Signing is the merchant's cost, not the gateway's, so a pool of distinct
// requests is signed before the timer starts; each pass over the pool
// starts from an empty order book so every request creates a new order.
func BenchmarkCreateOrder(b *testing.B) {
	const pool = 256
	f := newFixture(b)
	bodies := make([][]byte, pool)
	headers := make([]http.Header, pool)
	for i := range pool {
		bodies[i] = mustJSON(b, f.createBody(fmt.Sprintf("INV-%d", i), "10000.00"))
		headers[i] = f.request(pathOf(APICreateOrder), bodies[i], "").Header
	}
	h := f.e.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%pool == 0 && i > 0 {
			b.StopTimer()
			f.e.mu.Lock()
			f.e.st.stopTimers()
			f.e.st = newState()
			f.e.mu.Unlock()
			b.StartTimer()
		}
		req := httptest.NewRequest(http.MethodPost, pathOf(APICreateOrder), ioNop(bodies[i%pool]))
		req.Header = headers[i%pool]
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"2005400"`) {
			b.Fatalf("HTTP %d %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// BenchmarkNotifySign measures building and signing one finish notify
// (body encoding, hash, RSA-2048 PKCS#1 v1.5 signature, headers).
func BenchmarkNotifySign(b *testing.B) {
	f := newFixture(b)
	f.create("INV-1", "10000.00")
	e := f.e
	o := e.st.orders[0]
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		e.mu.Lock()
		job := e.eventLocked(o, "00", "valid")
		e.mu.Unlock()
		w := e.signedWire(job, snap.FormatTimestamp(f.clk.Now()), e.o.GatewayPrivateKey)
		if w.header.Get("X-SIGNATURE") == "" {
			b.Fatal("unsigned")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notifies/s")
}

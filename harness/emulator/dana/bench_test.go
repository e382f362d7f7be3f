package dana

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
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
	o := e.st.orders.All()[0]
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

// BenchmarkEmulateLoad is the load of a long uatrun emulate session:
// each iteration creates an order with a signed request through
// Handler(), pays it and delivers its finish notify to the merchant, as
// the hosted checkout's Pay button does. It reports the live heap the
// emulator retains after a GC, in total and per order: with the bounded
// stores (KeptOrders, emulator.KeptItems/KeptBytes) the total levels off
// however many orders pass, so the per-order figure falls as b.N grows.
//
//	go test -run '^$' -bench BenchmarkEmulateLoad -benchtime 60000x ./harness/emulator/dana
func BenchmarkEmulateLoad(b *testing.B) {
	f := newFixture(b)
	// The notifies go to a merchant that keeps nothing, so the figure is
	// the emulator's alone.
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"responseCode":"2005600","responseMessage":"Successful"}`)
	}))
	defer sink.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := range b.N {
		ref := fmt.Sprintf("LOAD-%d", i)
		body := f.createBody(ref, "10000.00")
		body["urlParams"].([]any)[1].(map[string]any)["url"] = sink.URL + "/v1.0/debit/notify"
		status, res := f.post(pathOf(APICreateOrder), body)
		if status != http.StatusOK {
			b.Fatalf("create %s: HTTP %d %s", ref, status, res.Raw)
		}
		if r := f.act("pay", ref, nil); len(r.Deliveries) != 1 || !r.Deliveries[0].Acked {
			b.Fatalf("pay %s: %+v", ref, r)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	retained := float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
	b.ReportMetric(retained/(1<<20), "retained-MiB")
	b.ReportMetric(retained/float64(b.N), "retained-B/order")
	b.ReportMetric(float64(after.Sys)/(1<<20), "sys-MiB")
}

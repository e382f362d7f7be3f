package hostile

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
)

// Bomb is n bytes of '[': valid JSON's opening, nested n deep.
func Bomb(n int) []byte { return bytes.Repeat([]byte{'['}, n) }

// ObjectBomb nests n objects: {"a":{"a":… with no end.
func ObjectBomb(n int) []byte { return bytes.Repeat([]byte(`{"a":`), n/5) }

// Cost is what a burst cost the process.
type Cost struct {
	// SysGrowth is how much more memory the runtime holds from the OS
	// after the burst than before: heap and goroutine stacks at their
	// peak, since the runtime does not give address space back. It is
	// the high-water mark of the burst, without sampling.
	SysGrowth uint64
	// Retained is the live heap after the burst and a GC, less the live
	// heap before: what the handler kept.
	Retained int64
}

// Burst serves n requests made by mk through h, all at once, and returns
// the answers and the memory the burst cost.
func Burst(h http.Handler, n int, mk func(i int) *http.Request) ([]*httptest.ResponseRecorder, Cost) {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = mk(i)
	}
	out := make([]*httptest.ResponseRecorder, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range reqs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rec := httptest.NewRecorder()
			<-start
			h.ServeHTTP(rec, reqs[i])
			out[i] = rec
		}(i)
	}
	close(start)
	wg.Wait()
	runtime.GC()
	runtime.ReadMemStats(&after)
	cost := Cost{Retained: int64(after.HeapAlloc) - int64(before.HeapAlloc)}
	if after.Sys > before.Sys {
		cost.SysGrowth = after.Sys - before.Sys
	}
	return out, cost
}

// PerRequest bounds what one 1 MiB hostile request may cost: reading its
// body (the read buffer grows to twice the body at most) and the capped
// evidence kept of it. A nesting bomb that reached a recursive JSON
// validator cost ≈ 225 MB.
const PerRequest = 4 << 20

// CheckCost fails t when a burst of n requests grew the runtime's memory
// by more than n × PerRequest, or left more than n × keep bytes live.
func CheckCost(t testing.TB, n int, cost Cost, keep int64) {
	t.Helper()
	t.Logf("%d requests: runtime memory +%d KiB, live heap %+d KiB", n, cost.SysGrowth>>10, cost.Retained>>10)
	if cost.SysGrowth > uint64(n)*PerRequest {
		t.Errorf("%d requests grew the runtime's memory by %d MiB; want at most %d MiB",
			n, cost.SysGrowth>>20, uint64(n)*PerRequest>>20)
	}
	if cost.Retained > int64(n)*keep {
		t.Errorf("%d requests left %d KiB live; want at most %d KiB", n, cost.Retained>>10, int64(n)*keep>>10)
	}
}

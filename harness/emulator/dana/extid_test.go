package dana

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// The probe of issue 23 against Gapura: 16,000 requests, each with its
// own 62 KB X-EXTERNAL-ID and a correct signature, must not grow the
// live heap by more than 96 MiB (the recorder's 64 MiB of exchanges
// included) nor the runtime's memory past 300 MiB; none of the refused
// ids is remembered. Before: 1.7 GB in 11 s.
func TestHostile_LongExternalIDsStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("16,000 requests")
	}
	const requests, size, liveBound, sysBound = 16000, 62 << 10, 96 << 20, 300 << 20
	f := newFixture(t)
	body := mustJSON(t, f.createBody("INV-EXT", "10000.00"))
	path := pathOf(APICreateOrder)
	signed := f.request(path, body, "") // the clock stands still: one signature serves every request
	pad := strings.Repeat("e", size-16)
	h := f.e.Handler()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range requests {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header = signed.Header.Clone()
		req.Header.Set("X-EXTERNAL-ID", fmt.Sprintf("%016d", i)+pad)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if i == 0 && !strings.Contains(rec.Body.String(), `"4005401"`) {
			t.Fatalf("a 62 KB X-EXTERNAL-ID answered %s, want 4005401 Invalid Field Format X-EXTERNAL-ID", rec.Body)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d requests with %d KB X-EXTERNAL-IDs: live heap %+d KiB, runtime memory %d MiB", requests, size>>10, live>>10, after.Sys>>20)
	if live > liveBound {
		t.Errorf("the live heap grew by %d MiB; want at most %d MiB", live>>20, liveBound>>20)
	}
	if after.Sys > sysBound {
		t.Errorf("the runtime holds %d MiB; want under %d MiB", after.Sys>>20, sysBound>>20)
	}
	f.e.mu.Lock()
	n := f.e.st.extIDs.Len()
	f.e.mu.Unlock()
	if n != 0 {
		t.Errorf("%d refused requests' X-EXTERNAL-IDs remembered; only authenticated calls are", n)
	}
}

package danawidget

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// extIDAttack is the probe of issue 23: 16,000 requests, each with its
// own 62 KB X-EXTERNAL-ID (signed correctly, so only the id's length is
// wrong), must not grow the emulator's live heap by more than
// extIDLiveBound (the recorder's 64 MiB of exchanges included), and its
// runtime memory stays under extIDSysBound. Before: 1.7 GB in 11 s.
const (
	extIDRequests  = 16000
	extIDSize      = 62 << 10
	extIDLiveBound = 96 << 20
	extIDSysBound  = 300 << 20
)

func TestHostile_LongExternalIDsStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("16,000 requests")
	}
	r := newRig(t)
	ks, _ := testKeys()
	path := "/rest/redirection/v1.0/debit/payment-host-to-host"
	body := []byte(`{"partnerReferenceNo":"X"}`)
	pad := strings.Repeat("e", extIDSize-16)
	h := r.e.Handler()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ts := snap.FormatTimestamp(r.clk.Now()) // the clock stands still: one signature serves every request
	sts, _ := snap.AsymmetricStringToSign(http.MethodPost, path, body, ts)
	sig, _ := snap.SignRSA(ks[0].PrivateKey, sts)
	for i := range extIDRequests {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-TIMESTAMP", ts)
		req.Header.Set("CHANNEL-ID", "95221")
		req.Header.Set("X-PARTNER-ID", "P1")
		req.Header.Set("X-EXTERNAL-ID", fmt.Sprintf("%016d", i)+pad)
		req.Header.Set("X-SIGNATURE", sig)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if i == 0 && !strings.Contains(rec.Body.String(), `"4005401"`) {
			t.Fatalf("a 62 KB X-EXTERNAL-ID answered %s, want 4005401 Invalid Field Format X-EXTERNAL-ID", rec.Body)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	sys := after.Sys
	t.Logf("%d requests with %d KB X-EXTERNAL-IDs: live heap %+d KiB, runtime memory %d MiB", extIDRequests, extIDSize>>10, live>>10, sys>>20)
	if live > extIDLiveBound {
		t.Errorf("the live heap grew by %d MiB; want at most %d MiB", live>>20, extIDLiveBound>>20)
	}
	if sys > extIDSysBound {
		t.Errorf("the runtime holds %d MiB; want under %d MiB", sys>>20, extIDSysBound>>20)
	}
	r.e.mu.Lock()
	n := r.e.st.extIDs.Len()
	r.e.mu.Unlock()
	if n != 0 {
		t.Errorf("%d refused requests' X-EXTERNAL-IDs remembered; only authenticated calls are", n)
	}
}

// An X-EXTERNAL-ID is remembered as a 32-byte digest whatever its length.
func TestExternalIDKey_IsFixedSize(t *testing.T) {
	for _, ext := range []string{"", "a", strings.Repeat("x", 1<<20)} {
		if k := bisnap.ExternalIDKey("P1", ext); len(k) != 32 {
			t.Errorf("key of a %d-byte id is %d bytes", len(ext), len(k))
		}
	}
	if bisnap.ExternalIDKey("P1", "a") == bisnap.ExternalIDKey("P2", "a") {
		t.Error("partners share a key")
	}
}

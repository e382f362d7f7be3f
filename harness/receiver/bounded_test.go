package receiver

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Callbacks of 1 MiB each are kept in memory only up to the bound: the
// newest stay, older ones are dropped from memory, the journal keeps
// every one, and sequence numbers keep counting.
func TestReceiver_KeepsTheNewestWithinABound(t *testing.T) {
	defer func(b int64) { keptBytes = b }(keptBytes)
	keptBytes = 8 << 20
	const n = 40 // 40 MiB sent; 8 MiB kept
	journal := filepath.Join(t.TempDir(), "callbacks.jsonl")
	r, err := New(Options{JournalPath: journal})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	body := bytes.Repeat([]byte("a"), DefaultMaxBody)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/hooks/big?i=%d", i), bytes.NewReader(body))
		r.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d × 1 MiB callbacks: live heap %+d MiB", n, retained>>20)
	if retained > keptBytes+8<<20 {
		t.Errorf("%d callbacks of 1 MiB left %d MiB live; want at most %d MiB", n, retained>>20, (keptBytes+8<<20)>>20)
	}
	got := r.Received()
	if len(got) == 0 || len(got) >= n || got[len(got)-1].Seq != n || got[len(got)-1].Query != fmt.Sprintf("i=%d", n-1) {
		t.Fatalf("kept %d callbacks, last seq %d", len(got), got[len(got)-1].Seq)
	}
	if !strings.Contains(r.summary(), fmt.Sprintf("%d arrived", n)) {
		t.Errorf("summary %q should count every arrival", r.summary())
	}
	// A wait for something already dropped does not find it; a new
	// arrival still wakes a waiter.
	go func() {
		time.Sleep(10 * time.Millisecond)
		r.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/hooks/late", strings.NewReader("{}")))
	}()
	cb, err := r.WaitFor(context.Background(), func(c Callback) bool { return c.Path == "/hooks/late" }, 5*time.Second)
	if err != nil || cb.Seq != n+1 {
		t.Fatalf("late callback: %+v %v", cb.Seq, err)
	}
	_ = r.Close()
	all, err := ReadJournal(journal)
	if err != nil || len(all) != n+1 {
		t.Fatalf("journal has %d callbacks (%v); want every one", len(all), err)
	}
}

// FuzzHandle sends arbitrary methods, paths and bodies to the receiver:
// nothing panics, and every request is recorded and answered.
func FuzzHandle(f *testing.F) {
	for _, s := range []string{`{"order":"INV-1","status":"PAID"}`, ``, "\xff\xfe", strings.Repeat("[", 500), "a=b&c=d"} {
		f.Add("POST", "/hooks/fulfilment", s)
	}
	f.Add("GET", "/return?status=SUCCESS", "")
	r, err := New(Options{Expect: []string{"/hooks/*"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = r.Close() })
	f.Fuzz(func(t *testing.T, method, path, body string) {
		req, err := http.NewRequest(method, "http://receiver"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		rec := httptest.NewRecorder()
		before := r.Count(nil)
		r.Handler().ServeHTTP(rec, req)
		if rec.Code == 0 || rec.Code >= 500 {
			t.Fatalf("HTTP %d for %s %q", rec.Code, method, path)
		}
		if r.Count(nil) != before+1 && before < KeptCallbacks {
			t.Fatalf("callback not recorded")
		}
	})
}

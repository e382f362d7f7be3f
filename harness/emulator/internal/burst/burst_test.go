package burst

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Ten copies sent through one gate are all being handled at the same
// time: each handler waits until all ten are in, which a burst sent one
// after another (or goroutines racing a fast handler) never reaches.
func TestGate_CopiesOverlapAtTheServer(t *testing.T) {
	const n = 10
	var in sync.WaitGroup
	in.Add(n)
	all := make(chan struct{})
	go func() { in.Wait(); close(all) }()
	var overlapped atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) != `{"n":1}` {
			http.Error(w, "body "+string(body), http.StatusBadRequest)
			return
		}
		in.Done()
		select {
		case <-all:
			overlapped.Add(1)
		case <-time.After(3 * time.Second):
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	g := NewGate(n)
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := g.Client(&http.Client{Timeout: 10 * time.Second})
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/hook", strings.NewReader(`{"n":1}`))
			resp, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	if got := overlapped.Load(); got != n {
		t.Fatalf("%d of %d copies were in the handler together, want all (codes %v)", got, n, codes)
	}
}

// A copy that cannot connect does not hold the others back.
func TestGate_AFailedCopyReleasesTheRest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	g := NewGate(2)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, u := range []string{srv.URL, deadURL} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := g.Client(nil).Post(u, "application/json", strings.NewReader("{}"))
			if err == nil {
				resp.Body.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] == nil {
		t.Fatalf("errors %v, want the live copy answered and the dead one refused", errs)
	}
	if d := time.Since(start); d >= MaxHold {
		t.Fatalf("the live copy waited %s for a copy that had failed", d)
	}
}

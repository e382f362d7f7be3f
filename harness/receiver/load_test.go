package receiver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	loadSenders   = 64
	loadCallbacks = 10000
)

// runLoad sends total callbacks from senders goroutines over loopback and
// returns each request's duration, indexed by callback number.
func runLoad(tb testing.TB, url string, senders, total int) []time.Duration {
	tb.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders, MaxConnsPerHost: senders}}
	defer client.CloseIdleConnections()
	durations := make([]time.Duration, total)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < total; i = int(next.Add(1) - 1) {
				start := time.Now()
				if err := post(client, url, i); err != nil {
					tb.Error(err)
					return
				}
				durations[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	return durations
}

func post(client *http.Client, url string, i int) error {
	resp, err := client.Post(fmt.Sprintf("%s/hooks/load?i=%d", url, i), "application/json",
		strings.NewReader(fmt.Sprintf(`{"n":%d}`, i)))
	if err != nil {
		return fmt.Errorf("callback %d: %w", i, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("callback %d answered %d", i, resp.StatusCode)
	}
	return nil
}

// percentile returns the p-th percentile (0 < p <= 100) by nearest rank.
func percentile(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := int(float64(len(s))*p/100+0.5) - 1
	return s[max(0, min(rank, len(s)-1))]
}

// checkNoneLost asserts that every callback arrived exactly once with a
// unique sequence number.
func checkNoneLost(tb testing.TB, got []Callback, total int) {
	tb.Helper()
	if len(got) != total {
		tb.Fatalf("received %d callbacks, sent %d", len(got), total)
	}
	seqs, bodies := make(map[int]bool, total), make(map[int]bool, total)
	for _, c := range got {
		var b struct{ N int }
		if err := json.Unmarshal([]byte(c.Body), &b); err != nil {
			tb.Fatalf("callback %d body %q: %v", c.Seq, c.Body, err)
		}
		seqs[c.Seq], bodies[b.N] = true, true
	}
	if len(seqs) != total || len(bodies) != total {
		tb.Fatalf("%d unique seqs and %d unique bodies for %d callbacks", len(seqs), len(bodies), total)
	}
}

func TestReceiver_LoadLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: 10,000 callbacks from 64 senders")
	}
	r, err := New(Options{JournalPath: t.TempDir() + "/load.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	durations := runLoad(t, r.URL(), loadSenders, loadCallbacks)
	checkNoneLost(t, r.Received(), loadCallbacks)
	journal, err := ReadJournal(r.opts.JournalPath)
	if err != nil {
		t.Fatal(err)
	}
	checkNoneLost(t, journal, loadCallbacks)
	t.Logf("%d callbacks from %d senders, none lost; latency p50 %s p99 %s max %s",
		loadCallbacks, loadSenders, percentile(durations, 50), percentile(durations, 99), percentile(durations, 100))
}

// BenchmarkReceiver_Load sends the 10,000-callback load once per iteration
// and reports the per-request p99 latency.
func BenchmarkReceiver_Load(b *testing.B) {
	var p99 time.Duration
	for b.Loop() {
		b.StopTimer()
		r, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Start(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		durations := runLoad(b, r.URL(), loadSenders, loadCallbacks)
		b.StopTimer()
		checkNoneLost(b, r.Received(), loadCallbacks)
		p99 = max(p99, percentile(durations, 99))
		_ = r.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(loadCallbacks, "callbacks/op")
}

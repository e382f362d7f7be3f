package jobqueue

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestQueue_RunsInOrderAfterTheDelay(t *testing.T) {
	q := New(20*time.Millisecond, nil)
	defer q.Close()
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	start := time.Now()
	for i := range 3 {
		if !q.Add(func(context.Context) error {
			mu.Lock()
			got = append(got, i)
			n := len(got)
			mu.Unlock()
			if n == 3 {
				close(done)
			}
			return nil
		}) {
			t.Fatalf("job %d refused", i)
		}
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("jobs did not run")
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Error("a job ran before its delay")
	}
	if got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Errorf("order %v, want 0 1 2", got)
	}
}

func TestQueue_CloseDoesNotWaitOutTheDelayAndRefusesAfter(t *testing.T) {
	q := New(time.Hour, nil)
	ran := make(chan struct{}, 1)
	q.Add(func(context.Context) error { ran <- struct{}{}; return nil })
	closed := make(chan struct{})
	go func() { q.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for a job an hour away")
	}
	if q.Add(func(context.Context) error { return nil }) {
		t.Error("a closed queue accepted a job")
	}
	select {
	case <-ran:
		t.Error("a job ran after Close")
	default:
	}
}

func TestQueue_FullQueueRefuses(t *testing.T) {
	q := New(time.Hour, nil)
	defer q.Close()
	refused := false
	for range Capacity + 2 {
		if !q.Add(func(context.Context) error { return nil }) {
			refused = true
			break
		}
	}
	if !refused {
		t.Errorf("%d jobs accepted; want a refusal beyond Capacity", Capacity+2)
	}
}

// A job acknowledged to the gateway and then failing on a busy database
// must still be booked: the gateway will not send it again.
func TestQueue_RetriesAJobThatFailedForAReasonThatMayPass(t *testing.T) {
	q := New(0, func(err error) { t.Errorf("dropped: %v", err) })
	defer q.Close()
	var runs atomic.Int32
	booked := make(chan struct{})
	q.Add(func(context.Context) error {
		if runs.Add(1) < 3 {
			return errors.New("database is locked")
		}
		close(booked)
		return nil
	})
	select {
	case <-booked:
	case <-time.After(5 * time.Second):
		t.Fatalf("not booked after %d runs", runs.Load())
	}
	if n := runs.Load(); n != 3 {
		t.Errorf("%d runs, want 3", n)
	}
}

func TestQueue_DropsAPermanentFailureAtOnceAndReportsIt(t *testing.T) {
	dropped := make(chan error, 1)
	q := New(0, func(err error) { dropped <- err })
	defer q.Close()
	var runs atomic.Int32
	unknown := errors.New("unknown order")
	q.Add(func(context.Context) error {
		runs.Add(1)
		return Permanent(unknown)
	})
	select {
	case err := <-dropped:
		if !errors.Is(err, unknown) {
			t.Errorf("dropped with %v, want the job's own error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a permanent failure was not reported")
	}
	if n := runs.Load(); n != 1 {
		t.Errorf("%d runs of a permanent failure, want 1", n)
	}
}

func TestQueue_GivesUpAfterRetryAttempts(t *testing.T) {
	saved := Retry
	defer func() { Retry = saved }()
	Retry.First, Retry.Max = time.Millisecond, 4*time.Millisecond
	dropped := make(chan error, 1)
	q := New(0, func(err error) { dropped <- err })
	defer q.Close()
	var runs atomic.Int32
	q.Add(func(context.Context) error {
		runs.Add(1)
		return errors.New("still down")
	})
	select {
	case <-dropped:
	case <-time.After(30 * time.Second):
		t.Fatalf("never gave up after %d runs", runs.Load())
	}
	if n := int(runs.Load()); n != Retry.Attempts {
		t.Errorf("%d runs, want Retry.Attempts = %d", n, Retry.Attempts)
	}
}

func TestBackoff_DoublesUpToMax(t *testing.T) {
	if Retry.First != 50*time.Millisecond || Retry.Max != time.Second {
		t.Fatalf("Retry is %+v; this table is for 50ms doubling to 1s", Retry)
	}
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
		400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	for i, w := range want {
		if got := backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
}

func TestHTTPStatus_RetriesOnlyServerErrors(t *testing.T) {
	for _, c := range []struct {
		code           int
		err, permanent bool
	}{{200, false, false}, {204, false, false}, {400, true, true}, {404, true, true}, {409, true, true}, {500, true, false}, {503, true, false}} {
		err := HTTPStatus(c.code, "x")
		if (err != nil) != c.err || IsPermanent(err) != c.permanent {
			t.Errorf("HTTPStatus(%d) = %v (permanent %v); want error %v, permanent %v", c.code, err, IsPermanent(err), c.err, c.permanent)
		}
	}
}

func TestLogDrops_LogsTheJobsError(t *testing.T) {
	var buf bytes.Buffer
	LogDrops(slog.New(slog.NewTextHandler(&buf, nil)))(errors.New("order INV-1: database is locked"))
	if got := buf.String(); !strings.Contains(got, "queued job dropped") || !strings.Contains(got, "order INV-1: database is locked") {
		t.Errorf("logged %q; want the drop and the job's error", got)
	}
}

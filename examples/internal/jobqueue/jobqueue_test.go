package jobqueue

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestQueue_RunsInOrderAfterTheDelay(t *testing.T) {
	q := New(20 * time.Millisecond)
	defer q.Close()
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	start := time.Now()
	for i := range 3 {
		if !q.Add(func(context.Context) {
			mu.Lock()
			got = append(got, i)
			n := len(got)
			mu.Unlock()
			if n == 3 {
				close(done)
			}
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
	q := New(time.Hour)
	ran := make(chan struct{}, 1)
	q.Add(func(context.Context) { ran <- struct{}{} })
	closed := make(chan struct{})
	go func() { q.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for a job an hour away")
	}
	if q.Add(func(context.Context) {}) {
		t.Error("a closed queue accepted a job")
	}
	select {
	case <-ran:
		t.Error("a job ran after Close")
	default:
	}
}

func TestQueue_FullQueueRefuses(t *testing.T) {
	q := New(time.Hour)
	defer q.Close()
	refused := false
	for range Capacity + 2 {
		if !q.Add(func(context.Context) {}) {
			refused = true
			break
		}
	}
	if !refused {
		t.Errorf("%d jobs accepted; want a refusal beyond Capacity", Capacity+2)
	}
}

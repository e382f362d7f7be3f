package shop

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

// queued makes b's shop the queue-based design with the given delay.
func queued(b *bench, delay time.Duration) {
	b.shop.queue = jobqueue.New(delay, jobqueue.LogDrops(b.shop.log))
}

// waitOrder polls the order until ok or 3 s pass.
func waitOrder(t *testing.T, b *bench, id string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		o := b.order(t, id)
		if ok(o) {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("order never settled: %v", o)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// In queue mode a verified notify is acknowledged at once and booked by
// the worker a moment later, once however many copies arrive; a forged
// one is still refused in the request.
func TestQueueMode_AcknowledgesFirstAndBooksOnce(t *testing.T) {
	b := newBench(t)
	queued(b, 100*time.Millisecond)
	id := b.checkout(t, "15000.00")
	body := notifyJSON(id, "15000.00", "00")
	if status, out := b.do(t, "POST", notifyPath, string(body), signedHeaders(strangerKey, body, b.ts())); status != 401 {
		t.Fatalf("a wrong key answered %d %v, want 401 before anything is queued", status, out)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if status, out := b.notify(t, id, "15000.00", "00"); status != 200 || out["responseCode"] != "2005600" {
				t.Errorf("answered %d %v, want 200 2005600", status, out)
			}
		})
	}
	wg.Wait()
	if o := b.order(t, id); o["status"] != "pending" {
		t.Fatalf("booked within the request: %v", o)
	}
	o := waitOrder(t, b, id, func(o map[string]any) bool { return o["status"] == "paid" })
	time.Sleep(200 * time.Millisecond) // every copy's job has run
	if o = b.order(t, id); num(o["fulfilments"]) != 1 || b.webhooks.Load() != 1 {
		t.Errorf("order %v, %d webhooks; want 1 fulfilment", o, b.webhooks.Load())
	}
}

// The worker reads the order again when it books: a paid notify queued
// before the order was cancelled ships nothing.
func TestQueueMode_CancelledBeforeBookingIsNeverShipped(t *testing.T) {
	b := newBench(t)
	queued(b, 150*time.Millisecond)
	id := b.checkout(t, "15000.00")
	if status, out := b.notify(t, id, "15000.00", "00"); status != 200 || out["responseCode"] != "2005600" {
		t.Fatalf("answered %d %v", status, out)
	}
	if err := b.shop.store.markCancelled(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if o := b.order(t, id); o["status"] != "cancelled" || num(o["fulfilments"]) != 0 || b.webhooks.Load() != 0 {
		t.Errorf("order %v, %d webhooks; want cancelled and nothing shipped", o, b.webhooks.Load())
	}
}

// Close does not wait out a queued job's delay, and a closed queue takes
// nothing.
func TestQueueMode_CloseStopsTheWorker(t *testing.T) {
	b := newBench(t)
	queued(b, time.Hour)
	id := b.checkout(t, "15000.00")
	b.notify(t, id, "15000.00", "00")
	done := make(chan struct{})
	go func() { b.shop.queue.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("close waited for a queued job's delay")
	}
	if b.shop.queue.Add(func(context.Context) error { return nil }) {
		t.Fatal("a closed queue took a job")
	}
}

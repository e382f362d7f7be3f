package midtransshop

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// In queue mode a verified notification is acknowledged at once and
// booked by the worker a moment later; a forged one is still refused in
// the request.
func TestQueueMode_AcknowledgesFirstAndBooksLater(t *testing.T) {
	f := newFake(t)
	s, err := New(Config{GatewayURL: f.srv.URL, ServerKey: testKey, PublicURL: "http://shop.test", QueueDelay: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	id := checkout(t, s, "15000")
	if st, _ := do(t, s, http.MethodPost, NotifyPath, signedNotification(id, "settlement", "200", "15000.00", "SB-Mid-server-X")); st != http.StatusUnauthorized {
		t.Fatalf("a wrong signature_key answered %d, want 401 before anything is queued", st)
	}
	if st, m := do(t, s, http.MethodPost, NotifyPath, signedNotification(id, "settlement", "200", "15000.00", testKey)); st != http.StatusOK || m["status"] != "queued" {
		t.Fatalf("answered %d %v, want 200 queued", st, m)
	}
	if o := orderOf(t, s, id); o["status"] != "pending" {
		t.Fatalf("booked within the request: %v", o)
	}
	deadline := time.Now().Add(3 * time.Second)
	for orderOf(t, s, id)["status"] != "paid" {
		if time.Now().After(deadline) {
			t.Fatalf("never booked: %v", orderOf(t, s, id))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if o := orderOf(t, s, id); o["fulfilments"] != float64(1) {
		t.Fatalf("order %v", o)
	}
}

func TestQueueMode_CloseStopsTheWorker(t *testing.T) {
	f := newFake(t)
	s, err := New(Config{GatewayURL: f.srv.URL, ServerKey: testKey, QueueDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	id := checkout(t, s, "15000")
	do(t, s, http.MethodPost, NotifyPath, signedNotification(id, "settlement", "200", "15000.00", testKey))
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for a queued job's delay")
	}
	if s.queue.Add(func(context.Context) error { return nil }) {
		t.Fatal("a closed queue took a job")
	}
}

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

// A queued notification was acknowledged, so Midtrans will not send it
// again: a booking that fails for a reason that may pass (the status
// query answered 500) is run again by the queue, and the order is paid.
func TestQueueMode_RetriesABookingWhoseStatusQueryFailed(t *testing.T) {
	f := newFake(t)
	s, err := New(Config{GatewayURL: f.srv.URL, ServerKey: testKey, PublicURL: "http://shop.test",
		VerifyMode: VerifyModeRequery, QueueDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	id := checkout(t, s, "15000")
	f.queue("/status", 500, `{"status_code":"500","status_message":"Internal Server Error"}`)
	f.queue("/status", 200, `{"status_code":"200","order_id":"`+id+`","gross_amount":"15000.00","transaction_status":"settlement","fraud_status":"accept"}`)
	if st, m := do(t, s, http.MethodPost, NotifyPath, signedNotification(id, "settlement", "200", "15000.00", testKey)); st != http.StatusOK {
		t.Fatalf("answered %d %v, want 200", st, m)
	}
	deadline := time.Now().Add(5 * time.Second)
	for orderOf(t, s, id)["status"] != "paid" {
		if time.Now().After(deadline) {
			t.Fatalf("never booked after %d status queries: %v", len(f.requests("/status")), orderOf(t, s, id))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(f.requests("/status")); n != 2 {
		t.Errorf("%d status queries, want 2 (the failed one, then the retry)", n)
	}
}

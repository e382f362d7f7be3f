package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/clock"
)

// Attack: Ctrl-C during a wrong-key notify cancelled the request, and
// "the merchant did not acknowledge" then passed DANA-SIG-01 for a
// merchant that accepts wrong-key notifies. A delivery the run cut off
// is marked aborted, and is never an answer.
func TestDeliver_CancelledInFlightIsAbortedNotUnacknowledged(t *testing.T) {
	arrived := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select { // the merchant would accept it, if it ever answered
		case <-release:
		case <-r.Context().Done():
		}
		w.Write([]byte(`{"responseCode":"2005600"}`))
	}))
	defer srv.Close()
	defer close(release)

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }() // Ctrl-C while the notify is in flight
	rec := NewRecorder("x", nil, clock.Real{})
	d := rec.Deliver(ctx, srv.Client(), Delivery{Order: "o", Variant: "wrong_key", Attempt: 1}, Callback{
		Outbound: Outbound{URL: srv.URL}, Label: "finish_notify wrong_key", CodeField: "responseCode"})
	if !Aborted(d) || d.Acked {
		t.Fatalf("delivery %+v: want aborted and not acknowledged", d)
	}
	if !strings.Contains(d.Error, "the run was stopped") || d.Exchange.Error != d.Error {
		t.Errorf("error %q / exchange error %q", d.Error, d.Exchange.Error)
	}

	// A merchant that answers is never aborted, whatever it answers.
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	defer ok.Close()
	d = rec.Deliver(context.Background(), ok.Client(), Delivery{Order: "o", Variant: "wrong_key", Attempt: 1}, Callback{Outbound: Outbound{URL: ok.URL}})
	if Aborted(d) || d.Acked || d.Status != http.StatusUnauthorized {
		t.Errorf("answered delivery %+v", d)
	}
}

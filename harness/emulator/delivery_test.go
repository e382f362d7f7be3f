package emulator

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/evidence"
)

// merchant answers like a merchant's callback endpoint: /ok 200, /ack with
// a JSON code, /fail 500, /big with an oversize body, /moved redirects to
// /ok, and /echo repeats the method, a header and the body.
func merchant(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/ack", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"responseCode":"`+r.URL.Query().Get("code")+`"}`)
	})
	mux.HandleFunc("/fail", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, strings.Repeat("x", MaxAnswerBody+1))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.Header.Get("X-Test")+" "+string(b))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSend_AnswersAndErrors(t *testing.T) {
	srv := merchant(t)
	cases := []struct {
		name      string
		o         Outbound
		status    int
		body, err string
	}{
		{name: "post by default with headers and body", status: 200, body: "POST yes {}",
			o: Outbound{URL: srv.URL + "/echo", Header: http.Header{"X-Test": {"yes"}}, Body: []byte("{}")}},
		{name: "get without a body", status: 200, body: "GET  ",
			o: Outbound{Method: http.MethodGet, URL: srv.URL + "/echo"}},
		{name: "redirect is the answer", status: http.StatusFound, o: Outbound{URL: srv.URL + "/moved"}},
		{name: "redirect followed when asked", status: 200, body: "ok",
			o: Outbound{URL: srv.URL + "/moved", FollowRedirects: true}},
		{name: "oversize answer is cut and reported", status: 200, body: strings.Repeat("x", MaxAnswerBody),
			err: "answer exceeds 64 KiB", o: Outbound{URL: srv.URL + "/big"}},
		{name: "unbuildable request is named", err: `build notify request: parse "http://[::1/x": missing ']' in host`,
			o: Outbound{URL: "http://[::1/x", BuildError: "build notify request"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ans, err := Send(context.Background(), srv.Client(), c.o)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.err || ans.Status != c.status || (c.body != "" && string(ans.Body) != c.body) {
				t.Fatalf("status %d body %.40q err %q; want %d %.40q %q", ans.Status, ans.Body, got, c.status, c.body, c.err)
			}
		})
	}
}

func TestSend_NetworkErrorHasNoAnswer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	ans, err := Send(context.Background(), http.DefaultClient, Outbound{URL: url + "/cb"})
	if err == nil || ans.Status != 0 || ans.Body != nil {
		t.Fatalf("answer %+v, err %v", ans, err)
	}
}

func TestRecorder_DeliverJudgesTheAnswer(t *testing.T) {
	srv := merchant(t)
	snapAck := func(status int, code string) bool { return status == http.StatusOK && code == "2005600" }
	cases := []struct {
		name, path string
		codeField  string
		acked      func(int, string) bool
		follow     bool
		wantAcked  bool
		wantStatus int
		wantCode   string
		wantErr    string
	}{
		{name: "any 2xx acknowledges by default", path: "/ok", wantAcked: true, wantStatus: 200},
		{name: "5xx does not", path: "/fail", wantStatus: 500},
		{name: "3xx does not when not followed", path: "/moved", wantStatus: 302},
		{name: "3xx followed to a 2xx does", path: "/moved", follow: true, wantAcked: true, wantStatus: 200},
		{name: "gateway code acknowledges", path: "/ack?code=2005600", codeField: "responseCode", acked: snapAck,
			wantAcked: true, wantStatus: 200, wantCode: "2005600"},
		{name: "wrong gateway code does not", path: "/ack?code=5005601", codeField: "responseCode", acked: snapAck,
			wantStatus: 200, wantCode: "5005601"},
		{name: "code not read when not asked", path: "/ack?code=2005600", wantAcked: true, wantStatus: 200},
		{name: "oversize answer does not", path: "/big", wantStatus: 200, wantErr: "answer exceeds 64 KiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTestRecorder()
			sig := &evidence.SignatureCheck{Scheme: "test", Valid: true}
			d := r.Deliver(context.Background(), srv.Client(), Delivery{Order: "A1", Variant: "valid", Attempt: 2}, Callback{
				Outbound: Outbound{URL: srv.URL + c.path, Header: http.Header{"X-Sig": {"s3cret"}}, Body: []byte(`{"a":1}`),
					FollowRedirects: c.follow},
				Label: "notify valid", Signature: sig, Notes: []string{"n"}, CodeField: c.codeField, Acked: c.acked,
			})
			if d.Acked != c.wantAcked || d.Status != c.wantStatus || d.ResponseCode != c.wantCode || d.Error != c.wantErr {
				t.Fatalf("delivery acked=%v status=%d code=%q err=%q", d.Acked, d.Status, d.ResponseCode, d.Error)
			}
			x := d.Exchange
			switch {
			case d.Order != "A1" || d.Variant != "valid" || d.Attempt != 2:
				t.Errorf("identity lost: %+v", d)
			case x.ID != "" || len(r.Exchanges()) != 0:
				t.Errorf("Deliver recorded the exchange itself: %q", x.ID)
			case x.Kind != evidence.KindNotify || x.Label != "notify valid" || x.Signature != sig || x.Notes[0] != "n":
				t.Errorf("exchange head: %+v", x)
			case x.Request.Method != http.MethodPost || x.Request.URL != srv.URL+c.path || strings.Contains(fmt.Sprint(x.Request.Headers), "s3cret"):
				t.Errorf("request: %+v", x.Request)
			case x.Response == nil || x.Response.Status != c.wantStatus || x.Error != c.wantErr:
				t.Errorf("response %+v, error %q", x.Response, x.Error)
			}
		})
	}
}

func TestRecorder_UndeliveredKeepsTheBodyAndWhy(t *testing.T) {
	r := newTestRecorder()
	d := r.Undelivered(Delivery{Order: "A1", Variant: "valid", Attempt: 1}, "webhook PAID", []byte(`{"s":"s3cret"}`),
		io.ErrClosedPipe, "configure a URL")
	x := d.Exchange
	if d.Error != io.ErrClosedPipe.Error() || d.Status != 0 || d.Acked || x.Error != d.Error || x.Response != nil {
		t.Fatalf("delivery %+v", d)
	}
	if x.Kind != evidence.KindNotify || x.Label != "webhook PAID" || x.Request.Method != http.MethodPost ||
		x.Request.URL != "" || strings.Contains(x.Request.Body, "s3cret") || x.Notes[0] != "configure a URL" || x.ID != "" {
		t.Fatalf("exchange %+v", x)
	}
}

func TestRecorder_VisitIsAShopperExchange(t *testing.T) {
	srv := merchant(t)
	r := newTestRecorder()
	x := r.Visit(context.Background(), srv.Client(), "return_shopper",
		Outbound{Method: http.MethodGet, URL: srv.URL + "/moved"})
	if x.Kind != evidence.KindShopper || x.Label != "return_shopper" || x.Request.Method != http.MethodGet ||
		x.Response == nil || x.Response.Status != http.StatusFound || x.Error != "" {
		t.Fatalf("visit %+v", x)
	}
	x = r.Visit(context.Background(), srv.Client(), "return_shopper",
		Outbound{Method: http.MethodGet, URL: "http://[::1", BuildError: "finish URL cannot be requested"})
	if x.Response != nil || !strings.HasPrefix(x.Error, "finish URL cannot be requested: ") {
		t.Fatalf("unbuildable visit %+v", x)
	}
}

func TestRetries_FollowTheScheduleOnTheClock(t *testing.T) {
	clk := clock.NewFake(virtualStart)
	schedule := []time.Duration{time.Minute, time.Hour}
	r := NewRetries(clk, schedule)
	schedule[0] = time.Hour // the caller's slice stays theirs
	var fired []int
	if !r.After(1, func() { fired = append(fired, 2) }) || !r.After(2, func() { fired = append(fired, 3) }) {
		t.Fatal("a retry within the schedule was refused")
	}
	if r.After(3, func() { t.Error("retry past the schedule ran") }) || r.After(0, func() {}) {
		t.Fatal("a retry outside the schedule was armed")
	}
	clk.Advance(59 * time.Second)
	if len(fired) != 0 || r.Pending() != 2 {
		t.Fatalf("early: fired %v, pending %d", fired, r.Pending())
	}
	clk.Advance(time.Second)
	if len(fired) != 1 || fired[0] != 2 || r.Pending() != 1 {
		t.Fatalf("after a minute: fired %v, pending %d", fired, r.Pending())
	}
	r.Stop()
	clk.Advance(2 * time.Hour)
	if len(fired) != 1 || r.Pending() != 0 {
		t.Fatalf("after Stop: fired %v, pending %d", fired, r.Pending())
	}
	if r.After(1, func() { t.Error("retry armed after Stop ran") }) {
		t.Fatal("After armed a retry after Stop")
	}
	clk.Advance(time.Hour)
}

package receiver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/evidence"
)

// serve runs the receiver's handler in an httptest server.
func serve(t *testing.T, o Options) (*Receiver, string) {
	t.Helper()
	r, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(r.Handler())
	t.Cleanup(func() { srv.Close(); _ = r.Close() })
	return r, srv.URL
}

// send makes one request and returns the status and answer.
func send(t *testing.T, method, url, body string, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReceiver_RecordsEveryPartOfACallback(t *testing.T) {
	virtual := time.Date(2026, 11, 21, 10, 20, 0, 0, time.UTC)
	r, url := serve(t, Options{Clock: clock.NewFake(virtual)})
	status, answer := send(t, "POST", url+"/hooks/dana?order=INV-1&x=a%20b", `{"paid":true}`,
		http.Header{"Content-Type": {"application/json"}, "X-Event": {"paid"}})
	if status != 200 || answer != `{"received":true}` {
		t.Fatalf("answer %d %s", status, answer)
	}
	send(t, "GET", url+"/return", "", nil)
	got := r.Received()
	if len(got) != 2 {
		t.Fatalf("received %d callbacks", len(got))
	}
	c := got[0]
	if c.Seq != 1 || c.Method != "POST" || c.Path != "/hooks/dana" || c.Query != "order=INV-1&x=a%20b" || c.Body != `{"paid":true}` {
		t.Errorf("callback %+v", c)
	}
	if c.Headers["X-Event"][0] != "paid" || c.Headers["Host"] == nil || c.Status != 200 {
		t.Errorf("headers %v status %d", c.Headers, c.Status)
	}
	if !c.At.Virtual.Equal(virtual) || c.At.Real.IsZero() {
		t.Errorf("stamp %+v", c.At)
	}
	if got[1].Seq != 2 || got[1].Method != "GET" || got[1].Path != "/return" {
		t.Errorf("second callback %+v", got[1])
	}
}

func TestReceiver_RejectsOversizeBodiesButRecordsThem(t *testing.T) {
	r, url := serve(t, Options{MaxBody: 64})
	status, answer := send(t, "POST", url+"/hooks/big", strings.Repeat("a", 1000), nil)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(answer, "body larger than 64 bytes") {
		t.Fatalf("answer %d %s", status, answer)
	}
	status, _ = send(t, "POST", url+"/hooks/small", strings.Repeat("b", 64), nil)
	got := r.Received()
	if len(got) != 2 || status != 200 {
		t.Fatalf("received %d, small status %d", len(got), status)
	}
	big := got[0]
	if !big.Truncated || len(big.Body) != 64 || big.Rejected == "" || big.Status != 413 {
		t.Errorf("big callback truncated=%v body=%d rejected=%q status=%d", big.Truncated, len(big.Body), big.Rejected, big.Status)
	}
	if got[1].Truncated || got[1].Rejected != "" {
		t.Errorf("a body of exactly MaxBody was rejected: %+v", got[1])
	}
	if ex := big.Exchange(); ex.Error == "" || !ex.Request.Truncated || ex.Response.Status != 413 {
		t.Errorf("exchange %+v", ex)
	}
}

func TestReceiver_SlowBodyIsBoundedAndRecorded(t *testing.T) {
	r, err := New(Options{ReadTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(r.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Promise 100 bytes, send 7, then stall: the receiver must give up.
	fmt.Fprint(conn, "POST /hooks/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	resp.Body.Close()
	c, err := r.WaitFor(context.Background(), nil, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 400 || c.Body != "partial" || !strings.HasPrefix(c.Rejected, "body unreadable") {
		t.Errorf("status %d, callback %+v", resp.StatusCode, c)
	}
}

func TestReceiver_JournalSurvivesAndReadsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run", "callbacks.jsonl")
	r, url := serve(t, Options{JournalPath: path})
	for i := range 3 {
		send(t, "POST", fmt.Sprintf("%s/hooks/%d", url, i), fmt.Sprintf(`{"n":%d,"s":"line\nbreak"}`, i), nil)
	}
	// No Close: a killed run leaves only what was written as it arrived.
	got, err := ReadJournal(path)
	if err != nil {
		t.Fatalf("ReadJournal: %v", err)
	}
	want := r.Received()
	if len(got) != 3 || got[2].Seq != 3 || got[2].Path != "/hooks/2" || got[1].Body != want[1].Body || !got[0].At.Real.Equal(want[0].At.Real) {
		t.Fatalf("journal %+v\nwant %+v", got, want)
	}

	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, `{"seq":4,"method":"PO`) // torn by a kill mid-write
	f.Close()
	if got, err := ReadJournal(path); err != nil || len(got) != 3 {
		t.Fatalf("torn last line: %d callbacks, err %v", len(got), err)
	}
}

func TestReadJournal_MalformedMiddleLineIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	content := `{"seq":1,"method":"GET","path":"/a","status":200}` + "\nnot json\n" + `{"seq":3,"method":"GET","path":"/c","status":200}` + "\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJournal(path)
	if err == nil || !strings.Contains(err.Error(), "j.jsonl:2") || len(got) != 1 {
		t.Fatalf("got %d callbacks, err %v", len(got), err)
	}
	if _, err := ReadJournal(filepath.Join(t.TempDir(), "missing.jsonl")); err == nil {
		t.Fatal("missing journal read without error")
	}
}

func TestReceiver_WaitForReturnsOnArrival(t *testing.T) {
	r, url := serve(t, Options{})
	send(t, "POST", url+"/hooks/early", "1", nil)

	type result struct {
		c   Callback
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := r.WaitFor(context.Background(), func(c Callback) bool { return c.Path == "/hooks/late" }, time.Minute)
		done <- result{c, err}
	}()
	send(t, "POST", url+"/hooks/other", "2", nil)
	send(t, "POST", url+"/hooks/late", "3", nil)
	res := <-done
	if res.err != nil || res.c.Body != "3" || res.c.Seq != 3 {
		t.Fatalf("WaitFor = %+v, %v", res.c, res.err)
	}

	// A callback that already arrived is returned at once.
	c, err := r.WaitFor(context.Background(), func(c Callback) bool { return c.Path == "/hooks/early" }, time.Minute)
	if err != nil || c.Seq != 1 {
		t.Fatalf("WaitFor(early) = %+v, %v", c, err)
	}
}

func TestReceiver_WaitForTimesOutWithAClearError(t *testing.T) {
	r, url := serve(t, Options{})
	send(t, "POST", url+"/hooks/other?x=1", "{}", nil)
	_, err := r.WaitFor(context.Background(), func(c Callback) bool { return c.Path == "/hooks/paid" }, 50*time.Millisecond)
	if !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("err = %v, want ErrWaitTimeout", err)
	}
	for _, s := range []string{"within 50ms", "1 arrived", "#1 POST /hooks/other?x=1"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.WaitFor(ctx, func(Callback) bool { return false }, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func TestReceiver_ExpectFlagsSurprises(t *testing.T) {
	r, url := serve(t, Options{Expect: []string{"/hooks/*", "/return"}})
	for _, tc := range []struct {
		path       string
		wantStatus int
		unexpected bool
	}{
		{"/hooks/dana", 200, false},
		{"/return", 200, false},
		{"/admin/refund", 404, true},
		{"/hooks/dana/extra", 404, true},
	} {
		status, _ := send(t, "POST", url+tc.path, "{}", nil)
		if status != tc.wantStatus {
			t.Errorf("%s answered %d, want %d", tc.path, status, tc.wantStatus)
		}
	}
	un := r.Unexpected()
	if len(un) != 2 || un[0].Path != "/admin/refund" || un[1].Path != "/hooks/dana/extra" || r.Count(nil) != 4 {
		t.Fatalf("unexpected %+v, total %d", un, r.Count(nil))
	}
	if ex := un[0].Exchange(); len(ex.Notes) == 0 || !strings.Contains(ex.Notes[0], "unexpected") {
		t.Errorf("exchange notes %v", ex.Notes)
	}
}

func TestNew_RejectsBadExpectPatterns(t *testing.T) {
	for _, p := range []string{"hooks/*", "/hooks/[", ""} {
		if _, err := New(Options{Expect: []string{p}}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", p)) {
			t.Errorf("pattern %q: err = %v", p, err)
		}
	}
}

func TestReceiver_RespondOverridesTheAnswer(t *testing.T) {
	r, url := serve(t, Options{})
	r.Respond("/hooks/*", 500, `{"error":"busy"}`)
	r.Respond("/hooks/dana", 202, "accepted")
	r.Respond("/bad", 42, "x")
	for _, tc := range []struct {
		path, body string
		status     int
	}{
		{"/hooks/dana", "accepted", 202},
		{"/hooks/midtrans", `{"error":"busy"}`, 500},
		{"/bad", "x", 500},
		{"/other", `{"received":true}`, 200},
	} {
		status, body := send(t, "POST", url+tc.path, "", nil)
		if status != tc.status || body != tc.body {
			t.Errorf("%s answered %d %q, want %d %q", tc.path, status, body, tc.status, tc.body)
		}
	}
	if got := r.Received(); got[0].Status != 202 || got[0].Answer != "accepted" {
		t.Errorf("recorded answer %d %q", got[0].Status, got[0].Answer)
	}
}

func TestReceiver_RedactsCredentialsEverywhere(t *testing.T) {
	const secret = "merchant-secret-XYZ123"
	path := filepath.Join(t.TempDir(), "j.jsonl")
	r, url := serve(t, Options{Redactor: evidence.NewRedactor(secret), JournalPath: path})
	send(t, "POST", url+"/hooks/a?key="+secret, `{"secret":"`+secret+`"}`, http.Header{
		"Authorization": {"Bearer " + secret}, "X-Api-Key": {secret},
	})
	send(t, "POST", url+"/hooks/b", "{}", http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}})
	got := r.Received()
	if a := got[0].Headers["Authorization"]; len(a) != 1 || a[0] != "Bearer "+evidence.Redacted {
		t.Errorf("Authorization recorded as %q", a)
	}
	if a := got[1].Headers["Authorization"]; a[0] != "Basic "+evidence.Redacted {
		t.Errorf("Basic credential recorded as %q", a)
	}
	recorded, _ := json.Marshal(got)
	exchanged, _ := json.Marshal(got[0].Exchange())
	journal, _ := os.ReadFile(path)
	for name, b := range map[string][]byte{"callbacks": recorded, "exchange": exchanged, "journal": journal} {
		if strings.Contains(string(b), secret) || strings.Contains(string(b), "dXNlcjpwYXNz") {
			t.Errorf("secret leaked into %s: %s", name, b)
		}
	}
}

func TestReceiver_StartServesOnLoopback(t *testing.T) {
	r, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.URL() != "" {
		t.Errorf("URL before Start = %q", r.URL())
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.URL(), "http://127.0.0.1:") {
		t.Errorf("URL = %q, want loopback", r.URL())
	}
	if status, _ := send(t, "PUT", r.URL()+"/x", "y", nil); status != 200 || r.Count(nil) != 1 {
		t.Errorf("status %d count %d", status, r.Count(nil))
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCallback_ExchangeIsACallbackRecord(t *testing.T) {
	c := Callback{Seq: 7, Method: "POST", Path: "/hooks/a", Query: "x=1", Body: "{}",
		Headers: map[string][]string{"X-A": {"1"}}, Status: 200, Answer: `{"received":true}`}
	ex := c.Exchange()
	if ex.ID != "callback-7" || ex.Kind != evidence.KindCallback || ex.Label != "POST /hooks/a" ||
		ex.Request.URL != "/hooks/a?x=1" || ex.Response.Status != 200 || ex.Response.Body != `{"received":true}` || ex.Error != "" {
		t.Errorf("exchange %+v", ex)
	}
	ex.Request.Headers["X-A"][0] = "changed"
	if c.Headers["X-A"][0] != "1" {
		t.Error("Exchange shares the callback's header slices")
	}
}

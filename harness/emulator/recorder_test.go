package emulator

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/evidence"
)

var virtualStart = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func newTestRecorder() *Recorder {
	return NewRecorder("gw", evidence.NewRedactor("s3cret"), clock.NewFake(virtualStart))
}

func TestRecorder_MessageRedactsEveryPartAndCapsTheBody(t *testing.T) {
	r := newTestRecorder()
	h := http.Header{"Authorization": {"Bearer s3cret"}}
	m := r.Message(http.MethodPost, "http://shop.test/cb?key=s3cret", 0, h, []byte(`{"secret":"s3cret"}`))
	for what, s := range map[string]string{"url": m.URL, "header": fmt.Sprint(m.Headers), "body": m.Body} {
		if strings.Contains(s, "s3cret") {
			t.Errorf("secret in %s: %s", what, s)
		}
	}
	if m.Truncated || m.Method != http.MethodPost {
		t.Fatalf("small message: %+v", m)
	}
	// A 3-byte rune straddling the cap is dropped whole.
	big := strings.Repeat("a", MaxRecordedBody-1) + "€" + "tail"
	m = r.Message("", "", 200, nil, []byte(big))
	if !m.Truncated || len(m.Body) != MaxRecordedBody-1 || !utf8.ValidString(m.Body) {
		t.Fatalf("capped body: truncated=%v len=%d valid=%v", m.Truncated, len(m.Body), utf8.ValidString(m.Body))
	}
}

func TestRecorder_AddNumbersExchangesWithThePrefix(t *testing.T) {
	r := newTestRecorder()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Add(&evidence.Exchange{Kind: evidence.KindNotify})
		}()
	}
	wg.Wait()
	xs := r.Exchanges()
	if len(xs) != 50 || xs[0].ID != "gw-000001" || xs[49].ID != "gw-000050" {
		t.Fatalf("ids: %d exchanges, first %q, last %q", len(xs), xs[0].ID, xs[len(xs)-1].ID)
	}
	xs[0].ID = "changed"
	if r.Exchanges()[0].ID != "gw-000001" {
		t.Fatal("Exchanges returned the log itself, not a copy")
	}
}

func TestRecorder_ReceiveStampsNumbersAndBoundsTheBody(t *testing.T) {
	r := newTestRecorder()
	small := r.Receive(httptest.NewRequest(http.MethodPost, "/a", strings.NewReader(`{}`)))
	big := r.Receive(httptest.NewRequest(http.MethodPost, "/b", strings.NewReader(strings.Repeat("x", MaxRequestBody+10))))
	broken := r.Receive(httptest.NewRequest(http.MethodPost, "/c", io.NopCloser(failingReader{})))
	if small.Seq != 1 || big.Seq != 2 || broken.Seq != 3 {
		t.Fatalf("seq: %d %d %d", small.Seq, big.Seq, broken.Seq)
	}
	if string(small.Body) != "{}" || small.TooBig || !small.At.Virtual.Equal(virtualStart) || small.At.Real.IsZero() {
		t.Fatalf("small: %+v", small)
	}
	if !big.TooBig || len(big.Body) != MaxRequestBody {
		t.Fatalf("big: tooBig=%v len=%d", big.TooBig, len(big.Body))
	}
	if len(broken.Violations) != 1 || !strings.Contains(broken.Violations[0], "could not be read") {
		t.Fatalf("unreadable body: %q", broken.Violations)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestRecorder_AddCallLogsTheCallAndItsExchangeTogether(t *testing.T) {
	r := newTestRecorder()
	in := r.Receive(httptest.NewRequest(http.MethodPost, "http://gw.test/pay?x=1", strings.NewReader(strings.Repeat("x", MaxRequestBody+1))))
	sig := &evidence.SignatureCheck{Scheme: "test", Valid: true}
	r.AddCall(Call{API: "create", Signature: sig, ResponseCode: "200"}, in, []string{"note"},
		Answer{Status: 201, Header: http.Header{"X-A": {"1"}}, Body: []byte(`{"ok":true}`)})
	calls := r.Calls("create")
	if len(calls) != 1 {
		t.Fatalf("calls: %+v", calls)
	}
	c := calls[0]
	x := c.Exchange
	switch {
	case c.Seq != 1 || c.ResponseCode != "200":
		t.Errorf("call: %+v", c)
	case x.ID != "gw-000001" || x.Kind != evidence.KindMerchantCall || x.Label != "create" || x.Signature != sig:
		t.Errorf("exchange head: %+v", x)
	case x.Request.URL != "http://gw.test/pay?x=1" || !x.Request.Truncated || x.Notes[0] != "note":
		t.Errorf("exchange request: url %q truncated %v notes %q", x.Request.URL, x.Request.Truncated, x.Notes)
	case x.Response == nil || x.Response.Status != 201 || x.Response.Body != `{"ok":true}`:
		t.Errorf("exchange response: %+v", x.Response)
	case !x.At.Virtual.Equal(virtualStart):
		t.Errorf("stamp: %+v", x.At)
	}
	if xs := r.Exchanges(); len(xs) != 1 || xs[0].ID != x.ID {
		t.Fatalf("exchange log: %+v", xs)
	}
}

func TestRecorder_CallsComeInArrivalOrder(t *testing.T) {
	r := newTestRecorder()
	first := r.Receive(httptest.NewRequest(http.MethodGet, "/1", nil))
	second := r.Receive(httptest.NewRequest(http.MethodGet, "/2", nil))
	other := r.Receive(httptest.NewRequest(http.MethodGet, "/3", nil))
	// The later call is answered first.
	r.AddCall(Call{API: "status"}, second, nil, Answer{Status: 200})
	r.AddCall(Call{API: "refund"}, other, nil, Answer{Status: 200})
	r.AddCall(Call{API: "status"}, first, nil, Answer{Status: 200})
	got := r.Calls("status")
	if len(got) != 2 || got[0].Seq != 1 || got[1].Seq != 2 {
		t.Fatalf("status calls: %+v", got)
	}
	all := r.CallsMatching(func(string) bool { return true })
	if len(all) != 3 || all[2].API != "refund" {
		t.Fatalf("all calls: %+v", all)
	}
	if r.Calls("cancel") != nil {
		t.Fatal("calls to an API never called")
	}
}

// The exchange and call logs keep the newest KeptItems entries within
// KeptBytes; ids and arrival numbers keep counting past what is dropped.
func TestRecorder_LogsAreBounded(t *testing.T) {
	r := newTestRecorder()
	for range KeptItems + 5 {
		r.Add(&evidence.Exchange{Kind: evidence.KindNotify, Label: "n"})
	}
	ex := r.Exchanges()
	if len(ex) != KeptItems || ex[0].ID != "gw-000006" || ex[len(ex)-1].ID != fmt.Sprintf("gw-%06d", KeptItems+5) {
		t.Fatalf("kept %d exchanges, %s … %s", len(ex), ex[0].ID, ex[len(ex)-1].ID)
	}
	big := strings.Repeat("b", MaxRecordedBody)
	for range 2 * KeptBytes / MaxRecordedBody {
		r.Add(&evidence.Exchange{Kind: evidence.KindNotify, Request: evidence.Message{Body: big}})
	}
	total := 0
	for _, x := range r.Exchanges() {
		total += ExchangeSize(x)
	}
	if total > KeptBytes {
		t.Fatalf("kept %d MiB of exchanges; want at most %d MiB", total>>20, KeptBytes>>20)
	}
}

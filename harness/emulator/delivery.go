package emulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Outbound is one HTTP request an emulator makes to the merchant's side:
// a notify or webhook, or the shopper's browser coming back.
type Outbound struct {
	Method string // "" means POST
	URL    string
	Header http.Header
	Body   []byte
	// BuildError heads the error when the request cannot be built (a
	// malformed URL), e.g. "build notify request".
	BuildError string
	// FollowRedirects follows 3xx answers as a default client does. When
	// false the first answer is the merchant's: Midtrans counts a 3xx as a
	// failed notification, and a browser's redirect is the page's answer.
	FollowRedirects bool
}

// Send makes o with client and reads at most MaxAnswerBody of the answer.
// A request that cannot be built, a network error or timeout, and an
// unreadable or oversize answer come back as err, together with whatever
// answer was seen (Status 0 when there was none).
func Send(ctx context.Context, client *http.Client, o Outbound) (Answer, error) {
	method := o.Method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader
	if o.Body != nil {
		body = bytes.NewReader(o.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, o.URL, body)
	if err != nil {
		return Answer{}, fmt.Errorf("%s: %w", o.BuildError, err)
	}
	req.Header = o.Header.Clone()
	if !o.FollowRedirects {
		c := *client
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		client = &c
	}
	resp, err := client.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	ans := Answer{Status: resp.StatusCode, Header: resp.Header}
	ans.Body, err = io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBody+1))
	if err != nil {
		return ans, fmt.Errorf("read answer: %w", err)
	}
	if len(ans.Body) > MaxAnswerBody {
		ans.Body = ans.Body[:MaxAnswerBody]
		return ans, fmt.Errorf("answer exceeds %d KiB", MaxAnswerBody>>10)
	}
	return ans, nil
}

// exchange sends o and returns it as an exchange of kind, not yet in the
// log: the caller adds it together with whatever it records alongside.
func (r *Recorder) exchange(ctx context.Context, client *http.Client, kind, label string, o Outbound) (evidence.Exchange, Answer, error) {
	method := o.Method
	if method == "" {
		method = http.MethodPost
	}
	at := r.Stamp()
	x := evidence.Exchange{Kind: kind, Label: label, At: at,
		Request: r.Message(method, o.URL, 0, o.Header, o.Body)}
	ans, err := Send(ctx, client, o)
	x.DurationMS = since(at.Real)
	if ans.Status != 0 {
		resp := r.Message("", "", ans.Status, ans.Header, ans.Body)
		x.Response = &resp
	}
	if err != nil {
		x.Error = err.Error()
	}
	return x, ans, err
}

// Visit is the shopper's browser requesting o, as an exchange labelled
// label that is not yet in the log.
func (r *Recorder) Visit(ctx context.Context, client *http.Client, label string, o Outbound) evidence.Exchange {
	x, _, _ := r.exchange(ctx, client, evidence.KindShopper, label, o)
	return x
}

// Callback is one notify or webhook attempt: the request, what the
// evidence says about it, and how the merchant's answer is read.
type Callback struct {
	Outbound
	Label     string                   // the exchange label, e.g. "webhook PAID"
	Signature *evidence.SignatureCheck // the emulator's own check of what it sends
	Notes     []string
	// CodeField is the JSON string field of the answer that becomes
	// Delivery.ResponseCode ("" = none).
	CodeField string
	// Acked judges an answer that arrived whole; nil means any 2xx.
	Acked func(status int, code string) bool
}

// Deliver sends cb as the attempt d names (Order, Variant, Attempt) and
// returns d completed from the answer, with its exchange not yet in the
// log: the emulator adds both under its own lock so an order's deliveries
// and the exchange log agree.
func (r *Recorder) Deliver(ctx context.Context, client *http.Client, d Delivery, cb Callback) Delivery {
	x, ans, err := r.exchange(ctx, client, evidence.KindNotify, cb.Label, cb.Outbound)
	x.Signature, x.Notes = cb.Signature, cb.Notes
	d.Status, d.Error = ans.Status, x.Error
	if cb.CodeField != "" && CheckJSONDepth(ans.Body, MaxJSONDepth) == nil && gjson.ValidBytes(ans.Body) {
		if code := gjson.GetBytes(ans.Body, cb.CodeField); code.Type == gjson.String {
			d.ResponseCode = code.Str
		}
	}
	acked := cb.Acked
	if acked == nil {
		acked = func(status int, _ string) bool { return status >= 200 && status < 300 }
	}
	d.Acked = err == nil && acked(d.Status, d.ResponseCode)
	if err != nil && ctx.Err() != nil {
		// Cut off by the run, not answered by the merchant: "not
		// acknowledged" would be a verdict on an answer that never came.
		d.Error = abortedPrefix + abortCause(ctx) + " (" + x.Error + ")"
		x.Error = d.Error
	}
	d.Exchange = x
	return d
}

// abortedPrefix starts the Error of a delivery the run cut off before the
// merchant answered (Ctrl-C, or the step's time ran out): nothing was
// answered, so nothing about the answer may be judged.
const abortedPrefix = "not judged: "

// Aborted reports a delivery the run cut off before the merchant
// answered. A step that judges it is ERRORED, never a pass: a notify
// cancelled in flight is not a notify the merchant refused.
func Aborted(d Delivery) bool { return strings.HasPrefix(d.Error, abortedPrefix) }

func abortCause(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.Canceled) {
		return "the run was stopped before the merchant answered"
	}
	return "the step's time (run.step_timeout) ran out before the merchant answered"
}

// Undelivered is attempt d of a callback that had nowhere to go: the body
// that would have been sent is recorded with why, and nothing was
// answered. The exchange is not yet in the log.
func (r *Recorder) Undelivered(d Delivery, label string, body []byte, why error, notes ...string) Delivery {
	d.Error = why.Error()
	d.Exchange = evidence.Exchange{Kind: evidence.KindNotify, Label: label, At: r.Stamp(),
		Request: r.Message(http.MethodPost, "", 0, nil, body), Error: d.Error, Notes: notes}
	return d
}

// Retries arms the retries of unacknowledged callbacks on an emulator's
// clock, after the delays of a schedule, and stops them all on Close. It
// is safe for concurrent use.
type Retries struct {
	clk      clock.Clock
	schedule []time.Duration

	mu      sync.Mutex
	pending map[clock.Timer]bool
	stopped bool
}

// NewRetries returns retries after the delays of schedule (copied): the
// first retry schedule[0] after the first attempt, and so on.
func NewRetries(clk clock.Clock, schedule []time.Duration) *Retries {
	return &Retries{clk: clk, schedule: append([]time.Duration(nil), schedule...), pending: map[clock.Timer]bool{}}
}

// After arms retry to run when the attempt after attempt is due (attempts
// count from 1). It arms nothing and reports false when the schedule has
// no retry left or Stop was called. A retry whose timer fires after Stop
// does not run.
func (r *Retries) After(attempt int, retry func()) bool {
	if attempt < 1 || attempt > len(r.schedule) {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	var t clock.Timer
	t = r.clk.AfterFunc(r.schedule[attempt-1], func() {
		r.mu.Lock()
		live := r.pending[t]
		delete(r.pending, t)
		r.mu.Unlock()
		if live {
			retry()
		}
	})
	r.pending[t] = true
	return true
}

// Stop cancels every pending retry; later calls to After arm nothing.
func (r *Retries) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	for t := range r.pending {
		t.Stop()
	}
	r.pending = map[clock.Timer]bool{}
}

// Pending is how many retries are armed.
func (r *Retries) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

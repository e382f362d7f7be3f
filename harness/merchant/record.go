package merchant

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/evidence"
)

// clipLen bounds bodies and stderr quoted inside error messages and notes.
const clipLen = 512

// record builds the redacted Exchange of one Do call.
type record struct {
	red   *evidence.Redactor
	start time.Time
	ex    evidence.Exchange
}

// newRecord stamps the exchange with the calling scenario's test clock
// when ctx carries one (scenarios run concurrently, each on its own).
func (d *Driver) newRecord(ctx context.Context, name string) *record {
	now := time.Now()
	return &record{
		red:   d.opts.Redactor,
		start: now,
		ex: evidence.Exchange{
			ID:    fmt.Sprintf("action-%d", d.seq.Add(1)),
			Kind:  evidence.KindAction,
			Label: name,
			At:    evidence.Stamp{Real: now, Virtual: clock.FromContext(ctx, d.opts.Clock).Now()},
		},
	}
}

// request records what is about to be sent.
func (r *record) request(req *http.Request, body []byte) {
	h := req.Header.Clone()
	if req.Host != "" {
		h.Set("Host", req.Host)
	}
	r.ex.Request = evidence.Message{
		Method:  req.Method,
		URL:     r.red.String(req.URL.String()),
		Headers: r.red.Headers(h),
		Body:    r.red.String(string(body)),
	}
}

// response records what came back.
func (r *record) response(status int, h http.Header, body []byte, truncated bool) {
	r.ex.Response = &evidence.Message{
		Status:    status,
		Headers:   r.red.Headers(h),
		Body:      r.red.String(string(body)),
		Truncated: truncated,
	}
}

func (r *record) note(s string) { r.ex.Notes = append(r.ex.Notes, r.red.String(s)) }

// fail records err on the exchange and returns both. The returned error is
// scrubbed too, since callers log it.
func (r *record) fail(res Result, err error) (Result, error) {
	err = &scrubbed{err: err, msg: r.red.String(err.Error())}
	r.ex.Error = err.Error()
	return r.done(res), err
}

// scrubbed is an error whose message has had secrets removed; errors.Is and
// errors.As still see the original chain.
type scrubbed struct {
	err error
	msg string
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// done stamps the duration and attaches the exchange.
func (r *record) done(res Result) Result {
	r.ex.DurationMS = float64(time.Since(r.start).Microseconds()) / 1000
	res.Exchange = r.ex
	return res
}

// clip shortens s for an error message without splitting a UTF-8 rune.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("…(%d more bytes)", len(s)-cut)
}

// quoteArgv renders argv for the evidence the way a shell user would type
// it, so the transcript can be re-run by hand.
func quoteArgv(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`|&;<>()*?[]#~{}") {
			parts[i] = a
			continue
		}
		parts[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(parts, " ")
}

package receiver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/evidence"
)

// defaultAnswer is what a callback gets when no Respond rule matches.
const defaultAnswer = `{"received":true}`

// unexpectedAnswer tells the merchant the path is not one uatrun expects,
// the way ghttp fails a request nobody registered.
const unexpectedAnswer = `{"received":true,"unexpected":true}`

// rule is one Respond registration.
type rule struct {
	pattern string
	status  int
	body    string
}

// handle records one callback, then answers it. Recording comes first so a
// sender that has its answer can rely on the callback being visible.
func (r *Receiver) handle(c *gin.Context) {
	at := evidence.Stamp{Real: time.Now(), Virtual: r.opts.Clock.Now()}
	// Bound the body read for this request; unsupported writers (httptest
	// recorders) have no deadline to set.
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(r.opts.ReadTimeout))
	body, truncated, rejected, status := r.readBody(c)
	req := c.Request
	red := r.opts.Redactor
	headers := req.Header.Clone()
	if req.Host != "" {
		headers.Set("Host", req.Host)
	}
	cb := Callback{
		Method: req.Method, Path: req.URL.Path, Query: red.String(req.URL.RawQuery),
		Headers: red.Headers(headers), Body: red.String(string(body)), Truncated: truncated,
		At: at, Unexpected: !r.expected(req.URL.Path), Rejected: rejected,
	}
	cb.Status, cb.Answer = r.answer(cb, status, rejected)
	r.record(&cb)
	c.Data(cb.Status, contentType(cb.Answer), []byte(cb.Answer))
}

// readBody reads at most MaxBody bytes. A larger body yields its first
// MaxBody bytes, Truncated and a 413; a body that cannot be read (sender
// too slow, connection dropped) yields what arrived and a 400.
func (r *Receiver) readBody(c *gin.Context) (body []byte, truncated bool, rejected string, status int) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, r.opts.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return body, false, "", 0
	case errors.As(err, &tooBig):
		return body, true, fmt.Sprintf("body larger than %d bytes", r.opts.MaxBody), http.StatusRequestEntityTooLarge
	default:
		return body, false, "body unreadable: " + err.Error(), http.StatusBadRequest
	}
}

// expected reports whether p matches an Expect pattern (or none are set).
func (r *Receiver) expected(p string) bool {
	if len(r.opts.Expect) == 0 {
		return true
	}
	for _, pat := range r.opts.Expect {
		if ok, _ := path.Match(pat, p); ok {
			return true
		}
	}
	return false
}

// answer picks the status and body: a rejection first, then the latest
// matching Respond rule, then the unexpected or default answer.
func (r *Receiver) answer(cb Callback, status int, rejected string) (int, string) {
	if rejected != "" {
		b, _ := json.Marshal(map[string]any{"received": false, "error": rejected})
		return status, string(b)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.rules) - 1; i >= 0; i-- {
		if rr := r.rules[i]; matches(rr.pattern, cb.Path) {
			return rr.status, rr.body
		}
	}
	if cb.Unexpected {
		return http.StatusNotFound, unexpectedAnswer
	}
	return http.StatusOK, defaultAnswer
}

// Respond answers callbacks whose path matches pattern (path.Match syntax;
// "" matches every path) with status and body. The latest matching call
// wins. Status 0 means 200; a status outside 100–599 is answered as 500 so
// the mistake shows rather than crashing the handler. Respond changes only
// the answer: a path outside Options.Expect is still flagged Unexpected.
func (r *Receiver) Respond(pattern string, status int, body string) {
	switch {
	case status == 0:
		status = http.StatusOK
	case status < 100 || status > 599:
		status = http.StatusInternalServerError
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rules = append(r.rules, rule{pattern: pattern, status: status, body: body})
}

// matches is path.Match with "" matching everything and a malformed
// pattern matching only itself, literally.
func matches(pattern, p string) bool {
	if pattern == "" {
		return true
	}
	ok, err := path.Match(pattern, p)
	if err != nil {
		return pattern == p
	}
	return ok
}

func contentType(body string) string {
	if json.Valid([]byte(body)) {
		return "application/json"
	}
	return "text/plain; charset=utf-8"
}

// record numbers the callback, keeps it, journals it and wakes waiters.
func (r *Receiver) record(cb *Callback) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	cb.Seq = r.seq
	r.got.Push(*cb)
	r.journal.write(*cb)
	close(r.arrived)
	r.arrived = make(chan struct{})
}

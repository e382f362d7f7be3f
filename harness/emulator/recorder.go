package emulator

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Bounds every emulator applies to what it reads and keeps.
const (
	MaxRequestBody  = 1 << 20  // a merchant request body; a bigger one is answered 413
	MaxRecordedBody = 64 << 10 // a body kept in evidence
	MaxAnswerBody   = 64 << 10 // the merchant's answer to a callback or a shopper's visit
)

// A Recorder keeps the newest exchanges and the newest calls, each log
// within KeptItems entries and KeptBytes of recorded bodies, URLs and
// headers; older ones are dropped. A scenario reads only the calls made
// while it ran — a few dozen — so a run loses nothing it judges, while
// an emulator serving for hours (uatrun emulate) stays bounded: the two
// logs share their recorded text, so together they hold about KeptBytes
// plus ≈ 1 KiB of bookkeeping per entry.
const (
	KeptItems = 10000
	KeptBytes = 64 << 20
)

// Recorder keeps an emulator's evidence: every exchange in the order it
// completed, with an id, and the merchant's calls. Bodies, headers and
// URLs are redacted and bodies capped before they are kept, so secrets
// never reach evidence; stamps read both the real and the virtual clock.
// It is safe for concurrent use and takes no lock of its caller's, so an
// emulator may record while holding its own state lock.
type Recorder struct {
	prefix   string
	redactor *evidence.Redactor
	clk      clock.Clock

	mu        sync.Mutex
	seq       int // merchant call arrivals (Call.Seq)
	exSeq     int // exchange ids
	exchanges *Ring[evidence.Exchange]
	calls     *Ring[Call]
}

// NewRecorder returns an empty recorder whose exchange ids read
// "<prefix>-000001", …; redactor may be nil.
func NewRecorder(prefix string, redactor *evidence.Redactor, clk clock.Clock) *Recorder {
	return &Recorder{prefix: prefix, redactor: redactor, clk: clk,
		exchanges: NewRing(KeptItems, KeptBytes, ExchangeSize),
		calls:     NewRing(KeptItems, KeptBytes, func(c Call) int { return ExchangeSize(c.Exchange) })}
}

// ExchangeSize is roughly what a recorded exchange holds: its bodies,
// URL and headers, and a fixed allowance for the rest.
func ExchangeSize(x evidence.Exchange) int {
	n := 512 + messageSize(x.Request) + len(x.Error)
	if x.Response != nil {
		n += messageSize(*x.Response)
	}
	for _, note := range x.Notes {
		n += len(note)
	}
	return n
}

func messageSize(m evidence.Message) int {
	n := len(m.Body) + len(m.URL)
	for k, vs := range m.Headers {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// Stamp reads both clocks.
func (r *Recorder) Stamp() evidence.Stamp {
	return evidence.Stamp{Real: time.Now(), Virtual: r.clk.Now()}
}

// Message builds a redacted evidence message whose body is capped at
// MaxRecordedBody (Truncated says so).
func (r *Recorder) Message(method, url string, status int, h http.Header, body []byte) evidence.Message {
	text, cut := capBody(r.redactor.String(string(body)))
	return evidence.Message{Method: method, URL: r.redactor.String(url), Status: status,
		Headers: r.redactor.Headers(h), Body: text, Truncated: cut}
}

// capBody keeps at most MaxRecordedBody bytes, cutting on a rune boundary.
// The kept part is a copy: a slice of s would keep all of s alive for as
// long as the evidence is.
func capBody(s string) (string, bool) {
	if len(s) <= MaxRecordedBody {
		return s, false
	}
	cut := MaxRecordedBody
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.Clone(s[:cut]), true
}

// Add gives x the next exchange id and appends it to the log.
func (r *Recorder) Add(x *evidence.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(x)
}

func (r *Recorder) addLocked(x *evidence.Exchange) {
	r.exSeq++
	x.ID = fmt.Sprintf("%s-%06d", r.prefix, r.exSeq)
	r.exchanges.Push(*x)
}

// Exchanges copies the kept log (the newest KeptItems exchanges within
// KeptBytes), in the order exchanges completed.
func (r *Recorder) Exchanges() []evidence.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.exchanges.All()
}

// Inbound is a merchant request as it arrived: stamped, numbered, and with
// its body read up to MaxRequestBody.
type Inbound struct {
	Req    *http.Request
	Seq    int // arrival order from 1, Call.Seq
	At     evidence.Stamp
	Body   []byte
	TooBig bool // the body was longer than MaxRequestBody and is cut there
	// Violations are protocol rules the request broke, starting with an
	// unreadable body; the gateway adds its own as it checks.
	Violations []string
}

// Receive stamps req, reads its bounded body and numbers it.
func (r *Recorder) Receive(req *http.Request) Inbound {
	in := Inbound{Req: req, At: r.Stamp()}
	body, err := io.ReadAll(io.LimitReader(req.Body, MaxRequestBody+1))
	if err != nil {
		in.Violations = append(in.Violations, "request body could not be read: "+err.Error())
	}
	if len(body) > MaxRequestBody {
		in.TooBig, body = true, body[:MaxRequestBody]
	}
	in.Body = body
	r.mu.Lock()
	r.seq++
	in.Seq = r.seq
	r.mu.Unlock()
	return in
}

// Answer is an HTTP answer: the emulator's to a merchant call, or the
// merchant's to a callback.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// AddCall records the merchant call in, answered with ans, as c (the
// caller fills API, Signature, ResponseCode and Violations; Seq and
// Exchange are set here). notes go on the exchange. The call and its
// exchange are logged together, so the two logs never disagree.
func (r *Recorder) AddCall(c Call, in Inbound, notes []string, ans Answer) {
	x := evidence.Exchange{Kind: evidence.KindMerchantCall, Label: c.API,
		Request:   r.Message(in.Req.Method, RequestURL(in.Req), 0, in.Req.Header, in.Body),
		Signature: c.Signature, Notes: notes, At: in.At, DurationMS: since(in.At.Real)}
	x.Request.Truncated = x.Request.Truncated || in.TooBig
	resp := r.Message("", "", ans.Status, ans.Header, ans.Body)
	x.Response = &resp
	c.Seq = in.Seq
	if c.Order == "" {
		c.Order = OrderRef(in.Req.URL, in.Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(&x)
	c.Exchange = x
	r.calls.Push(c)
}

// Calls copies the calls to api, in arrival order.
func (r *Recorder) Calls(api string) []Call {
	return r.CallsMatching(func(a string) bool { return a == api })
}

// CallsMatching copies the kept calls whose API keep accepts, in arrival
// order (Seq): a call is logged when answered, so a slow call can finish
// after one that arrived later.
func (r *Recorder) CallsMatching(keep func(api string) bool) []Call {
	r.mu.Lock()
	var out []Call
	r.calls.Each(func(c Call) {
		if keep(c.API) {
			out = append(out, c)
		}
	})
	r.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// RequestURL rebuilds the absolute URL the merchant called.
func RequestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.RequestURI()
}

// since is the real time elapsed since start in milliseconds, for
// Exchange.DurationMS.
func since(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

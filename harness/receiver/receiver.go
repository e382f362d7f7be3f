package receiver

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Defaults for zero Options fields.
const (
	DefaultMaxBody     = 1 << 20 // 1 MiB
	DefaultReadTimeout = 10 * time.Second
)

// The receiver keeps the newest KeptCallbacks callbacks whose recorded
// bodies, queries and headers add up to at most KeptBytes; older ones are
// dropped from memory (the journal, when set, still has every one). A
// scenario waits only for callbacks that arrive while it runs, so a run
// loses nothing it judges, and a long uatrun emulate session stays
// bounded: 1,000 callbacks of 1 MiB each keep 64 MiB, not 1 GB.
const (
	KeptCallbacks = 10000
	KeptBytes     = 64 << 20
)

// keptBytes is the bound in force: KeptBytes, lowered by tests so proving
// the bound does not take pushing 100 MiB through the race detector.
var keptBytes int64 = KeptBytes

// ErrWaitTimeout is wrapped by WaitFor when no matching callback arrived in
// time.
var ErrWaitTimeout = errors.New("callback did not arrive")

// Options configure a Receiver. Zero values take the documented defaults.
type Options struct {
	Addr     string // default "127.0.0.1:0"
	MaxBody  int64  // default 1 MiB; larger bodies get 413 and are still recorded
	Clock    clock.Clock
	Redactor *evidence.Redactor
	// JournalPath, when set, receives one JSON line per callback, written
	// as each arrives. The file is truncated by New.
	JournalPath string
	// Expect lists the allowed path patterns (path.Match syntax, e.g.
	// "/hooks/*"); empty allows every path.
	Expect []string
	// ReadTimeout bounds reading one request's body; default 10s. The
	// header read is bounded at 5s by the server.
	ReadTimeout time.Duration
}

// Callback is one request the merchant sent to the receiver, redacted.
type Callback struct {
	Seq       int                 `json:"seq"` // arrival order, from 1
	Method    string              `json:"method"`
	Path      string              `json:"path"`
	Query     string              `json:"query,omitempty"` // raw query string
	Headers   map[string][]string `json:"headers,omitempty"`
	Body      string              `json:"body,omitempty"`
	Truncated bool                `json:"truncated,omitempty"` // Body cut at MaxBody
	At        evidence.Stamp      `json:"at"`
	// Unexpected is set when the path matches none of Options.Expect.
	Unexpected bool `json:"unexpected,omitempty"`
	// Rejected says why the receiver refused the callback (too large,
	// unreadable); it is recorded all the same.
	Rejected string `json:"rejected,omitempty"`
	Status   int    `json:"status"`           // the status the receiver answered
	Answer   string `json:"answer,omitempty"` // the body the receiver answered
}

// Receiver records callbacks. It is safe for concurrent use.
type Receiver struct {
	opts    Options
	handler http.Handler
	srv     *emulator.Server

	mu      sync.Mutex
	got     *emulator.Ring[Callback] // the newest, within KeptCallbacks and KeptBytes
	seq     int                      // callbacks received, Callback.Seq of the latest
	arrived chan struct{}            // closed and replaced on every arrival
	rules   []rule
	journal *journal
}

// New validates the options and opens the journal; Start begins serving.
func New(o Options) (*Receiver, error) {
	o = withDefaults(o)
	for _, p := range o.Expect {
		if err := checkPattern(p); err != nil {
			return nil, fmt.Errorf("receiver expect pattern %q: %w", p, err)
		}
	}
	r := &Receiver{opts: o, arrived: make(chan struct{}), got: emulator.NewRing(KeptCallbacks, int(keptBytes), callbackSize)}
	if o.JournalPath != "" {
		j, err := openJournal(o.JournalPath)
		if err != nil {
			return nil, err
		}
		r.journal = j
	}
	r.handler = r.engine()
	r.srv = emulator.NewServer(o.Addr, r.handler)
	return r, nil
}

func withDefaults(o Options) Options {
	if o.Addr == "" {
		o.Addr = emulator.DefaultListen
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	return o
}

// checkPattern accepts absolute path patterns that path.Match can use.
func checkPattern(p string) error {
	if !strings.HasPrefix(p, "/") {
		return errors.New(`must start with "/"`)
	}
	_, err := path.Match(p, "/")
	return err
}

// engine builds the gin engine: one catch-all handler, no logger (it would
// print credentials), no redirects (the merchant's exact path is the
// evidence) and a recovery that answers 500 without dumping the request.
func (r *Receiver) engine() *gin.Engine {
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	e := gin.New()
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = false
	e.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, _ any) {
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	e.NoRoute(r.handle)
	return e
}

// Start listens and serves in the background; URL is valid once it returns.
func (r *Receiver) Start() error { return r.srv.Start() }

// URL is the base URL, e.g. http://127.0.0.1:41234 ("" before Start).
func (r *Receiver) URL() string { return r.srv.URL() }

// Handler serves the receiver without its own listener, e.g. inside
// httptest or behind another mux.
func (r *Receiver) Handler() http.Handler { return r.handler }

// Close stops the server and closes the journal, reporting the first
// journal write error, if any.
func (r *Receiver) Close() error {
	err := r.srv.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	return errors.Join(err, r.journal.close())
}

// callbackSize is roughly what a kept callback holds.
func callbackSize(c Callback) int {
	n := 256 + len(c.Body) + len(c.Answer) + len(c.Query) + len(c.Path) + len(c.Rejected)
	for k, vs := range c.Headers {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

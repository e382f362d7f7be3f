package merchant

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Defaults used when Options leaves a field zero.
const (
	DefaultTimeout = 10 * time.Second
	DefaultMaxBody = 1 << 20 // 1 MiB
)

// The sentinels Do wraps, so callers can tell a merchant that misbehaved
// from a run that could not judge. Test with errors.Is.
var (
	ErrUnknownAction = errors.New("unknown merchant action")
	ErrUnreachable   = errors.New("merchant unreachable")
	ErrTimeout       = errors.New("merchant timed out")
	ErrNotJSON       = errors.New("merchant answer is not JSON")
	ErrCapture       = errors.New("capture not found in merchant answer")
	// ErrTooLarge: the answer exceeded Options.MaxBody; the recorded
	// exchange keeps the first MaxBody bytes and is marked truncated.
	ErrTooLarge = errors.New("merchant answer too large")
	// ErrTemplate: a template could not be filled, usually a variable the
	// scenario never set. Nothing was sent.
	ErrTemplate = errors.New("cannot fill action template")
	// ErrCommandFailed: a command action exited with a status that is no
	// answer (neither 0, answered, nor 1, refused).
	ErrCommandFailed = errors.New("merchant command failed")
)

// Options configure a Driver. Zero values take the documented defaults.
type Options struct {
	BaseURL  string        // merchant base URL; HTTP action paths are joined to it
	Timeout  time.Duration // per action when Action.Timeout is 0; default 10s
	Clock    clock.Clock   // for Stamp.Virtual; default clock.Real{}
	Redactor *evidence.Redactor
	// Client sends HTTP actions. The default follows no redirects (a 3xx
	// is the answer, as a scenario needs to see where the shopper is sent)
	// and bounds each action through its context.
	Client  *http.Client
	MaxBody int64 // answer bound; default 1 MiB
	// File is the config file, used only to prefix New's errors as
	// file:line:col when an action carries its position.
	File string
	// LookupEnv is where a command action's declared variables (and PATH)
	// are read from; default os.LookupEnv. A command receives nothing else
	// of the environment uatrun runs in.
	LookupEnv func(string) (string, bool)
}

// Result is what an action did.
type Result struct {
	// Status is the answer's HTTP status, as the scenario judges it. A
	// command's is the status its exit stands for (0: StatusAnswered, 1:
	// StatusRefused; 0 when it failed). An answer the action's
	// refused_when reads as a refusal is StatusRefused; its Exchange keeps
	// the status the merchant sent.
	Status   int
	ExitCode int               // commands only
	Body     []byte            // the answer, at most MaxBody bytes
	JSON     any               // parsed JSON answer, nil if not JSON
	Captures map[string]string // capture variable → value (gjson String())
	// Exchange is the redacted record of the call; always filled, even when
	// Do returns an error.
	Exchange evidence.Exchange
}

// Driver runs the merchant actions of one config. It is safe for
// concurrent use.
type Driver struct {
	actions map[string]*action
	base    *url.URL
	opts    Options
	seq     atomic.Int64
}

// New parses every action's templates up front. Errors name the action and,
// when the config recorded it, its line:column.
func New(actions map[string]config.Action, o Options) (*Driver, error) {
	o = withDefaults(o)
	d := &Driver{actions: make(map[string]*action, len(actions)), opts: o}
	if o.BaseURL != "" {
		u, err := parseBaseURL(o.BaseURL)
		if err != nil {
			return nil, err
		}
		d.base = u
	}
	for _, name := range sortedNames(actions) {
		a, err := compile(name, actions[name], o.Timeout)
		if err == nil && a.command == nil && d.base == nil && !looksAbsolute(actions[name].Path) {
			err = errors.New("merchant base_url is not set and the path is not an absolute URL")
		}
		if err != nil {
			return nil, fmt.Errorf("%smerchant action %q: %w", position(o.File, actions[name]), name, err)
		}
		d.actions[name] = a
	}
	return d, nil
}

func withDefaults(o Options) Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Client == nil {
		o.Client = defaultClient()
	}
	return o
}

// defaultClient follows no redirects and has no overall timeout: each
// action's own timeout is applied through its request context.
func defaultClient() *http.Client {
	return &http.Client{
		Transport: http.DefaultTransport.(*http.Transport).Clone(),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err == nil && ((u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		err = errors.New("not an http(s) URL")
	}
	if err != nil {
		return nil, fmt.Errorf("merchant base_url %q: %v; want http://host[:port][/prefix]", s, err)
	}
	return u, nil
}

func looksAbsolute(p string) bool {
	return strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://")
}

// position renders "file:line:col: " (or "line:col: " without a file) so
// the error points at the config, the way every uatrun config error does.
func position(file string, a config.Action) string {
	if a.Line <= 0 {
		return ""
	}
	if file != "" {
		return fmt.Sprintf("%s:%d:%d: ", file, a.Line, a.Col)
	}
	return fmt.Sprintf("%d:%d: ", a.Line, a.Col)
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Has reports whether the config defines the action.
func (d *Driver) Has(name string) bool {
	_, ok := d.actions[name]
	return ok
}

// Names lists the defined actions, sorted.
func (d *Driver) Names() []string { return sortedNames(d.actions) }

// Do runs the named action with vars filling its templates. The returned
// Result always carries the recorded Exchange; on error it also carries
// whatever was received before the failure.
func (d *Driver) Do(ctx context.Context, name string, vars map[string]any) (Result, error) {
	rec := d.newRecord(ctx, name)
	a, ok := d.actions[name]
	if !ok {
		err := fmt.Errorf("%w %q; the config defines: %s", ErrUnknownAction, name, listOrNone(d.Names()))
		return rec.fail(Result{}, err)
	}
	if vars == nil {
		vars = map[string]any{}
	}
	if a.command != nil {
		return d.runCommand(ctx, a, vars, rec)
	}
	return d.runHTTP(ctx, a, vars, rec)
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

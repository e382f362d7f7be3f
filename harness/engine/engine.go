package engine

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Merchant is what the engine needs from the merchant driver.
type Merchant interface {
	Has(action string) bool
	Call(ctx context.Context, action string, vars map[string]any) (ActionResult, error)
}

// ActionResult is a merchant action's answer.
type ActionResult struct {
	Status   int
	Body     []byte
	Captures map[string]string
	Exchange evidence.Exchange
}

// ErrUnjudgeable marks driver errors that mean the run could not judge
// (merchant unreachable, timeout, config wrong) rather than a broken rule.
var ErrUnjudgeable = errors.New("cannot judge")

// Callback is one request the merchant sent to the receiver.
type Callback struct {
	Seq      int
	Method   string
	Path     string
	Query    string
	Headers  map[string][]string
	Body     string
	Exchange evidence.Exchange
}

// Receiver is what the engine needs from the callback receiver.
type Receiver interface {
	Callbacks() []Callback
}

// Target is everything a scenario runs against.
type Target struct {
	Gateway  emulator.Gateway
	Merchant Merchant
	Receiver Receiver // nil: receiver_got steps are ERRORED
	// Clocks hands each scenario its own test clock; nil: clock steps
	// are ERRORED (no virtual time, e.g. against a real sandbox).
	Clocks *clock.TestClocks
	// Statuses maps canonical order states (PAID, …) to the merchant's
	// words, one or several per state.
	Statuses map[string][]string
	// StepTimeout bounds each step; default 15s.
	StepTimeout time.Duration
	// WaitWithin bounds waits that name no 'within'; default 5s.
	WaitWithin time.Duration
	// Settle bounds how long a check of the merchant's order state polls
	// for it to catch up (queue-based fulfilment); default 5s.
	Settle time.Duration
	// Hold is how long "never" and "exactly once" claims must keep
	// holding; 0 checks them once.
	Hold time.Duration
	// Parallel is how many scenarios run at once (Launch); 1 or less runs
	// them one after another.
	Parallel int
	RunID    string
}

// Engine runs scenarios against one target.
type Engine struct {
	t      Target
	unique func(prefix string) string
	fl     *floor
}

// New returns an engine for t with defaults filled in.
func New(t Target) *Engine {
	if t.StepTimeout <= 0 {
		t.StepTimeout = 15 * time.Second
	}
	if t.WaitWithin <= 0 {
		t.WaitWithin = 5 * time.Second
	}
	if t.Settle <= 0 {
		t.Settle = 5 * time.Second
	}
	if t.Statuses == nil {
		t.Statuses = map[string][]string{}
	}
	return &Engine{t: t, unique: newUnique(t.RunID), fl: newFloor()}
}

// status maps a canonical state to a matcher of the merchant's words:
// the word itself, or "~^(review|challenge)$" for several.
func (e *Engine) status(canonical string) string {
	words := e.t.Statuses[strings.ToUpper(canonical)]
	switch len(words) {
	case 0:
		return strings.ToLower(canonical)
	case 1:
		return words[0]
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = regexp.QuoteMeta(w)
	}
	return "~^(" + strings.Join(quoted, "|") + ")$"
}

// stamp reads the wall clock and the scenario's own test clock.
func (r *ScenarioRun) stamp() evidence.Stamp {
	s := evidence.Stamp{Real: time.Now().UTC()}
	if r.clk != nil {
		s.Virtual = r.clk.Now().UTC()
	} else {
		s.Virtual = s.Real
	}
	return s
}

// callMark is the highest call sequence number the emulator has seen, so a
// scenario only judges calls made while it ran.
func (e *Engine) callMark() int {
	mark := 0
	for _, api := range e.t.Gateway.APIs() {
		for _, c := range e.t.Gateway.Calls(api) {
			mark = max(mark, c.Seq)
		}
	}
	return mark
}

func (e *Engine) callbackMark() int {
	if e.t.Receiver == nil {
		return 0
	}
	mark := 0
	for _, c := range e.t.Receiver.Callbacks() {
		mark = max(mark, c.Seq)
	}
	return mark
}

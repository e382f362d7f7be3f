package engine

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/uatrun/uatrun/harness/emulator"
)

// Scenarios run concurrently, yet each must judge only what it caused.
// Two rules make that exact without asking the merchant for anything:
//
//   - The floor: a step that acts — calls a merchant action that changes
//     something, performs a gateway action, sends a notify, moves a clock —
//     holds the floor, so one scenario acts at a time and its test clock is
//     the current one while it does (an order the merchant creates then is
//     created on that scenario's clock). Steps that only watch (state
//     polls, holds, waits for calls, callbacks and notify answers) never
//     hold it, so the waiting of different scenarios overlaps.
//   - Ownership: an order belongs to the scenario that held the floor when
//     the first call naming it arrived; from then on every call naming it
//     is that scenario's, whenever it arrives (a queue-based merchant that
//     refunds a second later, a reconciler querying an old order). A call
//     that names no order is attributed by the floor window it arrived in.
//
// With Parallel 1 a scenario holds one window from start to finish, which
// is exactly the serial run's "everything since the scenario started".

// floor is the engine's acting lock and attribution record.
type floor struct {
	act sync.Mutex // held by the scenario that acts

	mu       sync.Mutex
	windows  []window
	owners   map[string]*ScenarioRun // order reference → owner
	captures map[string]*ScenarioRun // captured value → scenario; nil: shared
}

// window is a span of merchant calls (by Seq) and callbacks (by Seq)
// that arrived while one scenario held the floor; to < 0 while open.
type window struct {
	run            *ScenarioRun
	callFrom, call int
	cbFrom, cb     int
}

func newFloor() *floor {
	return &floor{owners: map[string]*ScenarioRun{}, captures: map[string]*ScenarioRun{}}
}

// enter takes the floor for r (waiting for the scenario acting now), makes
// r's test clock current and opens a window.
func (e *Engine) enter(ctx context.Context, r *ScenarioRun) error {
	locked := make(chan struct{})
	go func() { e.fl.act.Lock(); close(locked) }()
	select {
	case <-locked:
	case <-ctx.Done():
		go func() { <-locked; e.fl.act.Unlock() }()
		return ctx.Err()
	}
	e.open(r)
	return nil
}

// leave closes r's window and gives the floor up.
func (e *Engine) leave(r *ScenarioRun) {
	e.close(r)
	e.fl.act.Unlock()
}

func (e *Engine) open(r *ScenarioRun) {
	if e.t.Clocks != nil && r.clk != nil {
		e.t.Clocks.Use(r.clk)
	}
	w := window{run: r, callFrom: e.callMark(), call: -1, cbFrom: e.callbackMark(), cb: -1}
	e.fl.mu.Lock()
	e.fl.windows = append(e.fl.windows, w)
	e.fl.mu.Unlock()
}

func (e *Engine) close(r *ScenarioRun) {
	call, cb := e.callMark(), e.callbackMark()
	e.fl.mu.Lock()
	defer e.fl.mu.Unlock()
	for i := len(e.fl.windows) - 1; i >= 0; i-- {
		if w := &e.fl.windows[i]; w.run == r && w.call < 0 {
			w.call, w.cb = max(call, w.callFrom), max(cb, w.cbFrom)
			return
		}
	}
}

// inWindow is the scenario whose window holds seq; seqOf picks the call or
// callback span. Caller holds fl.mu.
func (f *floor) inWindow(seq int, callback bool) *ScenarioRun {
	for i := len(f.windows) - 1; i >= 0; i-- {
		w := f.windows[i]
		from, to := w.callFrom, w.call
		if callback {
			from, to = w.cbFrom, w.cb
		}
		if seq > from && (to < 0 || seq <= to) {
			return w.run
		}
	}
	return nil
}

// actedDuring reports whether seq arrived in one of r's windows.
func (e *Engine) actedDuring(r *ScenarioRun, seq int) bool {
	e.fl.mu.Lock()
	defer e.fl.mu.Unlock()
	return e.fl.inWindow(seq, false) == r
}

// allCalls is every kept call, once, in arrival order. An emulator may
// list an API that groups others (Purwantara's create covers every
// channel), so a call can come back under two names.
func (e *Engine) allCalls() []emulator.Call {
	seen := map[int]bool{}
	var out []emulator.Call
	for _, api := range e.t.Gateway.APIs() {
		for _, c := range e.t.Gateway.Calls(api) {
			if !seen[c.Seq] {
				seen[c.Seq] = true
				out = append(out, c)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// ownerOf attributes each call (given in arrival order) to a scenario, or
// nil when no scenario caused it; it learns order ownership on the way.
func (e *Engine) ownerOf(calls []emulator.Call) []*ScenarioRun {
	e.fl.mu.Lock()
	defer e.fl.mu.Unlock()
	out := make([]*ScenarioRun, len(calls))
	for i, c := range calls {
		if c.Order != "" {
			if o, ok := e.fl.owners[c.Order]; ok {
				out[i] = o
				continue
			}
		}
		o := e.fl.inWindow(c.Seq, false)
		if o != nil && c.Order != "" {
			e.fl.owners[c.Order] = o
		}
		out[i] = o
	}
	return out
}

// minRefLen is the shortest captured value matched inside a callback.
const minRefLen = 6

// captured records a value r captured (its own order id, a redirect URL)
// as a reference that ties callbacks to r. A value two scenarios captured
// ties to neither.
func (e *Engine) captured(r *ScenarioRun, v string) {
	if len(v) < minRefLen || isNumberLike(v) {
		return
	}
	e.fl.mu.Lock()
	defer e.fl.mu.Unlock()
	if o, ok := e.fl.captures[v]; ok && o != r {
		e.fl.captures[v] = nil
		return
	}
	e.fl.captures[v] = r
}

// isNumberLike reports amounts and counts ("15000.00", "1"), which many
// scenarios share and which prove nothing about who caused a callback.
func isNumberLike(v string) bool {
	return strings.Trim(v, "0123456789.,-") == ""
}

// callbackOwner attributes a callback: to the scenario whose references
// (orders it owns, values it captured) the callback mentions, the longest
// match winning; else by the window it arrived in.
func (e *Engine) callbackOwner(c Callback) *ScenarioRun {
	text := c.Path + "?" + c.Query + "\n" + c.Body
	e.fl.mu.Lock()
	defer e.fl.mu.Unlock()
	var best *ScenarioRun
	bestLen := 0
	consider := func(ref string, r *ScenarioRun) {
		if r != nil && len(ref) >= minRefLen && len(ref) > bestLen && strings.Contains(text, ref) {
			best, bestLen = r, len(ref)
		}
	}
	for ref, r := range e.fl.owners {
		consider(ref, r)
	}
	for ref, r := range e.fl.captures {
		consider(ref, r)
	}
	if best != nil {
		return best
	}
	return e.fl.inWindow(c.Seq, true)
}

package receiver

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// Received returns a copy of every kept callback (the newest
// KeptCallbacks within KeptBytes), in arrival order.
func (r *Receiver) Received() []Callback {
	return r.filter(nil)
}

// Unexpected returns the callbacks whose path matched no Expect pattern.
func (r *Receiver) Unexpected() []Callback {
	return r.filter(func(c Callback) bool { return c.Unexpected })
}

// Count reports how many callbacks match (all of them when match is nil).
func (r *Receiver) Count(match func(Callback) bool) int {
	return len(r.filter(match))
}

// filter copies the matching callbacks. match runs outside the lock so it
// may call back into the receiver.
func (r *Receiver) filter(match func(Callback) bool) []Callback {
	var out []Callback
	for _, c := range r.after(0) {
		if match == nil || match(c) {
			out = append(out, clone(c))
		}
	}
	return out
}

// after copies the kept callbacks whose Seq is above seq.
func (r *Receiver) after(seq int) []Callback {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Callback
	r.got.Each(func(c Callback) {
		if c.Seq > seq {
			out = append(out, c)
		}
	})
	return out
}

// clone deep-copies the header map so callers cannot alter the record.
func clone(c Callback) Callback {
	if c.Headers != nil {
		h := make(map[string][]string, len(c.Headers))
		for k, v := range c.Headers {
			h[k] = append([]string(nil), v...)
		}
		c.Headers = h
	}
	return c
}

// WaitFor returns the first callback, already arrived or arriving later,
// that match accepts (nil accepts any). It wakes on each arrival; it gives
// up after timeout (0 means only ctx bounds the wait) with an error that
// wraps ErrWaitTimeout and lists what did arrive.
func (r *Receiver) WaitFor(ctx context.Context, match func(Callback) bool, timeout time.Duration) (Callback, error) {
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	for seen := 0; ; {
		r.mu.Lock()
		arrived := r.arrived // taken before the scan so no arrival is missed
		r.mu.Unlock()
		batch := r.after(seen)
		for _, c := range batch {
			if match == nil || match(c) {
				return clone(c), nil
			}
		}
		if len(batch) > 0 {
			seen = batch[len(batch)-1].Seq
		}
		select {
		case <-arrived:
		case <-expired:
			return Callback{}, fmt.Errorf("%w: no matching callback within %s; %s", ErrWaitTimeout, timeout, r.summary())
		case <-ctx.Done():
			return Callback{}, fmt.Errorf("waiting for a callback: %w; %s", ctx.Err(), r.summary())
		}
	}
}

// summaryMax bounds how many arrivals a wait error lists.
const summaryMax = 10

// summary describes what arrived, latest last, for wait errors.
func (r *Receiver) summary() string {
	got := r.after(0)
	if len(got) == 0 {
		return "nothing arrived at the receiver"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d arrived", got[len(got)-1].Seq)
	if len(got) > summaryMax {
		fmt.Fprintf(&b, " (last %d shown)", summaryMax)
		got = got[len(got)-summaryMax:]
	}
	b.WriteString(":")
	for _, c := range got {
		fmt.Fprintf(&b, " #%d %s %s", c.Seq, c.Method, c.target())
		if c.Unexpected {
			b.WriteString(" (unexpected)")
		}
		b.WriteString(";")
	}
	return strings.TrimSuffix(b.String(), ";")
}

// target is the path with its query.
func (c Callback) target() string {
	if c.Query == "" {
		return c.Path
	}
	return c.Path + "?" + c.Query
}

// Exchange projects the callback into the evidence model.
func (c Callback) Exchange() evidence.Exchange {
	ex := evidence.Exchange{
		ID:    fmt.Sprintf("callback-%d", c.Seq),
		Kind:  evidence.KindCallback,
		Label: c.Method + " " + c.Path,
		Request: evidence.Message{
			Method: c.Method, URL: c.target(), Headers: clone(c).Headers,
			Body: c.Body, Truncated: c.Truncated,
		},
		Error: c.Rejected,
		At:    c.At,
	}
	if c.Status != 0 {
		ex.Response = &evidence.Message{Status: c.Status, Body: c.Answer}
	}
	if c.Unexpected {
		ex.Notes = append(ex.Notes, "unexpected: the path matches none of the receiver's expected patterns")
	}
	return ex
}

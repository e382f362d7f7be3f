package clock

import (
	"sort"
	"sync"
	"time"
)

// Clock tells the time and schedules callbacks against it.
type Clock interface {
	// Now returns the current time on this clock.
	Now() time.Time
	// AfterFunc runs f once the clock reaches Now()+d. For the real clock f
	// runs on its own goroutine; for the fake clock it runs inside the
	// Advance or Set call that reaches it.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a scheduled callback.
type Timer interface {
	// Stop cancels the callback; it reports whether it was still pending.
	Stop() bool
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Fake is a virtual clock. The zero value is not usable; call NewFake.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	seq     int
	pending []*fakeTimer
	firing  sync.Mutex // serialises Advance/Set so callbacks fire in order
}

type fakeTimer struct {
	c   *Fake
	at  time.Time
	seq int
	f   func()
}

// NewFake returns a fake clock reading start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the virtual time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f at Now()+d. A d <= 0 callback fires on the next
// Advance or Set (including Advance(0)), never inside AfterFunc itself, so
// callers may hold their own locks while scheduling.
func (c *Fake) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &fakeTimer{c: c, at: c.now.Add(d), seq: c.seq, f: f}
	c.pending = append(c.pending, t)
	return t
}

// Stop cancels a pending fake timer.
func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	for i, p := range t.c.pending {
		if p == t {
			t.c.pending = append(t.c.pending[:i], t.c.pending[i+1:]...)
			return true
		}
	}
	return false
}

// Advance moves the clock forward by d, firing every callback due on the
// way in time order; each callback sees Now() equal to its due time.
// Callbacks scheduled by callbacks fire too if they fall inside the window.
func (c *Fake) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	c.Set(c.Now().Add(d))
}

// Set moves the clock to t (never backwards), firing what falls due.
func (c *Fake) Set(t time.Time) {
	c.firing.Lock()
	defer c.firing.Unlock()
	for {
		next := c.popDue(t)
		if next == nil {
			break
		}
		next.f()
	}
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	c.mu.Unlock()
}

// popDue removes and returns the earliest timer due at or before t, moving
// the clock to its due time.
func (c *Fake) popDue(t time.Time) *fakeTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return nil
	}
	sort.SliceStable(c.pending, func(i, j int) bool {
		a, b := c.pending[i], c.pending[j]
		if a.at.Equal(b.at) {
			return a.seq < b.seq
		}
		return a.at.Before(b.at)
	})
	first := c.pending[0]
	if first.at.After(t) {
		return nil
	}
	c.pending = c.pending[1:]
	if first.at.After(c.now) {
		c.now = first.at
	}
	return first
}

// Pending reports how many callbacks are scheduled and not yet fired.
func (c *Fake) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

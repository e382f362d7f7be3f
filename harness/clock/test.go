package clock

import (
	"sync"
	"time"
)

// TestClocks hands each scenario its own test clock, the way a payments
// sandbox attaches objects to a test clock: a scenario's orders, expiry
// timers and notify retries are scheduled on the clock that was current
// when they were created, so advancing one scenario's clock moves only
// that scenario's objects, and nothing left over from one scenario fires
// in the next.
//
// TestClocks is itself a Clock: Now and AfterFunc delegate to the current
// test clock, so a gateway emulator needs no notion of scenarios.
type TestClocks struct {
	wall Clock

	mu  sync.Mutex
	cur *Fake
}

// NewTestClocks returns test clocks that start at wall's reading; the
// first test clock is already current.
func NewTestClocks(wall Clock) *TestClocks {
	if wall == nil {
		wall = Real{}
	}
	t := &TestClocks{wall: wall}
	t.Begin()
	return t
}

// Begin makes a new test clock current, reading the wall clock (to the
// second, so evidence reads naturally), and returns it. Timers of earlier
// test clocks stay attached to them and never fire on this one.
func (t *TestClocks) Begin() *Fake {
	f := NewFake(t.wall.Now().Truncate(time.Second))
	t.mu.Lock()
	t.cur = f
	t.mu.Unlock()
	return f
}

// New returns a new test clock reading the wall clock (to the second)
// without making it current: scenarios that run at the same time each
// hold one, and the engine makes a scenario's clock current (Use) while
// that scenario acts on the gateway.
func (t *TestClocks) New() *Fake {
	return NewFake(t.wall.Now().Truncate(time.Second))
}

// Use makes f the current test clock: gateway objects created and timers
// armed from now on attach to it.
func (t *TestClocks) Use(f *Fake) {
	t.mu.Lock()
	t.cur = f
	t.mu.Unlock()
}

// Current is the test clock scenarios are running on now.
func (t *TestClocks) Current() *Fake {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cur
}

// Now reads the current test clock.
func (t *TestClocks) Now() time.Time { return t.Current().Now() }

// AfterFunc schedules f on the current test clock: it fires only when
// that clock is advanced past it.
func (t *TestClocks) AfterFunc(d time.Duration, f func()) Timer { return t.Current().AfterFunc(d, f) }

// Wall is the wall clock the test clocks start from.
func (t *TestClocks) Wall() Clock { return t.wall }

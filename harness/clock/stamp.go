package clock

import (
	"sync"
	"time"
)

// Stamp is the age of a gateway object that outlives one scenario: an
// access token, an auth code, a remembered request id. The merchant may
// cache it and use it in any later scenario, and each scenario runs on
// its own test clock, so "how old is it" has one answer per test clock:
// the time that clock has moved since the object was first seen on it
// (issued, or first used while that clock was current). A scenario that
// moves its clock 16 minutes ages the merchant's cached token by 16
// minutes in that scenario only; every other scenario still sees the
// token as young as it is in real time. On a single clock (Real, Fake)
// a Stamp is the plain time since issue.
//
// The zero Stamp is usable: its first Age on a clock starts it there.
type Stamp struct {
	mu    sync.Mutex
	first map[Clock]time.Time
}

// NewStamp returns a stamp started now on c's current test clock.
func NewStamp(c Clock) *Stamp {
	s := &Stamp{}
	s.Age(c)
	return s
}

// Age is how long the object has existed as seen from c's current test
// clock (c itself when it is not a *TestClocks). Seeing it on a clock for
// the first time starts it there at age zero.
func (s *Stamp) Age(c Clock) time.Duration {
	v := View(c)
	now := v.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first == nil {
		s.first = map[Clock]time.Time{}
	}
	t, ok := s.first[v]
	if !ok {
		s.first[v] = now
		return 0
	}
	return now.Sub(t)
}

// Older reports whether the object is older than ttl on c's current test
// clock: an expiry check that one scenario's clock move cannot leak into
// another.
func (s *Stamp) Older(c Clock, ttl time.Duration) bool { return s.Age(c) > ttl }

// View is the clock c reads right now: the current test clock of a
// *TestClocks, or c itself.
func View(c Clock) Clock {
	if tc, ok := c.(*TestClocks); ok {
		return tc.Current()
	}
	return c
}

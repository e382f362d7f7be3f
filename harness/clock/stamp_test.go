package clock

import (
	"testing"
	"time"
)

func TestStamp_AgesOnlyOnTheClockThatMoved(t *testing.T) {
	wall := NewFake(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC))
	tcs := NewTestClocks(wall)
	a := tcs.Current()
	token := NewStamp(tcs) // issued in scenario A

	b := tcs.New()
	tcs.Use(b)
	if got := token.Age(tcs); got != 0 {
		t.Fatalf("first use on B's clock: age %v, want 0", got)
	}
	b.Advance(16 * time.Minute) // scenario B moves its clock past a 15-minute token
	if !token.Older(tcs, 15*time.Minute) {
		t.Errorf("on B's clock after 16 minutes the token must be expired")
	}

	tcs.Use(a)
	if token.Older(tcs, 15*time.Minute) {
		t.Errorf("B's clock move leaked into A: age %v", token.Age(tcs))
	}
	a.Advance(15*time.Minute + time.Second)
	if !token.Older(tcs, 15*time.Minute) {
		t.Errorf("on A's own clock the token must expire after 15 minutes")
	}

	c := tcs.New()
	tcs.Use(c)
	if token.Older(tcs, 15*time.Minute) {
		t.Errorf("a new scenario sees a token as young as it is in real time")
	}
}

func TestStamp_OnOneClockIsTimeSinceIssue(t *testing.T) {
	f := NewFake(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC))
	var s Stamp // the zero Stamp starts on first use
	s.Age(f)
	f.Advance(time.Hour)
	if got := s.Age(f); got != time.Hour {
		t.Errorf("age %v, want 1h", got)
	}
}

package clock

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func TestFake_AdvanceFiresDueCallbacksInOrder(t *testing.T) {
	c := NewFake(t0)
	var got []string
	c.AfterFunc(2*time.Hour, func() { got = append(got, "2h@"+c.Now().Sub(t0).String()) })
	c.AfterFunc(time.Hour, func() { got = append(got, "1h@"+c.Now().Sub(t0).String()) })
	c.AfterFunc(30*time.Hour, func() { got = append(got, "30h") })

	c.Advance(3 * time.Hour)
	if len(got) != 2 || got[0] != "1h@1h0m0s" || got[1] != "2h@2h0m0s" {
		t.Fatalf("fired %v, want 1h then 2h at their due times", got)
	}
	if !c.Now().Equal(t0.Add(3 * time.Hour)) {
		t.Fatalf("Now = %v, want t0+3h", c.Now())
	}
	if c.Pending() != 1 {
		t.Fatalf("Pending = %d, want 1", c.Pending())
	}
}

func TestFake_CallbackScheduledByCallbackFiresInWindow(t *testing.T) {
	c := NewFake(t0)
	n := 0
	var retry func()
	retry = func() {
		n++
		if n < 3 {
			c.AfterFunc(10*time.Minute, retry)
		}
	}
	c.AfterFunc(0, retry)
	c.Advance(25 * time.Minute)
	if n != 3 {
		t.Fatalf("retries = %d, want 3 (t+0, +10m, +20m)", n)
	}
}

func TestFake_StopCancels(t *testing.T) {
	c := NewFake(t0)
	fired := false
	tm := c.AfterFunc(time.Minute, func() { fired = true })
	if !tm.Stop() {
		t.Fatal("Stop on a pending timer returned false")
	}
	c.Advance(time.Hour)
	if fired {
		t.Fatal("stopped timer fired")
	}
	if tm.Stop() {
		t.Fatal("second Stop returned true")
	}
}

func TestFake_SetNeverGoesBackwards(t *testing.T) {
	c := NewFake(t0)
	c.Set(t0.Add(-time.Hour))
	if !c.Now().Equal(t0) {
		t.Fatalf("Now = %v after Set to the past, want t0", c.Now())
	}
}

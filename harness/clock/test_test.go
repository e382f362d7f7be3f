package clock

import (
	"context"
	"testing"
	"time"
)

func TestTestClocks_AdvancingOneClockFiresOnlyItsTimers(t *testing.T) {
	wall := NewFake(time.Date(2026, 11, 29, 9, 0, 0, 500, time.UTC))
	tc := NewTestClocks(wall)
	first := tc.Current()
	var fired []string
	tc.AfterFunc(time.Hour, func() { fired = append(fired, "first") })

	wall.Advance(10 * time.Minute)
	second := tc.Begin()
	if second == first {
		t.Fatal("Begin returned the same clock")
	}
	if got, want := tc.Now(), time.Date(2026, 11, 29, 9, 10, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("a new test clock reads %v, want the wall clock %v (to the second)", got, want)
	}
	tc.AfterFunc(time.Hour, func() { fired = append(fired, "second") })

	second.Advance(2 * time.Hour)
	if len(fired) != 1 || fired[0] != "second" {
		t.Fatalf("advancing the second clock fired %v, want only [second]", fired)
	}
	if first.Pending() != 1 {
		t.Fatalf("the first clock's timer should still be pending, got %d", first.Pending())
	}
	first.Advance(2 * time.Hour)
	if len(fired) != 2 || fired[1] != "first" {
		t.Fatalf("advancing the first clock fired %v, want [second first]", fired)
	}
}

func TestTestClocks_DefaultWallIsReal(t *testing.T) {
	tc := NewTestClocks(nil)
	if d := time.Since(tc.Now()); d < 0 || d > time.Minute {
		t.Fatalf("first test clock is %v away from the wall clock", d)
	}
	if _, ok := tc.Wall().(Real); !ok {
		t.Fatalf("Wall() = %T, want Real", tc.Wall())
	}
}

func TestTestClocks_NewDoesNotSwitchUseDoes(t *testing.T) {
	wall := NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	tc := NewTestClocks(wall)
	first := tc.Current()
	second := tc.New()
	if tc.Current() != first {
		t.Fatal("New made its clock current")
	}
	tc.Use(second)
	fired := false
	tc.AfterFunc(time.Minute, func() { fired = true })
	first.Advance(time.Hour)
	if fired {
		t.Fatal("a timer armed while the second clock was current fired on the first")
	}
	second.Advance(time.Minute)
	if !fired {
		t.Fatal("the timer did not fire on the clock that was current when it was armed")
	}
}

func TestFromContext_PrefersTheScenarioClock(t *testing.T) {
	a := NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b := NewFake(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if got := FromContext(context.Background(), a); got != Clock(a) {
		t.Fatal("without a clock in the context the fallback is used")
	}
	if got := FromContext(NewContext(context.Background(), b), a); got != Clock(b) {
		t.Fatal("the context's clock is used")
	}
}

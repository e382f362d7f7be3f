package clock

import (
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

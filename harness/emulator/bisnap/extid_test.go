package bisnap

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/snap"
)

func TestExternalIDKey(t *testing.T) {
	if len(ExternalIDKey("P", string(make([]byte, 1<<16)))) != 32 || ExternalIDKey("P1", "a") == ExternalIDKey("P2", "a") {
		t.Error("ExternalIDKey is not a fixed-size per-partner digest")
	}
}

// An id is taken per partner for the wall clock's Jakarta day, and within
// it for a day on each scenario's test clock.
func TestExternalIDs_TakenPerPartnerForTheDay(t *testing.T) {
	wall := time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta)
	a, b := clock.NewFake(wall), clock.NewFake(wall)
	x := NewExternalIDs()
	if _, reused := x.Use("P1", "ext-1", 1, wall, a); reused {
		t.Fatal("a first use is a reuse")
	}
	if first, reused := x.Use("P1", "ext-1", 2, wall, b); !reused || first != 1 {
		t.Errorf("the same id again: first %d reused %v, want call #1", first, reused)
	}
	if _, reused := x.Use("P2", "ext-1", 3, wall, a); reused {
		t.Error("another partner's id counted as a reuse")
	}
	a.Advance(ExternalIDLife + time.Minute)
	if _, reused := x.Use("P1", "ext-1", 4, wall, a); reused {
		t.Error("a scenario a day on may reuse the id")
	}
	if first, reused := x.Use("P1", "ext-1", 5, wall, b); !reused || first != 4 {
		t.Errorf("in the other scenario: first %d reused %v; its clock did not move", first, reused)
	}
	if _, reused := x.Use("P1", "ext-1", 6, wall.Add(14*time.Hour), b); reused || x.Len() != 1 {
		t.Errorf("the next Jakarta day starts afresh (%d remembered)", x.Len())
	}
	if NewExternalIDs().Len() != 0 {
		t.Error("a new memory remembers something")
	}
}

// The memory keeps the newest KeptExternalIDs ids of the day.
func TestExternalIDs_Bounded(t *testing.T) {
	wall := time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta)
	c := clock.NewFake(wall)
	x := NewExternalIDs()
	for i := range KeptExternalIDs + 3 {
		x.Use("P", fmt.Sprint(i), i, wall, c)
	}
	if _, reused := x.Use("P", "0", 0, wall, c); reused || x.Len() != KeptExternalIDs {
		t.Errorf("remembers %d, the oldest still %v", x.Len(), reused)
	}
}

func TestReuseViolation(t *testing.T) {
	v := ReuseViolation(strings.Repeat("x", 200), 7)
	if !strings.Contains(v, "first used by call #7") || len(v) > 200 {
		t.Errorf("%q", v)
	}
}

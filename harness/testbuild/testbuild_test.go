package testbuild

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Two holders never overlap: the second waits for the first to unlock.
func TestLock_OneHolderAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	var inside, overlaps atomic.Int32
	done := make(chan error)
	for range 4 {
		go func() {
			unlock, err := lock(context.Background(), path)
			if err == nil {
				if inside.Add(1) > 1 {
					overlaps.Add(1)
				}
				time.Sleep(20 * time.Millisecond)
				inside.Add(-1)
				unlock()
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if overlaps.Load() != 0 {
		t.Fatalf("%d holders overlapped", overlaps.Load())
	}
}

// A wait for a lock someone else holds ends with the context.
func TestLock_WaitEndsWithTheContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := lock(ctx, path); err == nil {
		t.Fatal("took a lock that was held")
	}
}

// A failed build names the command and returns its output.
func TestGo_FailureNamesTheCommand(t *testing.T) {
	out, err := Go(t.TempDir(), time.Minute, "build", "./no-such-package")
	if err == nil || len(out) == 0 {
		t.Fatalf("err %v, output %q", err, out)
	}
	if got := err.Error(); !strings.Contains(got, "go build ./no-such-package") {
		t.Fatalf("error %q does not name the command", got)
	}
}

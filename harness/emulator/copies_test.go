package emulator

import (
	"sync"
	"testing"
	"time"
)

func TestSendCopies_InOrderOrAllAtOnce(t *testing.T) {
	got := SendCopies(3, false, func(i int) Delivery { return Delivery{Attempt: i} })
	for i, d := range got {
		if d.Attempt != i+1 {
			t.Fatalf("copy %d came back as %d", i+1, d.Attempt)
		}
	}
	// Concurrent copies must all be in flight together: each waits for
	// the others, which one-after-another sending would never allow.
	const n = 5
	var arrived sync.WaitGroup
	arrived.Add(n)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	got = SendCopies(n, true, func(i int) Delivery {
		arrived.Done()
		select {
		case <-all:
		case <-time.After(10 * time.Second):
			return Delivery{Error: "the copies were not sent at once"}
		}
		return Delivery{Attempt: i}
	})
	for i, d := range got {
		if d.Error != "" || d.Attempt != i+1 {
			t.Fatalf("copy %d: %+v", i+1, d)
		}
	}
}

func TestUntrustedKey_IsMadeOnce(t *testing.T) {
	if k := UntrustedKey(); k == nil || k != UntrustedKey() {
		t.Fatal("UntrustedKey must be one usable key per process")
	}
}

package engine

import (
	"context"
	"time"
)

// poll calls try until it reports done, the bound passes or ctx ends, with
// a backoff from 5 ms to 200 ms. It waits on the merchant in real time —
// never on a gateway timer, which only the virtual clock moves. try runs at
// least once; a zero bound means exactly once.
func poll(ctx context.Context, within time.Duration, try func() (done bool)) {
	deadline := time.Now().Add(within)
	for pause := 5 * time.Millisecond; ; pause = min(pause*2, 200*time.Millisecond) {
		if try() || within <= 0 || time.Now().Add(pause).After(deadline) || ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

// within is a step's wait bound, or the engine default.
func (s *ScenarioRun) within(d time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return s.e.t.WaitWithin
}

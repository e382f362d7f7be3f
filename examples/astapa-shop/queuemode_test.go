package astapashop_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	astapashop "github.com/uatrun/uatrun/examples/astapa-shop"
	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/scenarios"
)

// queueDelay is how long the queue-based shop takes to book a webhook
// after answering it: well inside run.settle, and longer than the
// engine's first read of the order, so every check of its state after a
// webhook first sees it not yet booked.
const queueDelay = 300 * time.Millisecond

// runPackWith runs the whole Astapa pack against a shop of the given
// design, parallel scenarios at once (0: the default).
func runPackWith(t *testing.T, base astapashop.Config, parallel int) *evidence.Run {
	t.Helper()
	kit, err := demo.KitFor("astapa")
	if err != nil {
		t.Fatal(err)
	}
	pack, err := scenarios.Load("astapa")
	if err != nil {
		t.Fatal(err)
	}
	start := demo.AstapaShopStarterWith(base)
	s, err := session.Open(session.Options{Config: kit.Config(), Packs: []*scenario.Pack{pack}, Version: "test", Parallel: parallel,
		StartMerchant: func(env session.Env) (string, func() error, error) { return start(env, nil, nil) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RunDirect(context.Background())
	out, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return out.Run
}

// A queue-based shop answers a webhook and books it a moment later.
// Operators act on what they can see and state checks poll to
// run.settle, so it passes every scenario, concurrently and one by one.
func TestQueueMode_PassesThePackConcurrentlyAndOneByOne(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pack twice")
	}
	for _, parallel := range []int{0, 1} {
		t.Run(fmt.Sprintf("parallel=%d", parallel), func(t *testing.T) {
			run := runPackWith(t, astapashop.Config{QueueDelay: queueDelay}, parallel)
			if len(run.Scenarios) == 0 {
				t.Fatal("no scenarios ran")
			}
			for _, sc := range run.Scenarios {
				if sc.Verdict != evidence.Passed && !evidence.NotApplicable(sc) {
					t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
				}
			}
		})
	}
}

package midtransshop_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	midtransshop "github.com/uatrun/uatrun/examples/midtrans-shop"
	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/scenarios"
)

// queueDelay is how long the queue-based shop takes to book a
// notification after acknowledging it: well inside run.settle (5s), and
// longer than the engine's first read of the order, so every check of
// its state after a notification first sees it not yet booked.
const queueDelay = 300 * time.Millisecond

// runPackWith runs the whole Midtrans pack against a shop of the given
// design, parallel scenarios at once (0: the default).
func runPackWith(t *testing.T, base midtransshop.Config, parallel int) *evidence.Run {
	t.Helper()
	kit, err := demo.KitFor("midtrans-snap")
	if err != nil {
		t.Fatal(err)
	}
	pack, err := scenarios.Load("midtrans-snap")
	if err != nil {
		t.Fatal(err)
	}
	start := demo.MidtransShopStarterWith(base)
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

// A queue-based shop acknowledges a notification and books it a moment
// later. Operators act on what they can see and state checks poll to
// run.settle, so it passes every scenario, concurrently and one by one,
// whichever way it trusts notifications.
func TestQueueMode_PassesThePackConcurrentlyAndOneByOne(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pack")
	}
	for _, c := range []struct {
		mode     string
		parallel int
	}{{midtransshop.VerifyModeRequery, 0}} { // signature mode: harness/demo's TestQueueMode_EveryReferenceMerchantPassesItsPack
		t.Run(fmt.Sprintf("%s/parallel=%d", c.mode, c.parallel), func(t *testing.T) {
			run := runPackWith(t, midtransshop.Config{VerifyMode: c.mode, QueueDelay: queueDelay}, c.parallel)
			if len(run.Scenarios) == 0 {
				t.Fatal("no scenarios ran")
			}
			for _, sc := range run.Scenarios {
				if sc.Verdict != evidence.Passed {
					t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
				}
			}
		})
	}
}

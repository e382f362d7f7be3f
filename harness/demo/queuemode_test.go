package demo

import (
	"crypto/rsa"
	"sort"
	"testing"
	"time"

	astapashop "github.com/uatrun/uatrun/examples/astapa-shop"
	danawidgetshop "github.com/uatrun/uatrun/examples/dana-widget-shop"
	gopayminishop "github.com/uatrun/uatrun/examples/gopay-miniapp-shop"
	midtransshop "github.com/uatrun/uatrun/examples/midtrans-shop"
	purwantarashop "github.com/uatrun/uatrun/examples/purwantara-shop"
	"github.com/uatrun/uatrun/examples/shop"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
)

// queueDelay is how long a queue-based merchant takes to book a notify
// after acknowledging it: well inside run.settle, and longer than the
// engine's first read of the order, so every check of its state after a
// notify first sees it not yet booked.
const queueDelay = 300 * time.Millisecond

type starter = func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error)

// queueStarters start each gateway's reference merchant in its queue
// design: the notify is authenticated and acknowledged at once, and a
// worker books it queueDelay later.
var queueStarters = map[string]func() starter{
	"dana-gapura":   func() starter { return ShopStarterWith(shop.Config{QueueDelay: queueDelay}) },
	"dana-widget":   func() starter { return DanaWidgetShopStarterWith(danawidgetshop.Config{QueueDelay: queueDelay}) },
	"gopay-miniapp": func() starter { return GoPayMiniShopStarterWith(gopayminishop.Config{QueueDelay: queueDelay}) },
	"midtrans-snap": func() starter { return MidtransShopStarterWith(midtransshop.Config{QueueDelay: queueDelay}) },
	"purwantara":    func() starter { return PurwantaraShopStarterWith(purwantarashop.Config{QueueDelay: queueDelay}) },
	"astapa":        func() starter { return AstapaShopStarterWith(astapashop.Config{QueueDelay: queueDelay}) },
}

// A merchant that acknowledges a notify and books it a moment later is
// correct; operators act on what they can see and state checks poll to
// run.settle, so every reference merchant in its queue design passes its
// whole pack. Here the pack runs one by one (--parallel 1), under the race
// detector with the merchant in process; cmd/uatrun's
// TestOutOfProcess_QueueModeMerchantsGetGo runs it at the default
// parallelism with each merchant as its own process.
func TestQueueMode_EveryReferenceMerchantPassesItsPack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every pack one scenario at a time")
	}
	// Parallel at the top too: its runs mostly wait, and the package's
	// longest test should not wait for them to start.
	t.Parallel()
	gws := Gateways()
	sort.Strings(gws)
	for _, gw := range gws {
		start, ok := queueStarters[gw]
		if !ok {
			t.Errorf("%s: its reference merchant has no queue design here; give it a QueueDelay and add it", gw)
			continue
		}
		t.Run(gw, func(t *testing.T) {
			t.Parallel()
			run := runQueuePack(t, gw, start(), 1)
			for _, sc := range run.Scenarios {
				if sc.Verdict != evidence.Passed && !evidence.NotApplicable(sc) {
					t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
				}
			}
		})
	}
}

// runQueuePack runs gw's whole pack against the merchant start starts.
func runQueuePack(t *testing.T, gw string, start starter, parallel int) *evidence.Run {
	t.Helper()
	run := runDemoWith(t, Options{Gateway: gw, Start: start, Parallel: parallel})
	if len(run.Scenarios) == 0 {
		t.Fatal("no scenarios ran")
	}
	return run
}

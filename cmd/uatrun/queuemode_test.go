package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// oopQueueDelay is how long each merchant takes, in queue mode, to book a
// notification after acknowledging it: longer than the engine's first
// read of an order, well inside run.settle.
const oopQueueDelay = 300 * time.Millisecond

// The product path for the queue-based design: every bundled merchant,
// started as its own process with --queue-delay (a notification is
// acknowledged at once and booked by a worker a moment later), gets GO
// from `uatrun run --config` with its shipped config, every scenario
// PASSED (N/A optional-feature scenarios aside), at the default
// parallelism. (harness/demo runs the same designs one by one, in process
// under the race detector.)
func TestOutOfProcess_QueueModeMerchantsGetGo(t *testing.T) {
	t.Parallel() // its own temp dirs, ports and processes
	if testing.Short() {
		t.Skip("-short: runs every gateway's pack against a queue-based merchant")
	}
	root := oopModuleRoot(t)
	bins := oopBuildMerchants(t, root)
	slots := make(chan struct{}, oopConcurrency())
	for _, m := range oopMerchants {
		t.Run(m.gateway, func(t *testing.T) {
			t.Parallel()
			args := m.args
			m.args = func(a oopAddrs) []string {
				return append(args(a), "--queue-delay", oopQueueDelay.String())
			}
			cfg, err := os.ReadFile(filepath.Join(root, m.config))
			if err != nil {
				t.Fatal(err)
			}
			// uatrun without -race: the queue design is the point here,
			// and TestOutOfProcess runs every pack through the race build.
			g := &oopGateway{oopMerchant: m, bin: bins[m.gateway], cfg: string(cfg),
				env: oopChildEnv(string(cfg), m.envPrefix, m.env), slots: slots, uatrun: bin}
			if m.keys {
				g.keys = t.TempDir()
				if out, code := runBounded(t, g.keys, 30*time.Second, "keys", "--out", "keys"); code != 0 {
					t.Fatalf("uatrun keys: exit %d:\n%s", code, out)
				}
			}
			// clean requires exit 0, GO and every mandatory scenario PASSED.
			var bad []string
			for id, sc := range g.clean(t) {
				if sc.Verdict != evidence.Passed && !evidence.NotApplicable(sc) {
					bad = append(bad, id+" "+string(sc.Verdict)+": "+oopWhy(sc))
				}
			}
			if len(bad) > 0 {
				t.Errorf("queue-based %s merchant: scenarios not PASSED:\n  %s", m.gateway, strings.Join(bad, "\n  "))
			}
		})
	}
}

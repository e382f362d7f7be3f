package demo

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uatrun/uatrun/examples/shop"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/scenarios"
)

func runDemo(t *testing.T, gw string, faults ...string) *evidence.Run {
	t.Helper()
	return runDemoWith(t, Options{Gateway: gw, Faults: faults})
}

// runDemoWith runs a demo with o (Parallel, Seed) and returns its evidence.
func runDemoWith(t *testing.T, o Options) *evidence.Run {
	t.Helper()
	run, err := demoRun(o)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// demoRun runs a demo; safe to call from any goroutine.
func demoRun(o Options) (*evidence.Run, error) {
	o.Version = "test"
	if len(o.Faults) > 0 {
		// The reference shops fulfil synchronously, so long holds and
		// settle windows add only time to a fault sweep; a short hold
		// still sees a late webhook (a cancel's, a retry's) land, so a
		// run's verdicts do not depend on whether it came before the
		// state was read. The clean runs keep the defaults.
		// A wait for a call or callback a faulty merchant never makes
		// lasts run.wait, so it is shortened too: the reference merchants
		// make their calls while the step before is still running.
		o.Configure = func(c *config.Config) {
			short := config.Duration(100 * time.Millisecond)
			c.Run.Hold, c.Run.Settle, c.Run.Wait = &short, config.Duration(time.Second), config.Duration(2*time.Second)
		}
	}
	s, err := Open(o)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	s.RunDirect(context.Background())
	out, err := s.Finish()
	if err != nil {
		return nil, err
	}
	return out.Run, nil
}

// conformingSeed shuffles the conforming merchant's concurrent run; the
// clock-leak test uses another.
const conformingSeed = 20261206

func TestDemo_ConformingMerchantPassesEveryMandatoryScenario(t *testing.T) {
	// Parallel at the top too: its runs mostly wait, and the package's
	// longest test should not wait for them to start.
	t.Parallel()
	for _, gw := range Gateways() {
		t.Run(gw, func(t *testing.T) {
			t.Parallel() // each run has its own emulator, shop and ports
			// At the default parallelism in a shuffled order, then one by
			// one in file order: every scenario PASSED, both times. (The
			// clock-leak test runs every pack under another seed.)
			run := runDemoWith(t, Options{Gateway: gw, Seed: conformingSeed})
			for _, sc := range run.Scenarios {
				if sc.Verdict != evidence.Passed {
					t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
				}
			}
			sameVerdicts(t, "serial", run, runDemoWith(t, Options{Gateway: gw, Parallel: 1}))
		})
	}
}

func TestOpen_UnknownFaultNamesTheKnownOnes(t *testing.T) {
	_, err := Open(Options{Faults: []string{"notify-no-verfy"}})
	if err == nil || !strings.Contains(err.Error(), "notify-no-verify") {
		t.Fatalf("want an error listing the faults, got %v", err)
	}
}

// TestDemo_EveryFaultIsCaughtByItsScenario is the proof that the catalogue
// judges: each switchable bug in the example shop makes the scenario about
// that rule FAIL (not ERROR). It logs the whole fault x scenario matrix.
func TestDemo_EveryFaultIsCaughtByItsScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the catalogue once per fault")
	}
	// Beside the other tests: under -race the matrix is a child process
	// that mostly waits, and they should not wait for it.
	t.Parallel()
	if runPlain(t) {
		return
	}
	runs := sweep(t)
	for _, gw := range Gateways() {
		t.Run(gw, func(t *testing.T) { faultMatrix(t, gw, runs[gw]) })
	}
}

func faultMatrix(t *testing.T, gw string, runs []faultRuns) {
	kit, err := KitFor(gw)
	if err != nil {
		t.Fatal(err)
	}
	var matrix []string
	caughtBy := map[string][]string{} // mandatory scenario → faults that fail it
	for i, f := range kit.Faults() {
		want, ok := kit.Catches[f.Name]
		if !ok {
			t.Errorf("fault %q has no catching scenario in the matrix: add one (a fault nothing catches is a hole in the catalogue)", f.Name)
			continue
		}
		if runs[i].err != nil {
			t.Errorf("fault %s: %v", f.Name, runs[i].err)
			continue
		}
		run, serial := runs[i].run, runs[i].serial
		if mixesScenarios[gw+"/"+f.Name] {
			// Which other scenarios a reference reused across orders
			// breaks depends on which runs second, serially too; the
			// catching scenario fails either way.
			sameVerdictFor(t, "fault "+f.Name, want, run, serial)
		} else {
			sameVerdicts(t, "fault "+f.Name, run, serial, withoutRaces(serial, want), withoutRaces(run, want))
		}
		var failed []string
		for _, sc := range run.Scenarios {
			// A scenario whose setup: could not proceed under the fault
			// (a checkout the faulty merchant breaks) never reached its
			// rule: ERRORED is right for it; the fault's own scenario
			// must still FAIL (checked below).
			if sc.Verdict == evidence.Errored && !setupStopped(sc) {
				t.Errorf("fault %s: %s ERRORED (%s); a merchant bug must FAIL, not stop the run", f.Name, sc.ID, sc.Reason)
			}
			if sc.Mandatory && sc.Verdict == evidence.Failed {
				failed = append(failed, sc.ID)
				caughtBy[sc.ID] = append(caughtBy[sc.ID], f.Name)
			}
		}
		sort.Strings(failed)
		matrix = append(matrix, fmt.Sprintf("%-30s FAILED: %s", f.Name, strings.Join(failed, " ")))
		if !contains(failed, want) {
			t.Errorf("fault %s: scenario %s did not FAIL (failed: %v)", f.Name, want, failed)
		}
	}
	t.Logf("fault x scenario matrix (%d faults x %d scenarios):\n%s", len(kit.Faults()), countMandatory(gw), strings.Join(matrix, "\n"))
	// Every mandated scenario must be shown to fail against a merchant that
	// breaks its rule: a scenario no fault catches may be one that cannot
	// fail at all.
	pack, err := scenarios.Load(gw)
	if err != nil {
		t.Fatal(err)
	}
	var uncaught, only []string
	for _, sc := range pack.Scenarios {
		if !sc.Mandatory {
			continue
		}
		switch fs := caughtBy[sc.ID]; {
		case len(fs) == 0:
			uncaught = append(uncaught, sc.ID)
		case len(fs) == 1:
			only = append(only, sc.ID+" ("+fs[0]+")")
		}
	}
	if len(uncaught) > 0 {
		t.Errorf("mandated scenarios no fault of the reference merchant catches: %s; add a fault that breaks each one's rule", strings.Join(uncaught, ", "))
	}
	t.Logf("scenarios caught by exactly one fault: %s", strings.Join(only, ", "))
}

// sweepWorkers is how many fault runs go at once, across every gateway:
// they mostly wait on the merchant, so many overlap even on two cores.
const sweepWorkers = 32

// faultRuns are one fault's runs: concurrent (the default parallelism,
// started in a shuffled order) and serial (in file order).
type faultRuns struct {
	run, serial *evidence.Run
	err         error
}

// sweep runs every fault of the gateways -run selects both ways, as
// separate jobs from one queue, sweepWorkers at a time: the serial runs
// (the longest) first, so no gateway's tail waits behind another's. It
// returns each gateway's runs in its kit's fault order.
func sweep(t *testing.T) map[string][]faultRuns {
	type job struct {
		gw     string
		fault  string
		serial bool
		seed   int64 // the concurrent run's start order (--randomize --seed)
		out    *faultRuns
	}
	out := map[string][]faultRuns{}
	var serial, concurrent []job
	for _, gw := range Gateways() {
		if !selected(t, gw) {
			continue
		}
		kit, err := KitFor(gw)
		if err != nil {
			t.Fatal(err)
		}
		runs := make([]faultRuns, len(kit.Faults()))
		out[gw] = runs
		for i, f := range kit.Faults() {
			serial = append(serial, job{gw, f.Name, true, int64(i + 1), &runs[i]})
			concurrent = append(concurrent, job{gw, f.Name, false, int64(i + 1), &runs[i]})
		}
	}
	jobs := make(chan job)
	var mu sync.Mutex // guards every faultRuns.err
	var wg sync.WaitGroup
	for range sweepWorkers {
		wg.Go(func() {
			for j := range jobs {
				// The concurrent run starts its scenarios in a shuffled
				// order, the serial one in file order: the same verdicts
				// then hold across parallelism and order at once.
				o := Options{Gateway: j.gw, Faults: []string{j.fault}, Seed: j.seed}
				if j.serial {
					o.Parallel, o.Seed = 1, 0
				}
				run, err := demoRun(o)
				mu.Lock()
				if j.serial {
					j.out.serial = run
				} else {
					j.out.run = run
				}
				if err != nil {
					j.out.err = err
				}
				mu.Unlock()
			}
		})
	}
	for _, j := range append(serial, concurrent...) {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	return out
}

// selected reports whether -run selects the subtest gw of the running
// test (a pattern of one level selects every gateway).
func selected(t *testing.T, gw string) bool {
	sub, ok := subtestRun()
	if !ok {
		return true
	}
	first, _, _ := strings.Cut(sub, "/")
	re, err := regexp.Compile(first)
	return err != nil || re.MatchString(gw)
}

// mixesScenarios are faults whose effect beyond their catching scenario
// depends on timing or order, serially too: one reference reused for every
// order (which scenario comes second), or a race the faulty merchant runs
// against itself (Purwantara's CANCELLED webhook arrives just after the
// cancel answer, before or after the shop books its own cancel).
var mixesScenarios = map[string]bool{
	"dana-gapura/reuse-partner-reference": true,
	"dana-gapura/reuse-external-id":       true,
	"dana-widget/reuse-external-id":       true,
	"midtrans-snap/reuse-order-id":        true,
	"astapa/reuse-order-id":               true,
	"purwantara/expired-as-paid":          true,
	"purwantara/reuse-reference":          true,
}

// sameVerdictFor requires one scenario to be judged alike in two runs.
func sameVerdictFor(t *testing.T, what, id string, got, serial *evidence.Run) {
	t.Helper()
	verdict := func(r *evidence.Run) evidence.Verdict {
		for _, sc := range r.Scenarios {
			if sc.ID == id {
				return sc.Verdict
			}
		}
		return ""
	}
	if a, b := verdict(got), verdict(serial); a != b {
		t.Errorf("%s: %s is %s concurrently but %s serially", what, id, a, b)
	}
}

// withoutRaces lists the concurrency scenarios (overlapping copies of one
// notify) of r other than keep: against a faulty merchant whose fulfilment
// is not atomic, whether overlapping copies collide is the merchant's own
// race, serially as concurrently, so only a fault's catching scenario is
// required to be judged alike there.
func withoutRaces(r *evidence.Run, keep string) map[string]bool {
	out := map[string]bool{}
	for _, sc := range r.Scenarios {
		if sc.ID != keep && contains(sc.Labels, "concurrency") {
			out[sc.ID] = true
		}
	}
	return out
}

// sameVerdicts requires two runs of one pack to judge every scenario
// alike (but those in skip): scenarios running at once must give a serial
// run's verdicts.
func sameVerdicts(t *testing.T, what string, got, serial *evidence.Run, skip ...map[string]bool) {
	t.Helper()
	skipped := func(id string) bool {
		for _, m := range skip {
			if m[id] {
				return true
			}
		}
		return false
	}
	want := map[string]evidence.Verdict{}
	for _, sc := range serial.Scenarios {
		want[sc.ID] = sc.Verdict
	}
	if len(got.Scenarios) != len(serial.Scenarios) {
		t.Errorf("%s: %d scenarios concurrently, %d serially", what, len(got.Scenarios), len(serial.Scenarios))
	}
	for i, sc := range got.Scenarios {
		if sc.Verdict != want[sc.ID] && !skipped(sc.ID) {
			t.Errorf("%s: %s is %s concurrently (%s) but %s serially", what, sc.ID, sc.Verdict, sc.Reason, want[sc.ID])
		}
		if i < len(serial.Scenarios) && serial.Scenarios[i].ID != sc.ID {
			t.Errorf("%s: scenario %d is %s concurrently, %s serially: reports must keep catalogue order", what, i+1, sc.ID, serial.Scenarios[i].ID)
		}
	}
}

func countMandatory(gw string) int {
	pack, err := scenarios.Load(gw)
	if err != nil {
		return 0
	}
	n := 0
	for _, sc := range pack.Scenarios {
		if sc.Mandatory {
			n++
		}
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A merchant that verifies notifies exactly as DANA's official SDK parsers
// do (signature over the minified body, no X-TIMESTAMP form or age check)
// is correct for go-live: it passes every mandated scenario, and only the
// recommended DANA-SIG-06 reports the missing replay protection.
func TestDemo_DanaMerchantVerifyingLikeTheSDKGoesLive(t *testing.T) {
	ks, err := keyPair()
	if err != nil {
		t.Fatal(err)
	}
	merchantKey, gatewayKey := ks[0], ks[1]
	pack, err := scenarios.Load("dana-gapura")
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.Open(session.Options{
		Config: danaConfig(), Packs: []*scenario.Pack{pack}, Version: "test",
		Keys: &session.Keys{MerchantPublic: &merchantKey.PublicKey, GatewayPrivate: gatewayKey},
		StartMerchant: func(env session.Env) (string, func() error, error) {
			return startShopWith(env, merchantKey, nil, func(c *shop.Config) { c.VerifyLikeSDK = true })
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RunDirect(context.Background())
	out, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range out.Run.Scenarios {
		switch {
		case sc.Mandatory && sc.Verdict != evidence.Passed:
			t.Errorf("%s %s (%s): a merchant verifying like DANA's SDK must pass every mandated scenario", sc.ID, sc.Verdict, sc.Reason)
		case sc.ID == "DANA-SIG-06" && sc.Verdict != evidence.Failed:
			t.Errorf("DANA-SIG-06 %s: it should report the missing X-TIMESTAMP checks", sc.Verdict)
		}
	}
	if !out.Run.Summary.GoLive || out.ExitCode != 0 {
		t.Fatalf("go-live %v, exit %d; a failed recommended scenario must not block", out.Run.Summary.GoLive, out.ExitCode)
	}
}

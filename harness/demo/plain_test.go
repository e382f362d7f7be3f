package demo

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"github.com/uatrun/uatrun/harness/testbuild"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// plainChildEnv marks the test binary runPlain starts, so it runs the
// test itself instead of starting another.
const plainChildEnv = "UATRUN_DEMO_PLAIN_CHILD"

// runPlain runs the calling test in this package's test binary built
// without the race detector, and fails t with what it printed when it
// fails. It is for the fault matrix: hundreds of whole-pack runs whose
// point is each fault's verdicts, which the detector's instrumentation
// makes 2.5 times as costly in CPU, while every other test of this
// package runs the same engine, emulators and merchants under -race
// (clean runs, shuffled and concurrent runs, custom scenarios). It
// reports whether it ran the test in a child; false means the caller is
// the child, or not under -race, and runs the test itself. A child that
// TestMain started early is waited for, not started again.
func runPlain(t *testing.T) bool {
	t.Helper()
	if !plainParent() {
		return false
	}
	r := startPlain(childRunPattern(t.Name()))
	<-r.done
	if r.err != nil {
		t.Errorf("%s without -race: %v\n%s", t.Name(), r.err, r.out)
		return true
	}
	t.Logf("%s ran without -race: %s", t.Name(), strings.TrimSpace(r.out))
	return true
}

// plainParent: this binary is built with -race and is not the child.
func plainParent() bool { return raceEnabled && os.Getenv(plainChildEnv) == "" }

// plainRun is one run of the plain child.
type plainRun struct {
	done chan struct{} // closed when out and err are set
	out  string
	err  error
}

var (
	plainMu   sync.Mutex
	plainRuns = map[string]*plainRun{} // by -test.run pattern
	plainDir  string                   // holds the plain test binary; removed by TestMain

	// plainStop ends a child still running when the tests are done (a
	// -failfast stop skipped the test that waits for it).
	plainCtx, plainStop = context.WithCancel(context.Background())
)

// startPlain starts the plain child running the tests pattern selects,
// once per pattern, and returns its run.
func startPlain(pattern string) *plainRun {
	plainMu.Lock()
	defer plainMu.Unlock()
	if r, ok := plainRuns[pattern]; ok {
		return r
	}
	r := &plainRun{done: make(chan struct{})}
	plainRuns[pattern] = r
	if plainDir == "" {
		dir, err := os.MkdirTemp("", "uatrun-demo-plain")
		if err != nil {
			r.err = err
			close(r.done)
			return r
		}
		plainDir = dir
	}
	// A binary per run, so a second build never rewrites one running;
	// testbuild serialises the builds, and the second only links.
	go r.run(filepath.Join(plainDir, fmt.Sprintf("demo.plain.%d.test", len(plainRuns))), pattern)
	return r
}

func (r *plainRun) run(bin, pattern string) {
	defer close(r.done)
	if out, err := testbuild.Go(".", 20*time.Minute, "test", "-c", "-o", bin, "."); err != nil {
		r.out, r.err = string(out), fmt.Errorf("building this package's tests without -race: %w", err)
		return
	}
	ctx, cancel := context.WithTimeout(plainCtx, 20*time.Minute)
	defer cancel()
	// Without -test.v the child prints only what failed (its logs and
	// --- FAIL lines), which is what the test reports.
	args := []string{"-test.run", pattern}
	if f := flag.Lookup("test.parallel"); f != nil {
		args = append(args, "-test.parallel", f.Value.String())
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), plainChildEnv+"=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	r.err = cmd.Run()
	r.out = out.String()
}

// prestartPlain starts the fault matrix's plain child before any test
// runs, when the whole package runs: it is the package's longest test,
// and a top-level parallel test would otherwise start only once every
// other top-level test's sequential part is done.
func prestartPlain() {
	if !plainParent() || testing.Short() || flagSet("test.run") || flagSet("test.skip") || flagSet("test.list") {
		return
	}
	startPlain(childRunPattern("TestDemo_EveryFaultIsCaughtByItsScenario"))
}

// removePlain stops a child still running and removes its binary.
func removePlain() {
	plainStop()
	plainMu.Lock()
	defer plainMu.Unlock()
	if plainDir != "" {
		_ = os.RemoveAll(plainDir)
	}
}

func flagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != ""
}

// childRunPattern is -test.run for the child: this test, and the
// subtests the caller's -run selected under it.
func childRunPattern(name string) string {
	pattern := "^" + regexp.QuoteMeta(name) + "$"
	if sub, ok := subtestRun(); ok {
		pattern += "/" + sub
	}
	return pattern
}

// subtestRun is what -run selects below the top-level test (the part
// after its first "/"); false when it selects every subtest.
func subtestRun() (string, bool) {
	f := flag.Lookup("test.run")
	if f == nil {
		return "", false
	}
	_, sub, ok := strings.Cut(f.Value.String(), "/")
	return sub, ok
}

package demo

import (
	"bytes"
	"context"
	"flag"
	"github.com/uatrun/uatrun/harness/testbuild"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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
// the child, or not under -race, and runs the test itself.
func runPlain(t *testing.T) bool {
	t.Helper()
	if !raceEnabled || os.Getenv(plainChildEnv) != "" {
		return false
	}
	bin := filepath.Join(t.TempDir(), "demo.plain.test")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	if out, err := testbuild.Go(".", 20*time.Minute, "test", "-c", "-o", bin, "."); err != nil {
		t.Fatalf("building this package's tests without -race: %v\n%s", err, out)
	}
	// Without -test.v the child prints only what failed (its logs and
	// --- FAIL lines), which is what t gets.
	args := []string{"-test.run", childRunPattern(t.Name())}
	if f := flag.Lookup("test.parallel"); f != nil {
		args = append(args, "-test.parallel", f.Value.String())
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), plainChildEnv+"=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		t.Errorf("%s without -race: %v\n%s", t.Name(), err, out.String())
		return true
	}
	t.Logf("%s ran without -race: %s", t.Name(), strings.TrimSpace(out.String()))
	return true
}

// childRunPattern is -test.run for the child: this test, and the
// subtests the caller's -run selected under it.
func childRunPattern(name string) string {
	pattern := "^" + regexp.QuoteMeta(name) + "$"
	if f := flag.Lookup("test.run"); f != nil {
		if parts := strings.SplitN(f.Value.String(), "/", 2); len(parts) == 2 {
			pattern += "/" + parts[1]
		}
	}
	return pattern
}

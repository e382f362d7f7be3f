package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/testbuild"
)

// The CLI is tested as a user meets it: the built binary, its output and
// its exit code. bin is built without -race (see raceUatrun for the tests
// that use the race build).
var bin string

func TestMain(m *testing.M) {
	// These tests run the binary against loopback merchants and mostly
	// wait, so more of them overlap than Go's default of one per core;
	// a -parallel the user chose is kept.
	flag.Parse()
	if f := flag.Lookup("test.parallel"); f != nil && f.Value.String() == strconv.Itoa(runtime.GOMAXPROCS(0)) {
		_ = f.Value.Set(strconv.Itoa(max(6, runtime.GOMAXPROCS(0))))
	}
	// A binary built with -race waits a second as it exits, so that races
	// still being found get reported; every race it finds is reported as
	// it is found and still makes it exit 66. These tests start it
	// dozens of times, so they skip the wait (a GORACE the user set is
	// kept).
	if _, set := os.LookupEnv("GORACE"); !set && len(raceFlags) > 0 {
		_ = os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	dir, err := os.MkdirTemp("", "uatrun-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "uatrun")
	if out, err := testbuild.Go(".", 10*time.Minute, "build", "-o", bin, "."); err != nil {
		panic(fmt.Sprintf("%v\n%s", err, out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// raceUatrun is uatrun built as these tests are (with -race under
// go test -race), for the tests whose runs are concurrent where a data race
// could hide: a whole demo, Ctrl-C and a kill mid-run, and each gateway's
// clean run out of process. The other tests check what the CLI prints,
// writes and exits with, and use bin, built without the detector: its runs
// cost a third of the CPU, and the engine behind them runs under -race in
// process too (harness/demo, harness/engine). It is built once, on first
// use.
func raceUatrun(t testing.TB) string {
	t.Helper()
	exe, err := raceBuild()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

var raceBuild = sync.OnceValues(func() (string, error) {
	if len(raceFlags) == 0 {
		return bin, nil
	}
	exe := bin + "-race"
	args := append(append([]string{"build"}, raceFlags...), "-o", exe, ".")
	if out, err := testbuild.Go(".", 10*time.Minute, args...); err != nil {
		return "", fmt.Errorf("%v\n%s", err, out)
	}
	return exe, nil
})

func uatrun(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	return uatrunWith(t, bin, dir, args...)
}

// uatrunWith runs exe (bin or raceUatrun) in dir.
func uatrunWith(t *testing.T, exe, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

func TestDemo_PassesAndWritesEveryReport(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	out, code := uatrunWith(t, raceUatrun(t), dir, "demo", "--no-color")
	if code != 0 || !strings.Contains(out, "go-live: GO") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, f := range []string{"evidence.json", "junit.xml", "evidence.html", "evidence.md", "journal.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, "uat-evidence", f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if out, code := uatrun(t, dir, "verify", "uat-evidence/evidence.json"); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify exit %d: %s", code, out)
	}
}

// Every fault `demo --fault list` prints is one the kit knows a catching
// scenario for; a sample makes the demo exit 1 as a partial run, and a
// failure points at the scenario's YAML line. (TestOutOfProcess runs every
// fault through `uatrun run`; harness/demo runs the whole catalogue per
// fault.)
func TestDemo_EveryListedFaultExitsOne(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	list, code := uatrun(t, dir, "demo", "--fault", "list")
	if code != 0 {
		t.Fatalf("--fault list exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) < 14 {
		t.Fatalf("want at least 14 faults, got:\n%s", list)
	}
	kit, err := demo.KitFor("dana-gapura")
	if err != nil {
		t.Fatal(err)
	}
	sample := map[string]bool{"create-no-retry": true, "notify-ignores-amount": true, "trust-return-query": true}
	for _, line := range lines {
		name := strings.Fields(line)[0]
		if kit.Catches[name] == "" {
			t.Errorf("fault %s is listed but no scenario is named to catch it", name)
		}
		if !sample[name] {
			continue
		}
		only := "^" + kit.Catches[name] + " "
		out, code := uatrun(t, dir, "demo", "--quiet", "--fault", name, "--scenario", only, "--out", filepath.Join(dir, name))
		if code != 1 || !strings.Contains(out, "partial run, not a sign-off") || strings.Contains(out, "go-live") {
			t.Errorf("fault %s (--scenario %s): exit %d, want 1 and a partial run with no go-live call:\n%s", name, only, code, out)
		}
	}
	out, _ := uatrun(t, dir, "demo", "--no-color", "--fault", "notify-no-verify", "--out", filepath.Join(dir, "nv"))
	if !strings.Contains(out, "at scenarios/dana-gapura/signature.yaml:") {
		t.Errorf("failure does not name the YAML line:\n%s", out)
	}
}

func TestValidate_ConfigTypoNamesLineAndFix(t *testing.T) {
	dir := t.TempDir()
	if _, code := uatrun(t, dir, "init"); code != 0 {
		t.Fatal("init failed")
	}
	if _, code := uatrun(t, dir, "keys", "--out", "keys"); code != 0 {
		t.Fatal("keys failed")
	}
	if out, code := uatrun(t, dir, "validate", "--config", "uatrun.yaml"); code != 0 {
		t.Fatalf("the starter config is not valid (exit %d):\n%s", code, out)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "uatrun.yaml"))
	bad := strings.Replace(string(cfg), "  base_url:", "  bse_url:", 1)
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644)
	line := 1 + strings.Count(bad[:strings.Index(bad, "  bse_url:")], "\n")
	out, code := uatrun(t, dir, "validate", "--config", "bad.yaml")
	want := "bad.yaml:" + itoa(line) + ":3"
	if code != 2 || !strings.Contains(out, want) || !strings.Contains(out, `"base_url"`) {
		t.Fatalf("exit %d, want 2 with %s and a suggestion:\n%s", code, want, out)
	}
}

func TestValidate_ScenarioTypoNamesFileLineCol(t *testing.T) {
	dir := t.TempDir()
	uatrun(t, dir, "init")
	uatrun(t, dir, "keys", "--out", "keys")
	os.Mkdir(filepath.Join(dir, "mine"), 0o755)
	os.WriteFile(filepath.Join(dir, "mine", "x.yaml"), []byte("id: X-1\ntitle: t\ngateway: dana-gapura\nmaps_to: [x]\nsteps:\n  - gatway: pay\n"), 0o644)
	out, code := uatrun(t, dir, "validate", "--config", "uatrun.yaml", "--scenarios", "mine")
	if code != 2 || !strings.Contains(out, `mine/x.yaml:6:5: unknown step "gatway"; did you mean "gateway"?`) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRun_DryRunStartsNothing(t *testing.T) {
	dir := t.TempDir()
	uatrun(t, dir, "init")
	uatrun(t, dir, "keys", "--out", "keys")
	out, code := uatrun(t, dir, "run", "--config", "uatrun.yaml", "--dry-run", "--labels", "refund")
	if code != 0 || !strings.Contains(out, "would run  DANA-REFUND-01") || strings.Contains(out, "DANA-PAY-01") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestKeysAndInit_NeverOverwrite(t *testing.T) {
	dir := t.TempDir()
	if _, code := uatrun(t, dir, "keys", "--out", "k"); code != 0 {
		t.Fatal("first keys failed")
	}
	if _, code := uatrun(t, dir, "keys", "--out", "k"); code != 2 {
		t.Fatalf("second keys exit %d, want 2", code)
	}
	uatrun(t, dir, "init")
	if _, code := uatrun(t, dir, "init"); code != 2 {
		t.Fatalf("second init exit %d, want 2", code)
	}
}

func TestVerify_TamperedEvidenceExitsOne(t *testing.T) {
	dir := t.TempDir()
	uatrun(t, dir, "demo", "--quiet", "--labels", "create")
	p := filepath.Join(dir, "uat-evidence", "evidence.json")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(b, []byte(`"PASSED"`), []byte(`"PASSEX"`), 1), 0o644)
	out, code := uatrun(t, dir, "verify", p)
	if code != 1 || !strings.Contains(out, "NOT INTACT") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestUnknownCommand_ExitsTwo(t *testing.T) {
	if _, code := uatrun(t, t.TempDir(), "bogus"); code != 2 {
		t.Fatalf("exit %d", code)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Each scenario runs on its own test clock, so a shuffled order gives the
// same verdicts as file order.
func TestDemo_ShuffledOrderGivesTheSameVerdicts(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	verdicts := func(args ...string) (map[string]evidence.Verdict, []string) {
		out, code := uatrun(t, dir, append([]string{"demo", "--no-color"}, args...)...)
		if code != 0 {
			t.Fatalf("demo %v: exit %d:\n%s", args, code, out)
		}
		got := map[string]evidence.Verdict{}
		var order []string
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) > 2 && strings.HasPrefix(f[1], "DANA-") {
				got[f[1]] = evidence.Verdict(f[0])
				order = append(order, f[1])
			}
		}
		return got, order
	}
	inOrder, fileOrder := verdicts("--out", "in-order")
	shuffled, shuffledOrder := verdicts("--randomize", "--seed", "7", "--out", "shuffled")
	if strings.Join(fileOrder, " ") == strings.Join(shuffledOrder, " ") {
		t.Fatalf("--randomize --seed 7 ran the scenarios in file order: %v", fileOrder)
	}
	if len(inOrder) < 20 || len(shuffled) != len(inOrder) {
		t.Fatalf("%d verdicts in order, %d shuffled", len(inOrder), len(shuffled))
	}
	for id, v := range inOrder {
		if shuffled[id] != v {
			t.Errorf("%s: %s in file order, %s shuffled", id, v, shuffled[id])
		}
	}
	run := readEvidence(t, filepath.Join(dir, "shuffled", "evidence.json"))
	if !strings.Contains(run.Meta.Order, "seed 7") {
		t.Errorf("evidence order %q does not record the seed", run.Meta.Order)
	}
}

func TestList_ShowsEachScenariosTier(t *testing.T) {
	out, code := uatrun(t, t.TempDir(), "list", "--pack", "dana-gapura")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for id, tier := range map[string]string{"DANA-PAY-01": "mandatory", "DANA-SIG-06": "recommended"} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == id {
				found = true
				if f[1] != tier {
					t.Errorf("%s is listed as %s, want %s", id, f[1], tier)
				}
			}
		}
		if !found {
			t.Errorf("%s is not listed:\n%s", id, out)
		}
	}
}

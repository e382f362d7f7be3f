package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/scenarios"
)

// End-to-end robustness: bad input gets a clear error and loses nothing.
// Each test drives the built binary the way a user or a CI job does.

// runBounded runs the binary in dir and kills it if it outlives limit, so a
// hang fails the test instead of stalling it.
func runBounded(t *testing.T, dir string, limit time.Duration, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("uatrun %s did not finish within %s:\n%s", strings.Join(args, " "), limit, out.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

// newProject is a user's first steps: uatrun init and uatrun keys, with the
// emulator and receiver moved to free ports so tests never collide.
func newProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, args := range [][]string{{"init"}, {"keys", "--out", "keys"}} {
		if out, code := runBounded(t, dir, 20*time.Second, args...); code != 0 {
			t.Fatalf("uatrun %v: exit %d:\n%s", args, code, out)
		}
	}
	editConfig(t, dir, "uatrun.yaml",
		"listen: 127.0.0.1:9080", "listen: 127.0.0.1:0",
		"listen: 127.0.0.1:9081", "listen: 127.0.0.1:0")
	return dir
}

// editConfig replaces old/new pairs in dir/name, failing when an old text
// is absent so a changed starter config cannot silently void a test.
func editConfig(t *testing.T, dir, name string, oldNew ...string) {
	t.Helper()
	p := filepath.Join(dir, name)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(replaceEach(t, name, string(b), oldNew...)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceEach replaces the first of each old text in s (the file name)
// with its new one; an old text that is absent fails t.
func replaceEach(t testing.TB, name, s string, oldNew ...string) string {
	t.Helper()
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(s, oldNew[i]) {
			t.Fatalf("%s has no %q to replace", name, oldNew[i])
		}
		s = strings.Replace(s, oldNew[i], oldNew[i+1], 1)
	}
	return s
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func readEvidence(t testing.TB, path string) *evidence.Run {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var run evidence.Run
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &run
}

// assertNoCrash fails when the output shows a Go panic or stack trace.
func assertNoCrash(t *testing.T, out string) {
	t.Helper()
	for _, sign := range []string{"panic:", "goroutine ", "runtime error"} {
		if strings.Contains(out, sign) {
			t.Fatalf("output shows a crash (%q):\n%s", sign, out)
		}
	}
}

func needsMerchant(sc *scenario.Scenario) bool {
	for _, st := range sc.Steps {
		if st.Kind == scenario.KindMerchant || st.Kind == scenario.KindWait {
			return true
		}
	}
	return false
}

func TestRun_NoMerchantStopsAtPreflightWithOneMessage(t *testing.T) {
	t.Parallel() // its own temp dirs, ports and processes
	dir := newProject(t)
	addr := closedAddr(t)
	editConfig(t, dir, "uatrun.yaml", "base_url: http://127.0.0.1:8080", "base_url: http://"+addr)

	out, code := runBounded(t, dir, 30*time.Second, "run", "--config", "uatrun.yaml", "--no-color")
	if code != 3 {
		t.Fatalf("exit %d, want 3 (the run could not start):\n%s", code, out)
	}
	assertNoCrash(t, out)
	want := "preflight: the merchant does not answer at merchant.base_url http://" + addr
	if !strings.Contains(out, want) || !strings.Contains(out, "no scenario was run") {
		t.Fatalf("want one message %q saying no scenario was run:\n%s", want, out)
	}
	if n := strings.Count(out, "ERRORED"); n != 0 {
		t.Fatalf("the console lists %d ERRORED scenarios; preflight should stop before any:\n%s", n, out)
	}
}

// droppingMerchant answers the preflight (GET /) and then drops the
// connection of every action: a merchant whose app dies behind its
// load balancer.
type droppingMerchant struct{}

func (droppingMerchant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
}

func TestRun_UnreachableMerchantIsErroredAndTheRunGoesOn(t *testing.T) {
	t.Parallel() // its own temp dirs, ports and processes
	dir := newProject(t)
	srv := httptest.NewServer(droppingMerchant{})
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	editConfig(t, dir, "uatrun.yaml", "base_url: http://127.0.0.1:8080", "base_url: "+srv.URL)

	out, code := runBounded(t, dir, 60*time.Second, "run", "--config", "uatrun.yaml", "--no-color")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	assertNoCrash(t, out)
	if !strings.Contains(out, "merchant unreachable") {
		t.Errorf("the console does not say the merchant is unreachable:\n%s", out)
	}
	ev := filepath.Join(dir, "uat-evidence")
	for _, f := range []string{"evidence.json", "evidence.html", "junit.xml", "evidence.md", "journal.jsonl"} {
		if _, err := os.Stat(filepath.Join(ev, f)); err != nil {
			t.Errorf("report missing: %v", err)
		}
	}
	pack, err := scenarios.Load("dana-gapura")
	if err != nil {
		t.Fatal(err)
	}
	run := readEvidence(t, filepath.Join(ev, "evidence.json"))
	if len(run.Scenarios) != len(pack.Scenarios) {
		t.Fatalf("evidence lists %d scenarios, the pack has %d: the run stopped early", len(run.Scenarios), len(pack.Scenarios))
	}
	for i, sc := range pack.Scenarios {
		got := run.Scenarios[i]
		if got.ID != sc.ID {
			t.Errorf("scenario %d is %s, want %s", i, got.ID, sc.ID)
			continue
		}
		if !needsMerchant(sc) {
			continue
		}
		if got.Verdict != evidence.Errored || !strings.Contains(got.Reason, "merchant unreachable") || !strings.Contains(got.Reason, addr) {
			t.Errorf("%s: %s %q, want ERRORED naming the unreachable merchant at %s", sc.ID, got.Verdict, got.Reason, addr)
		}
	}
	if run.Summary.GoLive {
		t.Error("an unreachable merchant must never be go-live")
	}
	if out, code := runBounded(t, dir, 10*time.Second, "verify", filepath.Join(ev, "evidence.json")); code != 0 {
		t.Errorf("verify exit %d:\n%s", code, out)
	}
}

// hangingMerchant answers its first quick requests with HTTP 500 at once
// (so the first scenario finishes) and blocks every later one until the
// client goes away or the test ends: a merchant that stopped answering.
type hangingMerchant struct {
	quick   int32
	seen    atomic.Int32
	hanging chan struct{} // closed when the first request starts hanging
	release chan struct{}
}

func (m *hangingMerchant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := m.seen.Add(1)
	if n <= m.quick {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"error":"boom"}`))
		return
	}
	if n == m.quick+1 {
		close(m.hanging)
	}
	select {
	case <-r.Context().Done():
	case <-m.release:
	}
}

// waitFor polls cond every 20ms until it holds or limit passes.
func waitFor(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// journalHasDoneScenario reports whether the journal holds at least one
// complete scenario_done line.
func journalHasDoneScenario(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var ev struct{ Event string }
		if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Event == "scenario_done" {
			return true
		}
	}
	return false
}

func TestRun_KilledMidScenarioLeavesAReadableJournal(t *testing.T) {
	t.Parallel() // its own temp dirs, ports and processes
	dir := newProject(t)
	m := &hangingMerchant{quick: 4, hanging: make(chan struct{}), release: make(chan struct{})}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(m.release) }) // runs first: frees handlers so Close returns
	editConfig(t, dir, "uatrun.yaml",
		"base_url: http://127.0.0.1:8080", "base_url: "+srv.URL,
		"  timeout: 10s\n", "  timeout: 1m\n")

	cmd := exec.Command(raceUatrun(t), "run", "--config", "uatrun.yaml", "--no-color", "--out", "ev")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })

	journal := filepath.Join(dir, "ev", "journal.jsonl")
	midRun := waitFor(15*time.Second, func() bool {
		select {
		case <-exited:
			return true // checked below
		default:
		}
		select {
		case <-m.hanging:
			return journalHasDoneScenario(journal)
		default:
			return false
		}
	})
	select {
	case <-exited:
		t.Fatalf("uatrun run exited before it could be killed mid-scenario:\n%s", out.String())
	default:
	}
	if !midRun {
		t.Fatalf("no scenario finished while the merchant hung (journal %s):\n%s", journal, out.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	if _, err := os.Stat(filepath.Join(dir, "ev", "evidence.json")); err == nil {
		t.Fatal("a killed run wrote evidence.json; this test no longer exercises the journal")
	}

	rep, code := runBounded(t, dir, 10*time.Second, "report", "ev")
	if code != 0 || !strings.Contains(rep, "INCOMPLETE") {
		t.Fatalf("report exit %d, want 0 saying INCOMPLETE:\n%s", code, rep)
	}
	assertNoCrash(t, rep)
	html, err := os.ReadFile(filepath.Join(dir, "ev", "evidence.html"))
	if err != nil || !bytes.Contains(html, []byte("INCOMPLETE")) {
		t.Fatalf("evidence.html does not say INCOMPLETE (err %v)", err)
	}
	run := readEvidence(t, filepath.Join(dir, "ev", "evidence.json"))
	if !run.Incomplete || run.Summary.GoLive {
		t.Fatalf("evidence.json: incomplete=%v go-live=%v, want an incomplete run that never claims go-live", run.Incomplete, run.Summary.GoLive)
	}
	assertJournalVerdicts(t, run)
	// Intact, yet the run never finished: verify says so and exits 1.
	ver, code := runBounded(t, dir, 10*time.Second, "verify", "ev/evidence.json")
	if code != 1 || !strings.Contains(ver, "intact") || strings.Contains(ver, "NOT INTACT") || !strings.Contains(ver, "INCOMPLETE") {
		t.Fatalf("verify exit %d, want the re-rendered evidence intact, INCOMPLETE and exit 1:\n%s", code, ver)
	}
}

// assertJournalVerdicts checks what the journal kept: the scenarios that
// finished with their real verdicts, those cut off as ERRORED with the reason.
func assertJournalVerdicts(t *testing.T, run *evidence.Run) {
	t.Helper()
	finished, cut := 0, 0
	for _, sc := range run.Scenarios {
		switch {
		case sc.Verdict == evidence.Errored && sc.Reason == evidence.ReasonUnfinished:
			cut++
		case (sc.Verdict == evidence.Failed || sc.Verdict == evidence.Errored) && len(sc.Steps) > 0:
			// The merchant's 500 failed the checkout: a judged step
			// (FAILED) or a setup step (ERRORED, the rule not reached).
			finished++
		}
	}
	// Up to run.parallel scenarios were in progress when the run was
	// killed; each is cut off, none is lost or invented.
	if finished == 0 || cut == 0 || cut > session.DefaultParallel {
		t.Fatalf("want finished scenarios with their verdicts and 1 to %d cut off; got %d finished, %d cut:\n%+v", session.DefaultParallel, finished, cut, run.Scenarios)
	}
}

func TestRun_BadConfigExitsTwoAndStartsNothing(t *testing.T) {
	tests := []struct {
		name   string
		oldNew []string
		want   string // text the error must contain
	}{
		{"misspelt key", []string{"  base_url:", "  bse_url:"}, `unknown key "bse_url" in merchant; did you mean "base_url"?`},
		{"unknown gateway", []string{"name: dana-gapura ", "name: dana-gapuraa "}, `did you mean "dana-gapura"?`},
		{"bad duration", []string{"step_timeout: 15s", "step_timeout: 15 seconds"}, `"15 seconds" is not a duration`},
		{"missing key file", []string{"gateway_private_key: keys/gateway.pem", "gateway_private_key: keys/nope.pem"}, "nope.pem does not exist"},
	}
	dir := newProject(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := os.ReadFile(filepath.Join(dir, "uatrun.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			name := strings.ReplaceAll(tt.name, " ", "-") + ".yaml"
			os.WriteFile(filepath.Join(dir, name), cfg, 0o644)
			editConfig(t, dir, name, tt.oldNew...)
			line := 1 + bytes.Count(cfg[:bytes.Index(cfg, []byte(tt.oldNew[0]))], []byte("\n"))
			outDir := strings.TrimSuffix(name, ".yaml") + "-ev"

			out, code := runBounded(t, dir, 10*time.Second, "run", "--config", name, "--out", outDir)
			if code != 2 {
				t.Fatalf("exit %d, want 2:\n%s", code, out)
			}
			assertNoCrash(t, out)
			if !strings.Contains(out, name+":"+itoa(line)+":") || !strings.Contains(out, tt.want) {
				t.Errorf("want %s:%d:col and %q in:\n%s", name, line, tt.want, out)
			}
			if _, err := os.Stat(filepath.Join(dir, outDir)); err == nil {
				t.Errorf("a run refused for a bad config created its out dir %s", outDir)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "uat-evidence")); err == nil {
		t.Error("a refused run created uat-evidence/")
	}
}

func TestRun_ScenarioErrorsAreAllListedAndNothingRuns(t *testing.T) {
	dir := newProject(t)
	mine := filepath.Join(dir, "mine")
	os.Mkdir(mine, 0o755)
	os.WriteFile(filepath.Join(mine, "a.yaml"), []byte("id: X-1\ntitle: t\ngateway: dana-gapura\nmaps_to: [x]\nsteps:\n  - gatway: pay\n"), 0o644)
	os.WriteFile(filepath.Join(mine, "b.yaml"), []byte("id: X-2\ntitle: t2\ngateway: dana-gapura\nmaps_to: [y]\nsteps:\n"+
		"  - merchant: checkout\n    expect: {staus: 200}\n  - wait: order_status\n    within: forever\n"), 0o644)

	out, code := runBounded(t, dir, 10*time.Second, "run", "--config", "uatrun.yaml", "--scenarios", "mine", "--out", "ev")
	if code != 2 {
		t.Fatalf("exit %d, want 2:\n%s", code, out)
	}
	assertNoCrash(t, out)
	for _, want := range []string{
		`mine/a.yaml:6:5: unknown step "gatway"; did you mean "gateway"?`,
		`mine/b.yaml:7:14: unknown key "staus" in expect; did you mean "status"?`,
		`mine/b.yaml:9:13: "forever" is not a duration`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing error %q in:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ev")); err == nil {
		t.Error("a run refused for bad scenarios created its out dir")
	}
}

// A custom pack reusing the mandated IDs must not stand in for the real
// scenarios: the run refuses to start (exit 2), naming both files, even
// with no merchant listening.
func TestRun_CustomPackCannotShadowTheMandatedScenarios(t *testing.T) {
	dir := newProject(t)
	src, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "dana-gapura", "pay.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "mine"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mine", "pay.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := runBounded(t, dir, 30*time.Second, "run", "--config", "uatrun.yaml", "--scenarios", "mine", "--no-color")
	if code != 2 {
		t.Fatalf("exit %d, want 2:\n%s", code, out)
	}
	for _, want := range []string{"mine/pay.yaml", "scenarios/dana-gapura/pay.yaml", `"DANA-PAY-01" is already defined`} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not name %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "uat-evidence", "evidence.json")); err == nil {
		t.Error("a refused run wrote evidence")
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
)

// interruptedRun leaves in dir/ev what a run stopped with Ctrl-C after
// its first scenario leaves: the journal and the sealed INTERRUPTED
// evidence.
func interruptedRun(t *testing.T, dir string) {
	t.Helper()
	s, err := demo.Open(demo.Options{OutDir: filepath.Join(dir, "ev"), Version: "test", Filter: engine.Filter{Labels: "cancel"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s.Engine().Run(ctx, s.Selected()[:1], s.Plan(), s.Hooks()) // the first scenario, then Ctrl-C
	cancel()
	if _, err := s.FinishInterrupted(); err != nil {
		t.Fatal(err)
	}
}

// Attack: `uatrun report` re-rendered an interrupted run from its journal
// as a complete GO (verify exit 0), and `report --force` replaced the
// sealed INTERRUPTED evidence.json in place. Now the sealed file is never
// replaced, and the re-render is INTERRUPTED, lists what never ran, and
// verify exits 1.
func TestReport_InterruptedRunIsNeverReRenderedGo(t *testing.T) {
	t.Parallel() // its own temp dir
	dir := t.TempDir()
	interruptedRun(t, dir)
	sealed, _ := os.ReadFile(filepath.Join(dir, "ev", "evidence.json"))

	for _, args := range [][]string{{"report", "ev"}, {"report", "ev", "--force"}, {"--force", "report", "ev"}} {
		_, errOut, code := uatrunEnv(t, dir, nil, args...)
		if code != 2 || !strings.Contains(errOut, "never replaces") {
			t.Errorf("%v: exit %d, want 2 refusing to replace the sealed evidence:\n%s", args, code, errOut)
		}
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "ev", "evidence.json")); !bytes.Equal(now, sealed) {
		t.Fatal("the sealed evidence.json was replaced")
	}

	out, errOut, code := uatrunEnv(t, dir, nil, "report", "ev", "--out", "re")
	if code != 0 || !strings.Contains(out, "INTERRUPTED") {
		t.Fatalf("report --out: exit %d, want 0 saying INTERRUPTED:\n%s%s", code, out, errOut)
	}
	run := readEvidence(t, filepath.Join(dir, "re", "evidence.json"))
	if !run.Interrupted || run.Summary.GoLive {
		t.Errorf("re-render: interrupted=%v go-live=%v", run.Interrupted, run.Summary.GoLive)
	}
	notRun := 0
	for _, sc := range run.Scenarios {
		if sc.Reason == evidence.ReasonNotRunInterrupted {
			notRun++
		}
	}
	if notRun == 0 {
		t.Error("the re-render does not list the scenarios the interrupted run never started")
	}
	if v, _, code := uatrunEnv(t, dir, nil, "verify", "re/evidence.json"); code != 1 || !strings.Contains(v, "INCOMPLETE") {
		t.Errorf("verify of the re-render: exit %d, want 1 INCOMPLETE:\n%s", code, v)
	}
	// A re-render may be replaced by another, with --force.
	if _, errOut, code := uatrunEnv(t, dir, nil, "report", "ev", "--out", "re", "--force"); code != 0 {
		t.Errorf("re-render over a re-render with --force: exit %d\n%s", code, errOut)
	}
}

// Attack: verify (and verify --key, and report on a journal) read
// /dev/zero until memory ran out, and hung on a FIFO. Both now fail at
// once with exit 2.
func TestVerify_DevZeroAndFIFOReturnAtOnce(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs:", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "ev"), 0o755))
	must(syscall.Mkfifo(filepath.Join(dir, "ev", session.JournalFile), 0o600))
	for _, args := range [][]string{
		{"verify", "/dev/zero"}, {"verify", fifo},
		{"verify", "--key", "/dev/zero", fifo}, {"verify", "--key", fifo, "/dev/zero"},
		{"report", "ev", "--out", "re"},
	} {
		out, code := runBounded(t, dir, 20*time.Second, args...) // a hang fails here; no timing is asserted
		if code == 0 || !strings.Contains(out, "not a regular file") {
			t.Errorf("%v: exit %d, want a refusal naming the file kind:\n%s", args, code, out)
		}
	}
}

// Attack: an old signed GO replayed for a new build, or a signed
// document with its failing scenarios removed and its summary
// recomputed. verify now shows what the document tested, checks the
// mandated list against the pack this uatrun embeds, and can require a
// maximum age and a merchant build.
func TestVerify_BindingsAgeMerchantVersionAndMandatedList(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	uatrun(t, dir, "keys", "-q", "--evidence", "--out", "reviewer")
	key, err := evidence.LoadSigningKey(filepath.Join(dir, "reviewer", "evidence-signing.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pin := filepath.Join(dir, "reviewer", "evidence-signing.pub.pem")
	if out, code := uatrun(t, dir, "demo", "-q", "--merchant-version", "shop v2.3.1"); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "uat-evidence", "evidence.json"))
	reseal := func(name string, edit func(*evidence.Run)) string {
		run := readEvidenceBytes(t, data)
		edit(run)
		if err := evidence.Seal(run, ed25519.PrivateKey(key)); err != nil {
			t.Fatal(err)
		}
		b, _ := evidence.MarshalEvidence(run)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := reseal("good.json", func(*evidence.Run) {})
	old := reseal("old.json", func(r *evidence.Run) {
		r.Meta.Started.Real = r.Meta.Started.Real.Add(-90 * 24 * time.Hour)
		r.Meta.Finished.Real = r.Meta.Finished.Real.Add(-90 * 24 * time.Hour)
	})
	// Three failing scenarios removed, the mandated list trimmed to
	// match, the summary recomputed: consistent in itself.
	trimmed := reseal("trimmed.json", func(r *evidence.Run) {
		drop := map[string]bool{"DANA-SIG-01": true, "DANA-SIG-02": true, "DANA-SIG-03": true}
		var keep []evidence.Scenario
		for _, sc := range r.Scenarios {
			if !drop[sc.ID] {
				keep = append(keep, sc)
			}
		}
		r.Scenarios = keep
		var m []string
		for _, id := range r.Meta.Packs[0].Mandated {
			if !drop[id] {
				m = append(m, id)
			}
		}
		r.Meta.Packs[0].Mandated = m
		r.Summary = evidence.SummaryOf(r)
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"fresh, expected build", []string{"--max-age", "1d", "--merchant-version", "shop v2.3.1", good}, 0, "merchant build shop v2.3.1"},
		{"bindings shown", []string{good}, 0, "checked against the pack this uatrun embeds"},
		{"another build", []string{"--merchant-version", "shop v2.4.0", good}, 1, "not the required merchant version shop v2.4.0"},
		{"too old", []string{"--max-age", "30d", old}, 1, "older than --max-age 30d"},
		{"scenarios removed", []string{trimmed}, 1, "DANA-SIG-01, DANA-SIG-02, DANA-SIG-03"},
		{"bad max age", []string{"--max-age", "soon", good}, 2, ""},
	} {
		out, errOut, code := uatrunEnv(t, dir, nil, append([]string{"verify", "--key", pin}, tc.args...)...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%s: exit %d, want %d saying %q:\n%s%s", tc.name, code, tc.code, tc.want, out, errOut)
		}
	}
}

// validate says, before anything runs, which programs a config runs.
func TestValidate_ListsEveryProgramTheConfigRuns(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := newProject(t)
	editConfig(t, dir, "uatrun.yaml", "  actions:\n", "  actions:\n    peek: {command: [./bin/peek, \"{{.order}}\"], env: [SHOP_DB_URL]}\n")
	out, errOut, code := uatrunEnv(t, dir, nil, "validate", "--config", "uatrun.yaml")
	if code != 0 || !strings.Contains(out, "runs 1 program") || !strings.Contains(out, "./bin/peek") || !strings.Contains(out, "SHOP_DB_URL") || !strings.Contains(out, "config sha256:") {
		t.Errorf("validate: exit %d, want the program listed:\n%s%s", code, out, errOut)
	}
}

// Attack: a merchant's config ran a program on the reviewer's machine
// (and beside the reviewer's signing key) without being asked. Without
// --allow-commands nothing runs (exit 2); with it but a signing key
// configured, nothing runs either unless that is allowed too.
func TestRun_CommandActionsNeedTheRunnersOptIn(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := newProject(t)
	uatrun(t, dir, "keys", "-q", "--evidence", "--out", "reviewer")
	marker := filepath.Join(dir, "ran")
	editConfig(t, dir, "uatrun.yaml", "  actions:\n", "  actions:\n    peek: {command: [touch, "+marker+"]}\n")
	out, code := runBounded(t, dir, 60*time.Second, "run", "--config", "uatrun.yaml", "--out", "ev")
	if code != 2 || !strings.Contains(out, "--allow-commands") || !strings.Contains(out, "uatrun.yaml:") {
		t.Errorf("run without --allow-commands: exit %d, want 2 naming the action:\n%s", code, out)
	}
	editConfig(t, dir, "uatrun.yaml", "  # signing_key: keys/evidence-signing.pem", "  signing_key: reviewer/evidence-signing.pem")
	out, code = runBounded(t, dir, 60*time.Second, "run", "--allow-commands", "--config", "uatrun.yaml", "--out", "ev2")
	if code != 2 || !strings.Contains(out, "signing") {
		t.Errorf("run with commands and a signing key: exit %d, want 2:\n%s", code, out)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the config's program ran")
	}
}

// A panic is exit 3 (uatrun failed), never 2 (usage), with the stack in
// a file the message names.
func TestProtect_PanicExitsThreeWithTheStackInAFile(t *testing.T) {
	var stderr bytes.Buffer
	code := protect(&stderr, func() int { panic("boom") })
	if code != exitHarness {
		t.Fatalf("exit %d, want %d", code, exitHarness)
	}
	msg := stderr.String()
	i := strings.Index(msg, "the stack is in ")
	if !strings.Contains(msg, "internal error: boom") || i < 0 {
		t.Fatalf("stderr %q", msg)
	}
	path := strings.Fields(msg[i+len("the stack is in "):])[0]
	path = strings.TrimSuffix(path, ";")
	defer os.Remove(path)
	stack, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(stack, []byte("panic: boom")) || !bytes.Contains(stack, []byte("TestProtect_PanicExitsThree")) {
		t.Errorf("stack file %s: %v\n%s", path, err, stack)
	}
	if code := protect(&stderr, func() int { return 7 }); code != 7 {
		t.Errorf("without a panic: exit %d, want f's own", code)
	}
}

// Attack: a filtered run exits 0, so the Action's gate stayed green on a
// run that left mandated scenarios out. verify --json says partial, and
// the gate fails on it unless the workflow asks for a partial run.
func TestGate_PartialRunFailsUnlessAsked(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	if out, code := uatrun(t, dir, "demo", "-q", "--labels", "create"); code != 0 {
		t.Fatalf("filtered demo: exit %d\n%s", code, out)
	}
	out, _, code := uatrunEnv(t, dir, nil, "--json", "verify", "uat-evidence/evidence.json")
	if code != 0 || !strings.Contains(out, `"partial": true`) {
		t.Fatalf("verify --json of a partial run: exit %d\n%s", code, out)
	}
	action, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	a := string(action)
	for _, want := range []string{`grep -q '"partial": true'`, `"$ALLOW_PARTIAL" != "true"`, "allow-partial:", `--merchant-version "$MERCHANT_VERSION"`} {
		if !strings.Contains(a, want) {
			t.Errorf("action.yml lacks %q: the gate must fail a partial run unless asked", want)
		}
	}
}

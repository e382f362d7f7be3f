package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/evidence"
)

// uatrunEnv is uatrun with extra environment variables, stdout and stderr
// kept apart.
func uatrunEnv(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// Ginkgo's label parser colours its errors; with colour off none of it
// may reach the output.
func TestNoColor_NoANSIFromAnyDependency(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"NO_COLOR", []string{"NO_COLOR=1"}, []string{"demo", "--labels", "mandatory &&", "--out", "x"}},
		{"--no-color, global", nil, []string{"--no-color", "demo", "--labels", "mandatory &&", "--out", "x"}},
		{"not a terminal", nil, []string{"run", "--labels", "mandatory &&", "--dry-run", "--config", "uatrun.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			uatrun(t, dir, "init", "-q")
			uatrun(t, dir, "keys", "-q", "--out", "keys")
			out, errOut, code := uatrunEnv(t, dir, tc.env, tc.args...)
			if code != 2 || !strings.Contains(errOut, "Syntax Error Parsing Label Filter") {
				t.Fatalf("exit %d, want 2 with Ginkgo's parse error:\n%s%s", code, out, errOut)
			}
			if strings.Contains(out+errOut, "\x1b") {
				t.Errorf("ANSI escape in the output:\n%q", out+errOut)
			}
		})
	}
}

func TestVersion_FlagAndCommandAgree(t *testing.T) {
	flag, _, code := uatrunEnv(t, t.TempDir(), nil, "--version")
	cmd, _, code2 := uatrunEnv(t, t.TempDir(), nil, "version")
	if code != 0 || code2 != 0 || !strings.HasPrefix(flag, "uatrun ") || !strings.HasPrefix(cmd, strings.TrimSpace(flag)+"\n") {
		t.Fatalf("--version %q (exit %d), version %q (exit %d)", flag, code, cmd, code2)
	}
	if !strings.Contains(cmd, "module github.com/uatrun/uatrun") {
		t.Errorf("version does not name the module:\n%s", cmd)
	}
}

func TestVersionOf_ModuleVersionAndRevision(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/uatrun/uatrun", Version: "v0.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "a1b2c3d4e5f60718293a"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tc := range []struct {
		set  string
		bi   *debug.BuildInfo
		want string
	}{
		{"", bi, "v0.4.0 (a1b2c3d4e5f6+dirty)"},
		{"v9.9.9", bi, "v9.9.9 (a1b2c3d4e5f6+dirty)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"", nil, "dev"},
	} {
		if got := versionOf(tc.set, tc.bi); got != tc.want {
			t.Errorf("versionOf(%q) = %q, want %q", tc.set, got, tc.want)
		}
	}
}

// A second run into the same directory is refused, says so, and touches
// nothing; --force replaces it.
func TestDemo_RefusesToOverwriteEvidenceWithoutForce(t *testing.T) {
	dir := t.TempDir()
	if _, _, code := uatrunEnv(t, dir, nil, "demo", "-q", "--labels", "create"); code != 0 {
		t.Fatal("first demo failed")
	}
	ev := filepath.Join(dir, "uat-evidence", "evidence.json")
	before, _ := os.ReadFile(ev)
	_, errOut, code := uatrunEnv(t, dir, nil, "demo", "-q", "--labels", "create")
	if code != 2 || !strings.Contains(errOut, "already holds a run") || !strings.Contains(errOut, "--force") {
		t.Fatalf("second demo exit %d, want 2 naming --force:\n%s", code, errOut)
	}
	if after, _ := os.ReadFile(ev); !bytes.Equal(before, after) {
		t.Error("the refused run changed evidence.json")
	}
	if _, _, code := uatrunEnv(t, dir, nil, "--force", "demo", "-q", "--labels", "create"); code != 0 {
		t.Fatalf("--force demo exit %d", code)
	}
}

// -q prints the summary only: no progress, no leading blank line.
func TestDemo_QuietPrintsOnlyTheSummary(t *testing.T) {
	out, _, code := uatrunEnv(t, t.TempDir(), nil, "-q", "demo", "--labels", "create")
	if code != 0 || !regexp.MustCompile(`^\d+ scenarios: `).MatchString(out) {
		t.Fatalf("exit %d, output does not start with the summary:\n%q", code, out)
	}
	if strings.HasPrefix(out, "\n") || strings.Contains(out, "PASSED  DANA-") {
		t.Errorf("quiet output has a blank line or progress lines:\n%q", out)
	}
}

func TestJSON_IsDataWhereOutputIsData(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	uatrun(t, dir, "init", "-q")
	uatrun(t, dir, "keys", "-q", "--out", "keys")
	for _, args := range [][]string{
		{"--json", "list"},
		{"list", "--json", "--pack", "dana-gapura"},
		{"--json", "validate"},
		{"--json", "demo", "--labels", "create", "--out", "ev"},
		{"--json", "verify", "ev/evidence.json"},
		{"--json", "version"},
	} {
		out, errOut, code := uatrunEnv(t, dir, nil, args...)
		if code != 0 {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("%v: stdout is not one JSON document: %v\n%s", args, err, out)
		}
	}
	out, _, _ := uatrunEnv(t, dir, nil, "--json", "verify", "ev/evidence.json")
	var res struct {
		Intact    bool   `json:"intact"`
		Statement string `json:"statement"`
	}
	if json.Unmarshal([]byte(out), &res) != nil || !res.Intact || !strings.Contains(res.Statement, "unsigned") {
		t.Errorf("verify --json: %s", out)
	}
}

func TestRun_NoConfigSuggestsInit(t *testing.T) {
	for _, cmd := range []string{"run", "validate"} {
		_, errOut, code := uatrunEnv(t, t.TempDir(), nil, cmd)
		if code != 2 || !strings.Contains(errOut, "uatrun init") {
			t.Errorf("%s without a config: exit %d\n%s", cmd, code, errOut)
		}
	}
}

// uatrun init --gateway G writes a config that validates once the keys
// are made, for every gateway.
func TestInit_EveryGatewayTemplateValidates(t *testing.T) {
	for _, g := range config.StarterGateways() {
		t.Run(g, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if out, code := uatrun(t, dir, "init", "--gateway", g); code != 0 {
				t.Fatalf("init: exit %d\n%s", code, out)
			}
			uatrun(t, dir, "keys", "-q", "--out", "keys")
			if out, code := uatrun(t, dir, "validate"); code != 0 || !strings.Contains(out, "gateway "+g) {
				t.Fatalf("validate: exit %d\n%s", code, out)
			}
		})
	}
	if _, code := uatrun(t, t.TempDir(), "init", "--gateway", "paypal"); code != 2 {
		t.Errorf("unknown gateway: exit %d, want 2", code)
	}
}

// The journal is hash-chained and sealed: an edited journal is refused, a
// rewritten chain does not match the sealed evidence, and a journal
// rendered without it is marked RE-RENDERED.
func TestReport_EditedJournalIsRefusedOrVisiblyRerendered(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	if _, _, code := uatrunEnv(t, dir, nil, "demo", "-q", "--fault", "notify-no-verify", "--labels", "signature"); code != 1 {
		t.Fatal("the failing demo did not exit 1")
	}
	ev := filepath.Join(dir, "uat-evidence")
	journal := filepath.Join(ev, "journal.jsonl")
	orig, _ := os.ReadFile(journal)
	lines := strings.Split(strings.TrimSuffix(string(orig), "\n"), "\n")
	forged := make([]string, len(lines))
	copy(forged, lines)
	flipped := false
	for i, l := range forged {
		if strings.Contains(l, `"event":"scenario_done"`) && strings.Contains(l, `"verdict":"FAILED"`) {
			forged[i] = strings.Replace(l, `"verdict":"FAILED"`, `"verdict":"PASSED"`, 1)
			flipped = true
		}
	}
	if !flipped {
		t.Fatal("no FAILED scenario in the journal to forge")
	}

	// 1. Edited in place: the chain breaks.
	os.WriteFile(journal, []byte(strings.Join(forged, "\n")+"\n"), 0o644)
	out, errOut, code := uatrunEnv(t, dir, nil, "report", "uat-evidence", "--out", "re")
	if code != 1 || !strings.Contains(errOut, "hash chain is broken") {
		t.Fatalf("edited journal: exit %d, want 1 naming the broken chain:\n%s%s", code, out, errOut)
	}

	// 2. The chain recomputed by the forger: the sealed evidence.json
	// names another head.
	os.WriteFile(journal, []byte(rechain(t, forged)), 0o644)
	out, errOut, code = uatrunEnv(t, dir, nil, "report", "uat-evidence", "--out", "re")
	if code != 1 || !strings.Contains(errOut, "is not the journal") {
		t.Fatalf("rechained journal: exit %d, want 1:\n%s%s", code, out, errOut)
	}

	// 3. Without the sealed evidence.json the document is rendered, marked.
	os.Remove(filepath.Join(ev, "evidence.json"))
	out, errOut, code = uatrunEnv(t, dir, nil, "report", "uat-evidence", "--out", "re")
	if code != 0 || !strings.Contains(out, "RE-RENDERED") {
		t.Fatalf("report without evidence.json: exit %d:\n%s%s", code, out, errOut)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "re", "evidence.html"))
	md, _ := os.ReadFile(filepath.Join(dir, "re", "evidence.md"))
	if !bytes.Contains(html, []byte(`class="banner rerendered"`)) || !bytes.Contains(md, []byte("RE-RENDERED")) {
		t.Error("the re-rendered HTML or Markdown does not say so")
	}
	// The forged verdict contradicts the steps it kept, which verify
	// recomputes.
	out, _, code = uatrunEnv(t, dir, nil, "verify", "re/evidence.json")
	if code != 1 || !strings.Contains(out, "is PASSED but its step") {
		t.Errorf("verify of the forged, re-rendered run: exit %d\n%s", code, out)
	}

	// 4. An honest journal beside its sealed evidence.json re-renders,
	// but never over it without --force.
	dir2 := t.TempDir()
	uatrunEnv(t, dir2, nil, "demo", "-q", "--labels", "create")
	if _, errOut, code := uatrunEnv(t, dir2, nil, "report", "uat-evidence"); code != 2 || !strings.Contains(errOut, "--out") {
		t.Errorf("report over a sealed evidence.json: exit %d, want 2:\n%s", code, errOut)
	}
	if out, errOut, code := uatrunEnv(t, dir2, nil, "report", "uat-evidence", "--out", "re"); code != 0 || !strings.Contains(out, "hash chain intact") {
		t.Errorf("honest report: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, code := uatrunEnv(t, dir2, nil, "verify", "re/evidence.json"); code != 0 || !strings.Contains(out, "RE-RENDERED") {
		t.Errorf("verify of an honest re-rendered run: exit %d, want 0 saying RE-RENDERED\n%s", code, out)
	}
}

// rechain recomputes every record's prev link, as a forger who knows the
// format would.
func rechain(t *testing.T, lines []string) string {
	t.Helper()
	var b strings.Builder
	prev := ""
	for _, l := range lines {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "prev")
		if prev != "" {
			m["prev"], _ = json.Marshal(prev)
		}
		enc, _ := json.Marshal(m)
		b.Write(enc)
		b.WriteByte('\n')
		prev = sha256hex(enc)
	}
	return b.String()
}

// A reviewer pins the key with --key: evidence signed by it verifies, the
// same evidence re-signed by another key or stripped of its signature
// does not.
func TestVerify_KeyPinsTheReviewersKey(t *testing.T) {
	t.Parallel() // its own temp dir and processes
	dir := t.TempDir()
	uatrun(t, dir, "keys", "-q", "--evidence", "--out", "reviewer")
	uatrun(t, dir, "keys", "-q", "--evidence", "--out", "merchant")
	uatrunEnv(t, dir, nil, "demo", "-q", "--labels", "create")
	data, _ := os.ReadFile(filepath.Join(dir, "uat-evidence", "evidence.json"))
	sign := func(keyDir, name string) string {
		run := readEvidenceBytes(t, data)
		var k ed25519.PrivateKey
		if keyDir != "" {
			var err error
			if k, err = evidence.LoadSigningKey(filepath.Join(dir, keyDir, "evidence-signing.pem")); err != nil {
				t.Fatal(err)
			}
		}
		if err := evidence.Seal(run, k); err != nil {
			t.Fatal(err)
		}
		b, _ := evidence.MarshalEvidence(run)
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	pin := filepath.Join(dir, "reviewer", "evidence-signing.pub.pem")
	for _, tc := range []struct {
		file string
		code int
		want string
	}{
		{sign("reviewer", "by-reviewer.json"), 0, "by the holder of the pinned key"},
		{sign("merchant", "by-merchant.json"), 1, "not by the pinned key"},
		{sign("", "unsigned.json"), 1, "not signed, and the pinned key"},
	} {
		out, errOut, code := uatrunEnv(t, dir, nil, "verify", "--key", pin, tc.file)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%s: exit %d, want %d saying %q:\n%s%s", filepath.Base(tc.file), code, tc.code, tc.want, out, errOut)
		}
	}
}

func readEvidenceBytes(t *testing.T, data []byte) *evidence.Run {
	t.Helper()
	res, err := evidence.Verify(data)
	if err != nil || res.Run == nil {
		t.Fatal(err)
	}
	run := res.Run
	run.Integrity = nil
	return run
}

// Ctrl-C stops the run: the evidence is written and marked INTERRUPTED,
// the summary says so, and the exit code is 130.
func TestRun_CtrlCMarksTheEvidenceInterrupted(t *testing.T) {
	t.Parallel() // its own temp dirs, ports and processes
	dir := newProject(t)
	m := &hangingMerchant{quick: 4, hanging: make(chan struct{}), release: make(chan struct{})}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(m.release) })
	editConfig(t, dir, "uatrun.yaml",
		"base_url: http://127.0.0.1:8080", "base_url: "+srv.URL,
		"  timeout: 10s\n", "  timeout: 3s\n")
	cmd := exec.Command(raceUatrun(t), "run", "--config", "uatrun.yaml", "--out", "ev")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	select {
	case <-m.hanging:
	case <-exited:
		t.Fatalf("the run ended before the merchant hung:\n%s", out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the merchant never hung:\n%s", out.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("uatrun did not stop after Ctrl-C:\n%s", out.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "INTERRUPTED") {
		t.Errorf("the summary does not say the run was interrupted:\n%s", out.String())
	}
	run := readEvidence(t, filepath.Join(dir, "ev", "evidence.json"))
	if !run.Interrupted || run.Summary.GoLive {
		t.Errorf("evidence interrupted=%v go-live=%v, want an interrupted NO-GO", run.Interrupted, run.Summary.GoLive)
	}
	// Intact, but not a finished run: verify says so and exits 1.
	if v, _, code := uatrunEnv(t, dir, nil, "verify", "ev/evidence.json"); code != 1 || !strings.Contains(v, "intact") || !strings.Contains(v, "INCOMPLETE") {
		t.Errorf("verify of interrupted evidence: exit %d, want 1, intact and INCOMPLETE:\n%s", code, v)
	}
}

func sha256hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// sealedRun writes a sealed evidence.json under dir/rel: a run of three
// mandatory scenarios with the given verdicts, signed when key is set.
func sealedRun(t *testing.T, dir, rel string, key ed25519.PrivateKey, interrupted bool, verdicts ...evidence.Verdict) string {
	t.Helper()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	run := &evidence.Run{Schema: evidence.Schema, ID: "run-" + strings.ReplaceAll(rel, "/", "-"), Meta: evidence.Meta{
		Tool: "uatrun", Version: "v0.0.0-test", Merchant: "Warung " + strings.Split(rel, "/")[0], Gateway: "dana-gapura",
		Environment: "emulate", Target: "http://127.0.0.1:8080", RunBy: "ci",
		Packs:   []evidence.Pack{{Name: "merchant-pack", Custom: true}},
		Started: evidence.Stamp{Real: start, Virtual: start}, Finished: evidence.Stamp{Real: start.Add(time.Minute), Virtual: start.Add(time.Minute)},
	}, Interrupted: interrupted}
	for i, v := range verdicts {
		run.Scenarios = append(run.Scenarios, evidence.Scenario{ID: "PAY-0" + itoa(i+1), Title: "pay", Gateway: "dana-gapura",
			Mandatory: true, File: "pay.yaml", Line: 1, Verdict: v, At: run.Meta.Started})
	}
	run.Summary = evidence.SummaryOf(run)
	if err := evidence.Seal(run, key); err != nil {
		t.Fatal(err)
	}
	data, err := evidence.MarshalEvidence(run)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, filepath.FromSlash(rel), "evidence.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func testSigner(t *testing.T, dir string) (ed25519.PrivateKey, string) {
	t.Helper()
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	key := ed25519.NewKeyFromSeed(seed)
	pemBytes, err := evidence.MarshalPublicKeyPEM(key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "reviewer.pub.pem")
	if err := os.WriteFile(p, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return key, p
}

// mixedFleet is a folder of runs, one of each verdict, and a stray JSON
// file that is not evidence.
func mixedFleet(t *testing.T) (dir, keyPath string) {
	t.Helper()
	dir = t.TempDir()
	key, keyPath := testSigner(t, t.TempDir())
	P, F := evidence.Passed, evidence.Failed
	sealedRun(t, dir, "m01-go-signed", key, false, P, P, P)
	sealedRun(t, dir, "m02-nogo", key, false, P, F, P)
	sealedRun(t, dir, "m03-incomplete", key, true, P)
	p := sealedRun(t, dir, "m04-tampered", key, false, P, F, P)
	b, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(b, []byte(`"FAILED"`), []byte(`"PASSED"`), 1), 0o644)
	sealedRun(t, dir, "nested/m05-go-unsigned", nil, false, P, P, P)
	os.WriteFile(filepath.Join(dir, "m01-go-signed", "junit.json"), []byte("{}"), 0o644)
	return dir, keyPath
}

// lineOf is the output line naming a run's folder.
func lineOf(t *testing.T, out, run string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, run+"/evidence.json ") {
			return l
		}
	}
	t.Fatalf("no line for %s in:\n%s", run, out)
	return ""
}

func TestVerifyDir_MixedFolderOneLinePerRun(t *testing.T) {
	dir, _ := mixedFleet(t)
	var out bytes.Buffer
	err := runVerifyDir(&out, dir, "", false)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitFailed {
		t.Fatalf("err %v, want exit 1:\n%s", err, out.String())
	}
	o := out.String()
	keyID := evidence.KeyID(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)).Public().(ed25519.PublicKey))
	for _, tc := range []struct{ run, verdict, also string }{
		{"m01-go-signed", "GO", "signer " + keyID},
		{"m02-nogo", "NO-GO", "mandatory 2/3"},
		{"m03-incomplete", "INCOMPLETE", "signer " + keyID},
		{"m04-tampered", "TAMPERED", "Warung m04-tampered, dana-gapura, signer " + keyID + ": content changed"},
		{"nested/m05-go-unsigned", "GO", "unsigned"},
	} {
		l := lineOf(t, o, tc.run)
		if f := strings.Fields(l); len(f) < 2 || f[1] != tc.verdict || !strings.Contains(l, tc.also) {
			t.Errorf("%s: got %q, want %s with %q", tc.run, l, tc.verdict, tc.also)
		}
	}
	if strings.Contains(o, "junit.json") {
		t.Errorf("a file that is not evidence.json was read:\n%s", o)
	}
	if !strings.Contains(o, "5 runs: 2 GO, 1 NO-GO, 1 INCOMPLETE, 1 TAMPERED — 3 of 5 not a verified GO") {
		t.Errorf("no summary line:\n%s", o)
	}
	if !strings.Contains(o, "no signer pinned") {
		t.Errorf("an unpinned batch does not say what GO proves:\n%s", o)
	}
}

// With --key, only runs signed by that key are GO: the unsigned one is not
// intact, so the batch check cannot be passed by re-sealing a run.
func TestVerifyDir_KeyPinsEveryRun(t *testing.T) {
	dir, keyPath := mixedFleet(t)
	var out bytes.Buffer
	if err := runVerifyDir(&out, dir, keyPath, false); err == nil {
		t.Fatalf("mixed folder passed:\n%s", out.String())
	}
	o := out.String()
	if l := lineOf(t, o, "m01-go-signed"); !strings.Contains(l, " GO ") || !strings.Contains(l, "(pinned)") {
		t.Errorf("signed GO run with --key: %q", l)
	}
	if l := lineOf(t, o, "nested/m05-go-unsigned"); !strings.Contains(l, "TAMPERED") || !strings.Contains(l, "not signed") {
		t.Errorf("unsigned run with --key: %q", l)
	}
	if strings.Contains(o, "no signer pinned") {
		t.Errorf("pinned batch warns that nothing is pinned:\n%s", o)
	}
}

func TestVerifyDir_AllGoExitsZero(t *testing.T) {
	dir := t.TempDir()
	key, keyPath := testSigner(t, t.TempDir())
	for _, r := range []string{"merchant-a", "merchant-b", "merchant-c/config-2"} {
		sealedRun(t, dir, r, key, false, evidence.Passed, evidence.Passed)
	}
	var out bytes.Buffer
	if err := runVerifyDir(&out, dir, keyPath, false); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "3 runs: 3 GO — every run is a verified GO") {
		t.Errorf("summary:\n%s", out.String())
	}
}

// A folder with no evidence verifies nothing: a batch check pointed at the
// wrong folder must not pass.
func TestVerifyDir_EmptyFolderFails(t *testing.T) {
	var out bytes.Buffer
	err := runVerifyDir(&out, t.TempDir(), "", false)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitFailed || !strings.Contains(out.String(), "no evidence.json found") {
		t.Fatalf("err %v:\n%s", err, out.String())
	}
}

// What cannot be read is a line of its own, and the rest still verify.
func TestVerifyDir_UnreadableRunIsReported(t *testing.T) {
	dir := t.TempDir()
	sealedRun(t, dir, "ok", nil, false, evidence.Passed)
	// A directory named evidence.json is not a run.
	if err := os.MkdirAll(filepath.Join(dir, "odd", "evidence.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runVerifyDir(&out, dir, "", false); err != nil || strings.Contains(out.String(), "odd/") {
		t.Fatalf("a directory was read as evidence: %v\n%s", err, out.String())
	}
	// A FIFO is refused at once, not waited on.
	os.RemoveAll(filepath.Join(dir, "odd"))
	os.MkdirAll(filepath.Join(dir, "odd"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(dir, "odd", "evidence.json"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	out.Reset()
	if err := runVerifyDir(&out, dir, "", false); err == nil {
		t.Fatalf("passed with a FIFO:\n%s", out.String())
	}
	if l := lineOf(t, out.String(), "odd"); !strings.Contains(l, "UNREADABLE") || !strings.Contains(l, "not a regular file") {
		t.Errorf("FIFO: %q", l)
	}
	if l := lineOf(t, out.String(), "ok"); !strings.Contains(l, " GO ") {
		t.Errorf("ok run beside it: %q", l)
	}
	os.WriteFile(filepath.Join(dir, "ok", "evidence.json"), []byte("not json"), 0o644)
	out.Reset()
	runVerifyDir(&out, dir, "", false)
	if l := lineOf(t, out.String(), "ok"); !strings.Contains(l, "TAMPERED") {
		t.Errorf("garbage evidence: %q", l)
	}
}

func TestVerifyDir_JSON(t *testing.T) {
	dir, _ := mixedFleet(t)
	var out bytes.Buffer
	runVerifyDir(&out, dir, "", true)
	var got verifyDirJSON
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if len(got.Runs) != 5 || got.AllGo || got.Counts["GO"] != 2 || got.Counts["TAMPERED"] != 1 || got.Counts["NO-GO"] != 1 || got.Counts["INCOMPLETE"] != 1 {
		t.Errorf("%+v", got)
	}
	if r := got.Runs[0]; r.File != "m01-go-signed/evidence.json" || r.Verdict != "GO" || !r.Signed || r.KeyID == "" || r.RunID == "" {
		t.Errorf("first run: %+v", r)
	}
}

// The built command dispatches on a folder, and a single file still
// verifies as before.
func TestVerifyDir_CLI(t *testing.T) {
	dir, keyPath := mixedFleet(t)
	out, _, code := uatrunEnv(t, dir, nil, "verify", "--key", keyPath, ".")
	if code != 1 || !strings.Contains(out, "m04-tampered/evidence.json") || !strings.Contains(out, "TAMPERED") {
		t.Fatalf("verify DIR: exit %d:\n%s", code, out)
	}
	out, _, code = uatrunEnv(t, dir, nil, "verify", "--key", keyPath, filepath.Join("m01-go-signed", "evidence.json"))
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify FILE: exit %d:\n%s", code, out)
	}
	out, _, code = uatrunEnv(t, dir, nil, "verify", "m01-go-signed")
	if code != 0 || !strings.Contains(out, "1 run: 1 GO — the run is a verified GO") {
		t.Fatalf("verify DIR of one GO run: exit %d:\n%s", code, out)
	}
}

// --merchant-version and --max-age hold every run of the batch to the same
// requirement: an intact GO of another build, or too old, is REFUSED.
func TestVerifyDir_RequirementsApplyToEveryRun(t *testing.T) {
	dir := t.TempDir()
	sealedRun(t, dir, "a", nil, false, evidence.Passed)
	out, _, code := uatrunEnv(t, dir, nil, "verify", "--merchant-version", "v2.3.1", ".")
	if code != 1 || !strings.Contains(out, "REFUSED") || !strings.Contains(out, "not the required merchant version v2.3.1") {
		t.Errorf("--merchant-version: exit %d:\n%s", code, out)
	}
	out, _, code = uatrunEnv(t, dir, nil, "verify", "--max-age", "30d", ".")
	if code != 1 || !strings.Contains(out, "REFUSED") || !strings.Contains(out, "older than --max-age 30d") {
		t.Errorf("--max-age: exit %d:\n%s", code, out)
	}
	if _, errOut, code := uatrunEnv(t, dir, nil, "verify", "--max-age", "soon", "."); code != 2 {
		t.Errorf("--max-age soon: exit %d, want 2:\n%s", code, errOut)
	}
}

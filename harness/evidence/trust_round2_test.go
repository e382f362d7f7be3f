package evidence

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// threeMandated is a run of a pack that mandates three scenarios, all of
// which pass.
func threeMandated() *Run {
	run := testRun()
	run.Meta.Packs[0].Mandated = []string{"DANA-PAY-01", "DANA-PAY-02", "DANA-SIG-01"}
	for _, id := range []string{"DANA-PAY-02", "DANA-SIG-01"} {
		sc := testScenario(id, Passed)
		sc.Steps = []Step{testStep(0, Passed)}
		run.Scenarios = append(run.Scenarios, sc)
	}
	run.Summary = SummaryOf(run)
	return run
}

// Attack: Ctrl-C after two of three mandated scenarios; the journal used
// to record neither the stop nor what never started, so its re-render
// read "complete, GO". Now it is INTERRUPTED, lists the third as not run,
// and is never GO.
func TestReadJournal_InterruptedRunIsNeverGo(t *testing.T) {
	run := threeMandated()
	j, path := newJournal(t)
	must(t, j.RunStarted(run.ID, run.Meta, planOf(run.Scenarios)...))
	for _, sc := range run.Scenarios[:2] {
		must(t, j.ScenarioStarted(sc))
		must(t, j.StepDone(sc.ID, sc.Steps[0]))
		must(t, j.ScenarioDone(sc))
	}
	must(t, j.RunInterrupted(at(9)))
	must(t, j.Close())

	got, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Interrupted || got.Summary.GoLive {
		t.Fatalf("Interrupted=%v GoLive=%v, want an interrupted NO-GO run", got.Interrupted, got.Summary.GoLive)
	}
	if len(got.Scenarios) != 3 {
		t.Fatalf("%d scenarios, want the 3 planned", len(got.Scenarios))
	}
	if sc := got.Scenarios[2]; sc.ID != "DANA-SIG-01" || sc.Verdict != Skipped || sc.Reason != ReasonNotRunInterrupted {
		t.Errorf("never-started scenario = %s %s %q", sc.ID, sc.Verdict, sc.Reason)
	}
	if got.Summary.MandatoryTotal != 3 || got.Summary.MandatoryPass != 2 {
		t.Errorf("summary %+v, want 2 of 3 mandated passed", got.Summary)
	}
}

// Attack: cut the journal at a record boundary after the last passing
// scenario, dropping what came after (the failures and run_finished).
// The chain still links, so the cut is found by what is missing: no
// run_finished means INCOMPLETE, and the planned list names what never
// appears.
func TestReadJournal_TruncatedAtARecordIsIncompleteAndListsTheRest(t *testing.T) {
	run := threeMandated()
	run.Scenarios[2].Verdict = Failed
	run.Scenarios[2].Steps[0] = testStep(0, Failed)
	j, path := newJournal(t)
	journalRun(t, j, run, true)
	must(t, j.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	lines := bytes.SplitAfter(data, []byte("\n"))
	// run_started + 2 × (started, step, done) = 7 records.
	must(t, os.WriteFile(path, bytes.Join(lines[:7], nil), 0o644))

	got, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Incomplete || got.Summary.GoLive {
		t.Fatalf("Incomplete=%v GoLive=%v, want INCOMPLETE and NO-GO", got.Incomplete, got.Summary.GoLive)
	}
	if n := len(got.Scenarios); n != 3 || got.Scenarios[2].Verdict != Skipped || got.Scenarios[2].Reason != ReasonNotRunKilled {
		t.Errorf("scenarios %d, last %+v", n, got.Scenarios[n-1])
	}
}

// A journal that does not say what the run planned cannot be shown
// complete: whatever it holds may be a part.
func TestReadJournal_WithoutPlannedListIsIncomplete(t *testing.T) {
	run := testRun()
	j, path := newJournal(t)
	must(t, j.RunStarted(run.ID, run.Meta))
	sc := run.Scenarios[0]
	must(t, j.ScenarioStarted(sc))
	must(t, j.StepDone(sc.ID, sc.Steps[0]))
	must(t, j.ScenarioDone(sc))
	must(t, j.RunFinished(at(5)))
	must(t, j.Close())
	got, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Incomplete || got.Summary.GoLive {
		t.Fatalf("Incomplete=%v GoLive=%v", got.Incomplete, got.Summary.GoLive)
	}
}

// Attack: remove the failing scenarios from a document, recompute its
// summary and seal it again (with the merchant's own key). The pack's
// mandated list, sealed in the same document, names what is missing:
// the summary the scenarios support is NO-GO, and one that says GO is
// refused.
func TestVerify_ScenariosRemovedAfterTheRunAreCaught(t *testing.T) {
	run := threeMandated()
	run.Scenarios = run.Scenarios[:2] // DANA-SIG-01 failed; remove it
	if s := SummaryOf(run); s.GoLive || len(s.Missing) != 1 || s.Missing[0] != "DANA-SIG-01" {
		t.Fatalf("SummaryOf = %+v, want NO-GO with DANA-SIG-01 missing", s)
	}
	run.Summary = Summarise(run.Scenarios) // "all 2 mandated scenarios passed"
	res, err := VerifyWith(sealed(t, run, testKey()), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Intact || !strings.Contains(res.Reason, "DANA-SIG-01") {
		t.Fatalf("intact=%v reason=%q, want refused naming DANA-SIG-01", res.Intact, res.Reason)
	}
	// Sealed honestly, the same document verifies and says NO-GO.
	run.Summary = SummaryOf(run)
	res, _ = VerifyWith(sealed(t, run, nil), VerifyOptions{})
	if !res.Intact || res.Run.Summary.GoLive {
		t.Fatalf("honest reseal: intact=%v go-live=%v (%s)", res.Intact, res.Run.Summary.GoLive, res.Reason)
	}
}

// Attack: evidence, journal or key at /dev/zero or a FIFO used to grow
// memory without bound or hang. Both are refused at once.
func TestReadFileBounded_RefusesDevicesAndFIFOs(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, path := range []string{"/dev/zero", fifo} {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		if _, err := ReadFileBounded(path, MaxEvidenceFile); !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadFileBounded(%s) = %v, want ErrNotRegular", path, err)
		}
		if _, err := ReadJournal(path); !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadJournal(%s) = %v", path, err)
		}
		if _, err := LoadSigningKey(path); !errors.Is(err, ErrNotRegular) {
			t.Errorf("LoadSigningKey(%s) = %v", path, err)
		}
		if _, err := LoadPublicKey(path); !errors.Is(err, ErrNotRegular) {
			t.Errorf("LoadPublicKey(%s) = %v", path, err)
		}
	}
	big := filepath.Join(t.TempDir(), "big")
	must(t, os.WriteFile(big, make([]byte, MaxKeyFile+1), 0o600))
	if _, err := LoadSigningKey(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize key: %v", err)
	}
}

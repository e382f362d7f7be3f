//go:build unix

package evidence

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

const killChildEnv = "UATRUN_JOURNAL_KILL_CHILD"

// The test binary runs itself as a child that journals part of a run and
// then SIGKILLs itself without closing anything; the parent must read the
// journal back as an incomplete run.
func TestJournal_SurvivesSIGKILL(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		journalThenDie(path)
		return
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestJournal_SurvivesSIGKILL$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	err := cmd.Run()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if err == nil || !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v", err)
	}
	run, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Incomplete || len(run.Scenarios) != 1 || len(run.Scenarios[0].Steps) != 2 {
		t.Fatalf("rebuilt run: incomplete=%v scenarios=%d", run.Incomplete, len(run.Scenarios))
	}
	if sc := run.Scenarios[0]; sc.Verdict != Errored || sc.Reason != ReasonUnfinished {
		t.Errorf("scenario %s %q", sc.Verdict, sc.Reason)
	}
}

func journalThenDie(path string) {
	j, err := CreateJournal(path)
	if err != nil {
		os.Exit(3)
	}
	sc := testScenario("DANA-PAY-01", "")
	_ = j.RunStarted("killed", testMeta())
	_ = j.ScenarioStarted(sc)
	_ = j.StepDone(sc.ID, testStep(0, Passed))
	_ = j.StepDone(sc.ID, testStep(1, Passed))
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // the signal arrives; nothing after it runs
}

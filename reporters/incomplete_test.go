package reporters

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

// A run killed mid-write leaves a torn journal; the reports rebuilt from
// it must say INCOMPLETE and never GO.
func TestReports_OfAKilledRunSayIncomplete(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := evidence.CreateJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	run := fixtureRun()
	must(t, j.RunStarted(run.ID, run.Meta))
	paid := run.Scenarios[0]
	must(t, j.ScenarioStarted(paid))
	for _, st := range paid.Steps {
		must(t, j.StepDone(paid.ID, st))
	}
	must(t, j.ScenarioDone(paid))
	open := run.Scenarios[1]
	must(t, j.ScenarioStarted(open))
	must(t, j.StepDone(open.ID, open.Steps[0]))
	must(t, j.StepDone(open.ID, open.Steps[1]))
	must(t, j.Close())
	tearLastLine(t, path)

	rebuilt, err := evidence.ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Write(dir, rebuilt, Options{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	for file, wants := range map[string][]string{
		"evidence.html": {`class="banner incomplete"`, "INCOMPLETE", "GO-LIVE</span> NO-GO", evidence.ReasonUnfinished, "did not finish"},
		"evidence.md":   {"**INCOMPLETE**", "GO-LIVE: NO-GO"},
		"junit.xml":     {`name="incomplete" value="true"`, `name="go_live" value="false"`},
		"evidence.json": {`"incomplete": true`},
	} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range wants {
			if !strings.Contains(string(b), want) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
	}
}

func tearLastLine(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	start := strings.LastIndexByte(strings.TrimSuffix(string(data), "\n"), '\n') + 1
	must(t, os.WriteFile(path, data[:start+(len(data)-start)/2], 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

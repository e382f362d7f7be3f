package evidence

import (
	"os"
	"path/filepath"
	"testing"
)

// Journals and evidence files come from disk after crashes and edits:
// whatever they hold, reading them returns a result or an error, never a
// panic, and a run read back is always one the reporters can show.
func FuzzReadJournal_NeverPanics(f *testing.F) {
	f.Add([]byte(`{"event":"run_started","run_id":"r"}` + "\n" + `{"event":"step_done","scenario_id":"x","step":{}}` + "\n"))
	f.Add([]byte(`{"event":"scenario_done","scenario":{"id":"a"}}`))
	f.Add([]byte("\x00\x00\n{"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "journal.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		run, err := ReadJournal(path)
		if err != nil {
			return
		}
		for _, sc := range run.Scenarios {
			if sc.Verdict == "" {
				t.Fatalf("scenario %q read back without a verdict", sc.ID)
			}
		}
	})
}

func FuzzVerify_NeverPanics(f *testing.F) {
	f.Add(sealed(f, testRun(), testKey()))
	f.Add([]byte(`{"schema":"uatrun.evidence/v1","integrity":{"sha256":"","ed25519":"AA==","public_key":""}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Verify(data)
		if err != nil && res.Intact {
			t.Fatal("intact despite an error")
		}
	})
}

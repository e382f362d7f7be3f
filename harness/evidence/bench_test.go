package evidence

import (
	"path/filepath"
	"testing"
)

func BenchmarkJournal_StepDone(b *testing.B) {
	j, err := CreateJournal(filepath.Join(b.TempDir(), "journal.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	st := testStep(0, Passed)
	for b.Loop() {
		if err := j.StepDone("DANA-PAY-01", st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	data := sealed(b, testRun(), testKey())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if res, err := Verify(data); err != nil || !res.Intact {
			b.Fatal(res.Reason)
		}
	}
}

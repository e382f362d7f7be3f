package reporters

import (
	"io"
	"testing"
)

func BenchmarkWrite_AllFormats(b *testing.B) {
	dir := b.TempDir()
	run := fixtureRun()
	key := fixtureKey()
	for b.Loop() {
		run.Integrity = nil
		if _, err := Write(dir, run, Options{Now: fixedNow, SigningKey: key}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	run := fixtureRun()
	for b.Loop() {
		if err := HTML(io.Discard, run); err != nil {
			b.Fatal(err)
		}
	}
}

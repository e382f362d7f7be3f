package reporters

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// writeFixture writes every format of the fixture run into a temp dir.
func writeFixture(t *testing.T) (dir string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	paths, err := Write(dir, fixtureRun(), Options{Now: fixedNow, SigningKey: fixtureKey()})
	if err != nil {
		t.Fatal(err)
	}
	return dir, paths
}

func TestWrite_MatchesGoldenFiles(t *testing.T) {
	_, paths := writeFixture(t)
	if len(paths) != len(AllFormats) {
		t.Fatalf("wrote %d files, want %d", len(paths), len(AllFormats))
	}
	for _, p := range paths {
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", filepath.Base(p))
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run `go test ./reporters -update` to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s at byte %d (run `go test ./reporters -update` and review the diff)",
				filepath.Base(p), golden, firstDiff(got, want))
		}
	}
}

// Map iteration order changes from run to run; output must not.
func TestWrite_IsDeterministic(t *testing.T) {
	_, first := writeFixture(t)
	for range 5 {
		_, again := writeFixture(t)
		for i := range first {
			a, _ := os.ReadFile(first[i])
			b, _ := os.ReadFile(again[i])
			if !bytes.Equal(a, b) {
				t.Fatalf("%s differs between two writes of one run", filepath.Base(first[i]))
			}
		}
	}
}

func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

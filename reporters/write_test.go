package reporters

import (
	"bytes"
	"crypto/ed25519"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

func TestWrite_WritesChosenFormats(t *testing.T) {
	for _, tc := range []struct {
		name    string
		formats []string
		files   []string
	}{
		{"default is all", nil, []string{"evidence.json", "junit.xml", "evidence.html", "evidence.md"}},
		{"subset in given order, deduplicated", []string{"markdown", " JUnit ", "markdown"}, []string{"evidence.md", "junit.xml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "uat-evidence")
			paths, err := Write(dir, fixtureRun(), Options{Formats: tc.formats, Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range paths {
				got = append(got, filepath.Base(p))
			}
			if strings.Join(got, ",") != strings.Join(tc.files, ",") {
				t.Errorf("wrote %v, want %v", got, tc.files)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(tc.files) {
				t.Errorf("dir holds %d entries, want %d (temp files left?)", len(entries), len(tc.files))
			}
		})
	}
}

func TestWrite_RefusesUnknownFormatBeforeWriting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Write(dir, fixtureRun(), Options{Formats: []string{"html", "pdf"}})
	if err == nil || !strings.Contains(err.Error(), `"pdf"`) {
		t.Fatalf("err = %v", err)
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Error("output dir created despite the bad format")
	}
	if _, err := Write(dir, nil, Options{}); err == nil {
		t.Error("nil run accepted")
	}
}

func TestWrite_EvidenceVerifies(t *testing.T) {
	dir, _ := writeFixture(t)
	data, err := os.ReadFile(filepath.Join(dir, "evidence.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := evidence.Verify(data)
	if err != nil || !res.Intact || !res.SignedBy(fixtureKey().Public().(ed25519.PublicKey)) {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	for _, name := range []string{"evidence.html", "evidence.md", "junit.xml"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if !bytes.Contains(b, []byte(res.SHA256)) {
			t.Errorf("%s does not show the evidence digest", name)
		}
	}
	var buf bytes.Buffer
	if err := JSON(&buf, res.Run); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Errorf("JSON of the verified run differs from evidence.json (err %v)", err)
	}
}

// A caller that sealed and signed the run itself keeps its signature; a
// seal that no longer matches the content is replaced.
func TestWrite_KeepsAValidSealOnly(t *testing.T) {
	run := fixtureRun()
	if err := evidence.Seal(run, fixtureKey()); err != nil {
		t.Fatal(err)
	}
	signed := *run.Integrity
	if _, err := Write(t.TempDir(), run, Options{Formats: []string{"json"}}); err != nil {
		t.Fatal(err)
	}
	if *run.Integrity != signed {
		t.Error("a valid signed seal was replaced")
	}
	run.Scenarios[0].Title = "changed after sealing"
	dir := t.TempDir()
	if _, err := Write(dir, run, Options{Formats: []string{"json"}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "evidence.json"))
	if res, _ := evidence.Verify(data); !res.Intact || res.Signed {
		t.Errorf("stale seal not replaced by a fresh digest: %+v", res)
	}
}

func TestWrite_ReportsUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(filepath.Join(file, "out"), fixtureRun(), Options{}); err == nil {
		t.Error("wrote under a regular file")
	}
}

func TestRenderers_RefuseNilRun(t *testing.T) {
	for name, render := range map[string]func(io.Writer, *evidence.Run) error{
		"json": JSON, "junit": JUnit, "html": HTML, "markdown": Markdown,
	} {
		if err := render(io.Discard, nil); err == nil {
			t.Errorf("%s accepted a nil run", name)
		}
	}
}

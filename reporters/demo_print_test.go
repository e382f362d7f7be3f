package reporters_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/reporters"
)

// demoRun runs the DANA demo (the bundled shop, no fault) in process and
// returns its run, unwritten.
func demoRun(t *testing.T, faults ...string) *evidence.Run {
	t.Helper()
	s, err := demo.Open(demo.Options{Faults: faults, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RunDirect(context.Background())
	out, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return out.Run
}

// maxPrintPages is the bound a reviewer asked for: the sign-off document
// of a passing DANA run prints on at most this many A4 pages.
const maxPrintPages = 15

// The demo's sign-off document, printed to PDF by headless Chromium, fits
// the page bound.
func TestHTML_DemoPrintsWithinThePageBound(t *testing.T) {
	bin := reporters.FindChromium(t)
	run := demoRun(t)
	if !run.Summary.GoLive || run.Summary.Total < 20 {
		t.Fatalf("the demo did not pass in full (%d scenarios, go-live %v): this test measures a passing run", run.Summary.Total, run.Summary.GoLive)
	}
	out := filepath.Join(reporters.ArtifactsDir(t), "demo")
	paths, err := reporters.Write(out, run, reporters.Options{Formats: []string{"html"}})
	if err != nil {
		t.Fatal(err)
	}
	pages := reporters.PrintPages(t, bin, paths[0], filepath.Join(out, "evidence.pdf"))
	t.Logf("demo evidence.html prints on %d A4 pages (bound %d): %s", pages, maxPrintPages, filepath.Join(out, "evidence.pdf"))
	if pages > maxPrintPages {
		t.Errorf("the demo's sign-off document prints on %d A4 pages, more than %d", pages, maxPrintPages)
	}
}

// GitHub refuses a pull-request comment over 65,536 characters.
const commentLimit = 65536

// The Markdown summary of a demo run, passing and failing, fits a
// pull-request comment with room to spare, failures first.
func TestMarkdown_DemoFitsAPullRequestComment(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults []string
	}{
		{"passing", nil},
		{"failing", []string{"notify-no-verify"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := demoRun(t, tc.faults...)
			var b strings.Builder
			if err := reporters.Markdown(&b, run); err != nil {
				t.Fatal(err)
			}
			md := b.String()
			t.Logf("evidence.md: %d characters", len([]rune(md)))
			if n := len([]rune(md)); n > commentLimit/4 {
				t.Errorf("evidence.md is %d characters, want well under the %d-character comment limit (at most %d)", n, commentLimit, commentLimit/4)
			}
			details := strings.Index(md, "<details>")
			if details < 0 {
				t.Fatal("no collapsed <details> section for the scenario table")
			}
			if fail := strings.Index(md, "### Failing steps"); tc.faults != nil && (fail < 0 || fail > details) {
				t.Errorf("failing steps at %d, the collapsed table at %d: failures must come first", fail, details)
			}
		})
	}
}

package reporters

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromiumFlags keep headless chromium offline and free of first-run
// work, so the page is judged on what it carries itself.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// findChromium looks for Debian's chromium. Without it the browser test
// skips, unless UATRUN_REQUIRE_BROWSER=1 (CI) makes that a failure.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("UATRUN_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found and UATRUN_REQUIRE_BROWSER=1 (apt-get install -y chromium)")
	}
	t.Skip("chromium not installed; set UATRUN_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// artifactsDir is where the screenshot and PDF are kept for people (and
// CI uploads) to look at.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("UATRUN_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "out")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// runChromium renders the page with extra flags and returns stdout.
func runChromium(t *testing.T, bin, page string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir())
	args = append(append(args, extra...), "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

var pdfPage = regexp.MustCompile(`/Type\s*/Page\b`)

func TestHTML_RendersPrintsAndScreenshotsInChromium(t *testing.T) {
	bin := findChromium(t)
	out := artifactsDir(t)
	paths, err := Write(out, fixtureRun(), Options{Now: fixedNow, SigningKey: fixtureKey(), Formats: []string{"html"}})
	if err != nil {
		t.Fatal(err)
	}
	page := paths[0]

	dom := string(runChromium(t, bin, page, "--dump-dom"))
	for _, id := range sectionIDs {
		if !strings.Contains(dom, `id="`+id+`"`) {
			t.Errorf("rendered DOM lacks #%s", id)
		}
	}
	if m := externalRef.FindString(dom); m != "" {
		t.Errorf("rendered DOM references the network: %q", m)
	}
	if !strings.Contains(dom, "NO-GO") || !strings.Contains(dom, "&lt;script&gt;alert") {
		t.Error("rendered DOM lacks the verdict or shows recorded markup unescaped")
	}

	shot := filepath.Join(out, "evidence-screenshot.png")
	_ = os.Remove(shot)
	runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1280,2000")
	if b, err := os.ReadFile(shot); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("no PNG screenshot at %s: %v", shot, err)
	}

	pdf := filepath.Join(out, "evidence.pdf")
	pages := printPages(t, bin, page, pdf)
	// The decision, scenario table, trust, environment and sign-off come
	// first; the transcripts start on a page of their own.
	if pages < 2 {
		t.Errorf("PDF has %d pages, want the transcripts on a page after the sign-off", pages)
	}
	// Scenarios and failing transcripts must print expanded even though
	// they are collapsed on screen, and passing transcripts print as one
	// line whether open or not: the page prints exactly like a copy with
	// every <details> open.
	html, _ := os.ReadFile(page)
	all := regexp.MustCompile(`<details class="(scenario|exchange [a-z]+)"([^>]*?)( open)?>`).ReplaceAll(html, []byte(`<details class="$1"$2 open>`))
	if bytes.Equal(all, html) {
		t.Fatal("no collapsed <details> to open: the check below proves nothing")
	}
	opened := filepath.Join(t.TempDir(), "opened.html")
	if err := os.WriteFile(opened, all, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := printPages(t, bin, opened, filepath.Join(t.TempDir(), "opened.pdf")); n != pages {
		t.Errorf("printed with %d pages, %d when every <details> is open: collapsed content prints differently", pages, n)
	}
	t.Logf("screenshot %s, PDF %s", shot, pdf)
}

// printPages prints page to pdf and counts the PDF's pages.
func printPages(t *testing.T, bin, page, pdf string) int {
	t.Helper()
	_ = os.Remove(pdf)
	runChromium(t, bin, page, "--print-to-pdf="+pdf, "--no-pdf-header-footer")
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("no PDF at %s: %v", pdf, err)
	}
	return len(pdfPage.FindAll(b, -1))
}

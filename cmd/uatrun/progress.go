package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/reporters"
)

// printer writes one line per finished scenario and a closing summary.
type printer struct {
	w     io.Writer
	color bool
	quiet bool
	json  bool // the summary is JSON, nothing else is printed
	mu    sync.Mutex
}

// newPrinter follows the global --quiet, --json and --no-color flags.
func newPrinter(w io.Writer) *printer {
	g := global
	return &printer{w: w, quiet: g.quiet || g.json, json: g.json,
		color: !g.noColor && os.Getenv("NO_COLOR") == "" && isTerminal(w)}
}

// isTerminal reports whether w is a character device (a terminal), so
// colour is off in pipes, files and CI logs by default.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

var verdictColor = map[evidence.Verdict]string{
	evidence.Passed: "32", evidence.Failed: "31", evidence.Errored: "35", evidence.Skipped: "90", evidence.Review: "33",
}

func (p *printer) paint(v evidence.Verdict) string {
	s := fmt.Sprintf("%-7s", v)
	if !p.color {
		return s
	}
	return "\x1b[" + verdictColor[v] + "m" + s + "\x1b[0m"
}

func (p *printer) hooks() engine.Hooks {
	return engine.Hooks{
		ScenarioStarted: func(*scenario.Scenario) {},
		ScenarioDone:    p.scenario,
	}
}

func (p *printer) scenario(ev evidence.Scenario) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "%s  %-16s %-62s %7.0fms\n", p.paint(ev.Verdict), ev.ID, clip(ev.Title, 62), ev.DurationMS)
	if ev.Verdict == evidence.Failed || ev.Verdict == evidence.Errored || ev.Verdict == evidence.Review {
		// The outcome label first: the reason ends with it, and a long
		// reason is clipped.
		if label := reporters.OutcomeLabel(&ev); label != "" {
			fmt.Fprintf(p.w, "         [%s]\n", label)
		}
		fmt.Fprintf(p.w, "         %s\n", clip(ev.Reason, 300))
		if fix := ev.Fix(); fix != "" {
			fmt.Fprintf(p.w, "         fix: %s\n", clip(fix, 300))
		}
	}
}

// summary prints the verdict table, the go-live call and the files.
func (p *printer) summary(run *evidence.Run, files []string) {
	s := run.Summary
	var parts []string
	for _, v := range []evidence.Verdict{evidence.Passed, evidence.Failed, evidence.Errored, evidence.Review, evidence.Skipped} {
		if n := s.ByVerdict[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	if !p.quiet { // below the progress lines; with -q the summary is all there is
		fmt.Fprintln(p.w)
	}
	fmt.Fprintf(p.w, "%d scenarios: %s\n", s.Total, strings.Join(parts, ", "))
	switch {
	case s.Partial:
		// A filter left mandated scenarios out: no go-live call either way.
		ran := 0
		for _, sc := range run.Scenarios {
			if sc.Mandatory && !strings.HasPrefix(sc.Reason, evidence.FilteredPrefix) {
				ran++
			}
		}
		fmt.Fprintf(p.w, "mandatory: %d of the %d selected passed — partial run, not a sign-off (%s)\n", s.MandatoryPass, ran, run.Meta.Filter)
	case s.GoLive:
		fmt.Fprintf(p.w, "mandatory: %d of %d passed — go-live: GO\n", s.MandatoryPass, s.MandatoryTotal)
	default:
		fmt.Fprintf(p.w, "mandatory: %d of %d passed — go-live: NO-GO\n", s.MandatoryPass, s.MandatoryTotal)
	}
	if s.RecommendedTotal > 0 {
		fmt.Fprintf(p.w, "recommended (hardening advice, never blocking): %d of %d passed\n", s.RecommendedPass, s.RecommendedTotal)
	}
	if len(files) > 0 {
		fmt.Fprintln(p.w, "evidence:")
		for _, f := range files {
			fmt.Fprintln(p.w, "  "+f)
		}
	}
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

package reporters

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uatrun/uatrun/harness/evidence"
)

// Bounds that keep the summary inside a pull-request comment (GitHub
// refuses one over 65,536 characters) however large the run: a budget for
// the whole text, a cap on listed problems, and clipped cells.
const (
	mdBudget      = 48000 // characters, leaving room for a bot's own text
	mdMaxProblems = 25
	mdClip        = 160
)

var verdictMark = map[evidence.Verdict]string{
	evidence.Passed: "✅", evidence.Failed: "❌", evidence.Errored: "⚠️", evidence.Skipped: "⏭️", evidence.Review: "👀",
}

// Markdown writes a short summary for a pull-request comment or a GitHub
// step summary: the go-live line and counts, the failing steps with
// expected versus actual and what to fix, then the scenario table in a
// collapsed <details> section, and the digest. It stays within mdBudget
// characters.
func Markdown(w io.Writer, run *evidence.Run) error {
	return renderMarkdown(w, run, time.Time{})
}

func renderMarkdown(w io.Writer, run *evidence.Run, gen time.Time) error {
	info, err := sealOf(run)
	if err != nil {
		return err
	}
	var head, problems, foot strings.Builder
	mdHeader(&head, run)
	mdProblems(&problems, run)
	mdReviews(&problems, run)
	fmt.Fprintf(&foot, "\nEvidence SHA-256: `%s`", info.SHA256)
	if info.KeyID != "" {
		fmt.Fprintf(&foot, " (Ed25519-signed by `%s`)", info.KeyID)
	}
	foot.WriteString(" — check it with `uatrun verify evidence.json`; the full sign-off document is `evidence.html`.\n")
	if !gen.IsZero() {
		fmt.Fprintf(&foot, "\n<sub>Generated %s by %s</sub>\n", mdText(fmtTime(gen)), mdText(strings.TrimSpace(run.Meta.Tool+" "+run.Meta.Version)))
	}
	room := mdBudget - runes(head.String()) - runes(problems.String()) - runes(foot.String())
	b := bufio.NewWriter(w)
	b.WriteString(head.String())
	b.WriteString(problems.String())
	b.WriteString(mdTable(run, room))
	b.WriteString(foot.String())
	return b.Flush()
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func mdHeader(b *strings.Builder, run *evidence.Run) {
	mark := "❌"
	if goLive(run) {
		mark = "✅"
	}
	m := run.Meta
	fmt.Fprintf(b, "## %s GO-LIVE: %s — %s\n\n", mark, goLiveWord(run), mdText(firstNonEmpty(m.Merchant, "uatrun")))
	fmt.Fprintf(b, "%s", mdText(firstNonEmpty(m.Product, m.Gateway)))
	if m.Gateway != "" {
		fmt.Fprintf(b, " (%s)", mdCode(m.Gateway))
	}
	fmt.Fprintf(b, " · %s · run %s · %s\n\n", mdText(firstNonEmpty(m.Environment, "emulate")), mdCode(run.ID), mdText(fmtTime(m.Started.Real)))
	mdRunFacts(b, run)
	if run.Incomplete {
		b.WriteString("> [!WARNING]\n> **INCOMPLETE** — the run did not finish; this summary was rebuilt from its journal and cannot support go-live.\n\n")
	}
	if run.Interrupted {
		b.WriteString("> [!WARNING]\n> **INTERRUPTED** — the run was stopped before every scenario ran and cannot support go-live.\n\n")
	}
	if r := run.Rerendered; r != nil {
		fmt.Fprintf(b, "> [!NOTE]\n> **RE-RENDERED** from %s on %s, after the run.\n\n", mdCode(r.From), mdText(fmtTime(r.At)))
	}
	fmt.Fprintf(b, "**%s** %s.\n", mdText(goLiveReason(run)), mdText(countLine(run)))
}

// mdRunFacts says which merchant build was judged, by which uatrun, and
// how the run was produced; the programs the config runs follow in a
// collapsed section.
func mdRunFacts(b *strings.Builder, run *evidence.Run) {
	m := run.Meta
	parts := []string{
		"merchant build " + mdCodeOr(m.MerchantVersion, merchantVersion(m)),
		"uatrun " + mdCode(firstNonEmpty(m.Version, "unknown")),
		"order: " + mdText(orderWord(m)),
	}
	if m.Filter != "" {
		parts = append(parts, "filter: "+mdText(clip(m.Filter, mdClip)))
	}
	if m.ConfigDigest != "" {
		parts = append(parts, "config SHA-256 "+mdCode(m.ConfigDigest))
	}
	fmt.Fprintf(b, "%s\n\n", strings.Join(parts, " · "))
	if len(m.Commands) == 0 {
		return
	}
	fmt.Fprintf(b, "<details>\n<summary>Programs the config runs (%d)</summary>\n\n", len(m.Commands))
	for i, c := range m.Commands {
		if i == mdMaxProblems {
			fmt.Fprintf(b, "- … and %d more in `evidence.html`\n", len(m.Commands)-i)
			break
		}
		fmt.Fprintf(b, "- %s\n", mdText(clip(commandLine(c), 2*mdClip)))
	}
	b.WriteString("\n</details>\n\n")
}

// mdCodeOr is s as code, or the plain words when s is empty.
func mdCodeOr(s, words string) string {
	if s == "" {
		return mdText(words)
	}
	return mdCode(s)
}

// mdTag is a finding's label, in bold.
func mdTag(label string) string { return "**" + mdText(label) + "**" }

// mdFinding is the label a scenario carries beside its verdict: what its
// outcome checks found, or that its setup never reached the rule.
func mdFinding(sc *evidence.Scenario) string {
	switch {
	case OutcomeLabel(sc) != "":
		return mdTag(OutcomeLabel(sc))
	case setupErrored(sc):
		return mdTag(labelSetupErrored)
	}
	return ""
}

// mdTable is the scenario table in a collapsed section, cut to fit room
// characters (a line says how many rows were left out).
func mdTable(run *evidence.Run, room int) string {
	scs := ordered(run)
	if len(scs) == 0 {
		return ""
	}
	var b strings.Builder
	open := fmt.Sprintf("\n<details>\n<summary>All %d scenarios</summary>\n\n| Scenario | Title | Tier | Verdict | Note |\n|---|---|---|---|---|\n", len(scs))
	const closing = "\n</details>\n"
	b.WriteString(open)
	used := runes(open) + runes(closing) + 80 // the "… more" row
	for i, sc := range scs {
		note := ""
		if sc.Verdict != evidence.Passed {
			note = mdText(clip(sc.Reason, mdClip))
			if f := mdFinding(sc); f != "" {
				note = f + " — " + note
			}
		}
		row := fmt.Sprintf("| %s | %s | %s | %s %s | %s |\n",
			mdCode(sc.ID), mdText(clip(sc.Title, mdClip)), tierWord(sc),
			verdictMark[sc.Verdict], verdictWord(sc.Verdict), note)
		if used+runes(row) > room {
			fmt.Fprintf(&b, "| … | %d more in `evidence.html` | | | |\n", len(scs)-i)
			break
		}
		used += runes(row)
		b.WriteString(row)
	}
	b.WriteString(closing)
	return b.String()
}

// mdProblems lists the failing and errored steps, bounded.
func mdProblems(b *strings.Builder, run *evidence.Run) {
	n := 0
	for _, sc := range ordered(run) {
		if !isProblem(sc.Verdict) {
			continue
		}
		if n == 0 {
			b.WriteString("\n### Failing steps\n\n")
		}
		steps := problemSteps(sc)
		if len(steps) == 0 {
			n++
			if n <= mdMaxProblems {
				fmt.Fprintf(b, "- %s %s %s%s: %s\n", verdictMark[sc.Verdict], mdCode(sc.ID), verdictWord(sc.Verdict), mdSuffix(mdFinding(sc)), mdText(clip(sc.Reason, mdClip)))
			}
		}
		for i, st := range steps {
			n++
			if n <= mdMaxProblems {
				finding := ""
				if i == 0 {
					finding = mdFinding(sc)
				}
				mdStep(b, sc, st, finding)
			}
		}
	}
	if n > mdMaxProblems {
		fmt.Fprintf(b, "- … and %d more in `evidence.html`\n", n-mdMaxProblems)
	}
}

// mdStep lists one failing step; finding is the scenario's label, shown
// on the step that decided it.
func mdStep(b *strings.Builder, sc *evidence.Scenario, st *evidence.Step, finding string) {
	fmt.Fprintf(b, "- %s %s%s step %d %s", verdictMark[st.Verdict], mdCode(sc.ID), mdSuffix(finding), st.Index+1, mdCode(st.Name))
	for _, l := range stepLabels(st) {
		fmt.Fprintf(b, " (%s)", mdTag(l))
	}
	if w := where(st.File, st.Line, st.Col); w != "" {
		fmt.Fprintf(b, " at %s", mdCode(w))
	}
	if st.Reason != "" {
		fmt.Fprintf(b, ": %s", mdText(clip(st.Reason, mdClip)))
	}
	b.WriteString("\n")
	for _, c := range failedChecks(st) {
		fmt.Fprintf(b, "  - %s: expected %s, got %s\n", mdText(clip(c.What, mdClip)), mdCode(clip(c.Expected, mdClip)), mdCode(clip(c.Actual, mdClip)))
		if c.Fix != "" {
			fmt.Fprintf(b, "    - What to fix: %s\n", mdText(clip(c.Fix, 2*mdClip)))
		}
	}
	if r := stepRemedy(st); r != "" {
		fmt.Fprintf(b, "  - What to fix: %s\n", mdText(clip(r, 2*mdClip)))
	}
}

// mdSuffix is " — finding", or "" when there is none.
func mdSuffix(finding string) string {
	if finding == "" {
		return ""
	}
	return " — " + finding
}

func mdReviews(b *strings.Builder, run *evidence.Run) {
	first := true
	for _, sc := range ordered(run) {
		if sc.Verdict != evidence.Review {
			continue
		}
		if first {
			b.WriteString("\n### For review\n\n")
			first = false
		}
		fmt.Fprintf(b, "- %s %s\n", mdCode(sc.ID), mdText(clip(sc.Reason, 2*mdClip)))
	}
}

// mdText makes recorded text inert in GitHub markdown: control characters
// shown as symbols, HTML escaped, markdown punctuation backslash-escaped, and table
// cells kept on one line.
var mdReplacer = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, `\`, `\\`, "*", `\*`, "_", `\_`,
	"[", `\[`, "]", `\]`, "`", "\\`", "#", `\#`, "\n", " ", "\r", " ",
)

func mdText(s string) string { return mdReplacer.Replace(visible(s)) }

// mdCode wraps s in a code span whose fence outruns any backticks inside.
// Pipes are still escaped: GitHub splits table cells before it parses code.
func mdCode(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ", "\t", " ", "|", `\|`).Replace(visible(s))
	if s == "" {
		return "` `"
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

package reporters

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/uatrun/uatrun/harness/evidence"
)

func renderMD(t *testing.T, run *evidence.Run) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Markdown(&buf, run); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestMarkdown_ListsMandatedScenariosFirst(t *testing.T) {
	md := renderMD(t, fixtureRun())
	skipped := strings.Index(md, "`DANA-REFUND-02`")
	for _, id := range []string{"DANA-PAY-01", "DANA-PAY-03", "DANA-CREATE-05", "DANA-IDEM-01", "DANA-SIG-02"} {
		if i := strings.Index(md, "| `"+id+"`"); i < 0 || i > skipped {
			t.Errorf("mandated %s not listed before the optional scenario", id)
		}
	}
	if !strings.HasPrefix(md, "## ❌ GO-LIVE: NO-GO") {
		t.Errorf("first line: %q", strings.SplitN(md, "\n", 2)[0])
	}
}

func TestMarkdown_ShowsFailingStepsAndDigest(t *testing.T) {
	run := fixtureRun()
	digest, _ := evidence.Digest(run)
	md := renderMD(t, run)
	for _, want := range []string{
		"status\\_is: expected `EXPIRED (merchant: \"expired\")`, got `PAID (merchant: \"paid\") \u2401`",
		"What to fix: Treat latestTransactionStatus",
		"`DANA-CREATE-05` step 1 `merchant: checkout` at `scenarios/dana-gapura/pay.yaml:74:5`",
		"`" + digest + "`", "uatrun verify evidence.json",
		"no order\\_status action, so fulfilments cannot be counted \\| check by hand",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Contains(md, "<Jakarta>") {
		t.Error("raw HTML from recorded data reached the markdown")
	}
}

func TestMarkdown_StaysShortForHugeRuns(t *testing.T) {
	run := fixtureRun()
	long := strings.Repeat("x", 5000)
	base := run.Scenarios[1]
	run.Scenarios = nil
	for i := range 300 {
		sc := base
		sc.ID = fmt.Sprintf("DANA-GEN-%03d", i)
		sc.Title = long
		run.Scenarios = append(run.Scenarios, sc)
	}
	run.Summary = evidence.Summarise(run.Scenarios)
	md := renderMD(t, run)
	if n := utf8.RuneCountInString(md); n > mdBudget || len(md) > 65536 {
		t.Errorf("summary is %d characters (%d bytes); the budget is %d and a PR comment holds 65536", n, len(md), mdBudget)
	}
	for _, want := range []string{" more in `evidence.html` |", fmt.Sprintf("and %d more in `evidence.html`", 300-mdMaxProblems), "<details>", "</details>"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestMDCode_SurvivesBackticksAndPipes(t *testing.T) {
	for in, want := range map[string]string{
		"plain":       "`plain`",
		"a`b":         "``a`b``",
		"`edge":       "`` `edge ``",
		"a|b\nc":      "`a\\|b c`",
		"":            "` `",
		"ctl\x07bell": "`ctl\u2407bell`",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
}

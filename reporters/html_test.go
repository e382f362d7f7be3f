package reporters

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

// sectionIDs are the anchors other tools and reviewers link to.
var sectionIDs = []string{"summary", "scenarios", "details", "environment", "signoff", "digest"}

// externalRef matches anything that would make the page reach the network.
var externalRef = regexp.MustCompile(`(?i)(\b(src|href|action|poster|srcset)\s*=\s*["']?\s*(https?:)?//)|url\(\s*["']?\s*(https?:)?//|@import`)

func renderHTMLString(t *testing.T, run *evidence.Run) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, run); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTML_HasEverySectionAndNoExternalReference(t *testing.T) {
	page := renderHTMLString(t, fixtureRun())
	for _, id := range sectionIDs {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("section #%s missing", id)
		}
	}
	if m := externalRef.FindString(page); m != "" {
		t.Errorf("page references the network: %q", m)
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d script elements, want only the print helper", n)
	}
}

// Recorded bodies come from the merchant's app: they must show as text.
func TestHTML_EscapesRecordedData(t *testing.T) {
	page := renderHTMLString(t, fixtureRun())
	for _, raw := range []string{"<script>alert", "a<b && c>d", "Sons <Jakarta>", "\x01"} {
		if strings.Contains(page, raw) {
			t.Errorf("unescaped %q in the page", raw)
		}
	}
	for _, esc := range []string{"&lt;script&gt;alert", "a&lt;b &amp;&amp; c&gt;d", "Sons &lt;Jakarta&gt;", "\u2401"} {
		if !strings.Contains(page, esc) {
			t.Errorf("escaped form %q missing", esc)
		}
	}
}

func TestHTML_ShowsTheGoLiveCall(t *testing.T) {
	allPass := fixtureRun()
	allPass.Scenarios = allPass.Scenarios[:1]
	allPass.Summary = evidence.Summarise(allPass.Scenarios)
	incomplete := fixtureRun()
	incomplete.Scenarios = allPass.Scenarios
	incomplete.Summary = allPass.Summary
	incomplete.Incomplete = true
	for _, tc := range []struct {
		name       string
		run        *evidence.Run
		verdict    string
		incomplete bool
	}{
		{"mixed verdicts", fixtureRun(), "NO-GO", false},
		{"all mandated passed", allPass, "GO", false},
		{"incomplete run", incomplete, "NO-GO", true},
		{"partial run", partialRun(), "PARTIAL", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := renderHTMLString(t, tc.run)
			if want := `<span class="golive-label">GO-LIVE</span> ` + tc.verdict + `</div>`; !strings.Contains(page, want) {
				t.Errorf("go-live call missing: want %q", want)
			}
			if got := strings.Contains(page, `class="banner incomplete"`); got != tc.incomplete {
				t.Errorf("INCOMPLETE banner shown=%v, want %v", got, tc.incomplete)
			}
		})
	}
}

func TestHTML_FailingStepShowsExpectedActualAndRemedy(t *testing.T) {
	page := renderHTMLString(t, fixtureRun())
	sc := page[strings.Index(page, `id="sc-dana-pay-03"`):]
	sc = sc[:strings.Index(sc[1:], `<details class="scenario"`)+1]
	for _, want := range []string{
		"EXPIRED (merchant: &#34;expired&#34;)", "PAID (merchant: &#34;paid&#34;)", "✗ differs",
		"What to fix", "Treat latestTransactionStatus", "scenarios/dana-gapura/pay.yaml:52:5",
		`<details class="exchange full" open>`, "HTTP 200 OK",
	} {
		if !strings.Contains(sc, want) {
			t.Errorf("failing scenario lacks %q", want)
		}
	}
}

func TestHTML_SignOffHasBlankLinesWhenNobodyIsNamed(t *testing.T) {
	run := fixtureRun()
	run.Meta.SignOff = nil
	page := renderHTMLString(t, run)
	signoff := page[strings.Index(page, `id="signoff"`):strings.Index(page, `id="details"`)]
	if n := strings.Count(signoff, `class="signer"`); n != 2 {
		t.Errorf("%d signature blocks, want 2 blank ones", n)
	}
	if n := strings.Count(signoff, `<dd class="line"></dd>`); n != 8 {
		t.Errorf("%d blank lines, want 8 (name, role, organisation, date ×2)", n)
	}
	for _, who := range []string{"Merchant", "Gateway reviewer"} {
		if !strings.Contains(signoff, who) {
			t.Errorf("blank block for %s missing", who)
		}
	}
}

func TestHTML_DigestMatchesTheEvidence(t *testing.T) {
	run := fixtureRun()
	want, err := evidence.Digest(run)
	if err != nil {
		t.Fatal(err)
	}
	page := renderHTMLString(t, run) // not sealed yet: the page still names the digest
	if !strings.Contains(page, want) || !strings.Contains(page, "uatrun verify evidence.json") {
		t.Error("digest section lacks the digest or the verify command")
	}
	if strings.Contains(page, "Ed25519 signature") {
		t.Error("an unsigned run shows a signature")
	}
}

func TestAnchors_AreUniqueAndStable(t *testing.T) {
	a := newAnchors()
	got := []string{a.next("DANA-PAY-01"), a.next("dana pay 01"), a.next("<>"), a.next("")}
	want := []string{"sc-dana-pay-01", "sc-dana-pay-01-2", "sc-scenario", "sc-scenario-2"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("anchor %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// partialRun is a run whose filter left a mandated scenario out: the one
// that ran passed, and the report must make no go-live call either way.
func partialRun() *evidence.Run {
	run := fixtureRun()
	run.Scenarios = run.Scenarios[:2]
	run.Scenarios[1].Verdict, run.Scenarios[1].Reason, run.Scenarios[1].Steps = evidence.Skipped, evidence.FilteredPrefix+" by --scenario DANA-PAY-01", nil
	run.Meta.Filter = "scenario: DANA-PAY-01"
	run.Summary = evidence.Summarise(run.Scenarios)
	return run
}

func TestReports_PartialRunIsNotASignOff(t *testing.T) {
	run := partialRun()
	page := renderHTMLString(t, run)
	if !strings.Contains(page, "partial run, not a sign-off") {
		t.Errorf("the HTML must say the run is partial")
	}
	if b := blockers(run); len(b) != 0 {
		t.Errorf("a scenario the filter left out is listed as blocking go-live: %s", b[0].ID)
	}
	md := renderMD(t, run)
	if !strings.Contains(md, "GO-LIVE: PARTIAL") || !strings.Contains(md, "partial run, not a sign-off") {
		t.Errorf("evidence.md must say PARTIAL, not NO-GO:\n%s", md)
	}
}

func TestJUnit_RecommendedFailureDoesNotFailTheBuild(t *testing.T) {
	run := fixtureRun()
	sc := &run.Scenarios[1] // FAILED
	sc.Mandatory, sc.Tier = false, "recommended"
	run.Summary = evidence.Summarise(run.Scenarios)
	c := caseNamed(t, decodeJUnit(t, run), sc.ID)
	if c.Failure != nil || c.Skipped == nil || !strings.Contains(c.Skipped.Message, "recommended, not required: FAILED") {
		t.Fatalf("a failed recommended scenario must be reported without a <failure> element: %+v", c)
	}
}

package reporters

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uatrun/uatrun/harness/evidence"
)

// verdictOrder fixes the order counts are shown in; iterating the
// ByVerdict map would leak map order into reports.
var verdictOrder = []evidence.Verdict{evidence.Passed, evidence.Failed, evidence.Errored, evidence.Skipped, evidence.Review}

// verdictClass is the CSS class (and short word) for a verdict.
func verdictClass(v evidence.Verdict) string {
	switch v {
	case evidence.Passed:
		return "pass"
	case evidence.Failed:
		return "fail"
	case evidence.Errored:
		return "error"
	case evidence.Skipped:
		return "skip"
	case evidence.Review:
		return "review"
	}
	return "unknown"
}

// verdictWord shows a verdict, naming a missing one rather than printing
// nothing.
func verdictWord(v evidence.Verdict) string {
	if v == "" {
		return "NO VERDICT"
	}
	return string(v)
}

// goLive is the run's go-live call. An incomplete run never supports one,
// whatever its summary says.
func goLive(run *evidence.Run) bool {
	return run.Summary.GoLive && !run.Incomplete && !run.Interrupted && !run.Summary.Partial
}

// filtered reports a scenario a filter left out: it did not run, so it is
// neither a blocker nor a pass.
func filtered(sc *evidence.Scenario) bool {
	return sc.Verdict == evidence.Skipped && strings.HasPrefix(sc.Reason, evidence.FilteredPrefix)
}

// tierWord names what a scenario's verdict means for go-live.
func tierWord(sc *evidence.Scenario) string {
	switch {
	case sc.Mandatory:
		return "mandatory"
	case sc.Tier == "recommended":
		return "recommended (advice)"
	}
	return "optional"
}

// ordered lists the scenarios mandated first, keeping run order within
// each group.
func ordered(run *evidence.Run) []*evidence.Scenario {
	out := make([]*evidence.Scenario, 0, len(run.Scenarios))
	for _, mandated := range []bool{true, false} {
		for i := range run.Scenarios {
			if run.Scenarios[i].Mandatory == mandated {
				out = append(out, &run.Scenarios[i])
			}
		}
	}
	return out
}

// isProblem reports verdicts that block a test run in CI.
func isProblem(v evidence.Verdict) bool { return v == evidence.Failed || v == evidence.Errored }

// problemSteps are the steps that failed or errored, in order.
func problemSteps(sc *evidence.Scenario) []*evidence.Step {
	var out []*evidence.Step
	for i := range sc.Steps {
		if isProblem(sc.Steps[i].Verdict) {
			out = append(out, &sc.Steps[i])
		}
	}
	return out
}

// failedChecks are a step's checks that did not hold.
func failedChecks(st *evidence.Step) []evidence.Check {
	var out []evidence.Check
	for _, c := range st.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// blockers are the mandated scenarios that did not pass.
func blockers(run *evidence.Run) []*evidence.Scenario {
	var out []*evidence.Scenario
	for _, sc := range ordered(run) {
		if sc.Mandatory && sc.Verdict != evidence.Passed && !filtered(sc) {
			out = append(out, sc)
		}
	}
	return out
}

// where formats a position as file:line[:col]; "" when there is no file.
func where(file string, line, col int) string {
	switch {
	case file == "":
		return ""
	case line <= 0:
		return file
	case col <= 0:
		return fmt.Sprintf("%s:%d", file, line)
	}
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// fmtTime shows a wall-clock time in the gateway's zone with the zone
// named: "2026-03-02 10:15:00 WIB (UTC+07:00)".
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(reportZone).Format(dateLayout)
}

// fmtMS shows a duration given in milliseconds.
func fmtMS(ms float64) string {
	if ms < 1000 {
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmtDuration(time.Duration(ms * float64(time.Millisecond)))
}

// fmtDuration shows a span; "—" when it is unknown or negative.
func fmtDuration(d time.Duration) string {
	if d < 0 {
		return "—"
	}
	if d < time.Minute {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// span is the time between two stamps on one clock; negative when either
// end is missing.
func span(from, to time.Time) time.Duration {
	if from.IsZero() || to.IsZero() {
		return -1
	}
	return to.Sub(from)
}

// clip shortens s to n runes on one line, marking the cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// digestInfo is what every format says about the evidence seal.
type digestInfo struct {
	SHA256    string
	Signature string // base64 Ed25519, "" when unsigned
	PublicKey string
	KeyID     string // evidence.KeyID of PublicKey
}

// sealOf recomputes the digest (so a report of an unsealed run still
// names the digest its evidence.json will carry) and shows a signature
// only when it belongs to this content.
func sealOf(run *evidence.Run) (digestInfo, error) {
	d, err := evidence.Digest(run)
	if err != nil {
		return digestInfo{}, err
	}
	info := digestInfo{SHA256: d}
	if in := run.Integrity; in != nil && in.SHA256 == d {
		info.Signature, info.PublicKey = in.Ed25519, in.PublicKey
		if raw, err := base64.StdEncoding.DecodeString(in.PublicKey); err == nil && len(raw) == ed25519.PublicKeySize {
			info.KeyID = evidence.KeyID(raw)
		}
	}
	return info, nil
}

// countLine reads "6 scenarios: 1 passed, 1 failed, …" in verdict order.
func countLine(run *evidence.Run) string {
	parts := make([]string, 0, len(verdictOrder))
	for _, v := range verdictOrder {
		if n := run.Summary.ByVerdict[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(string(v))))
		}
	}
	noun := "scenarios"
	if run.Summary.Total == 1 {
		noun = "scenario"
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", run.Summary.Total, noun)
	}
	return fmt.Sprintf("%d %s: %s", run.Summary.Total, noun, strings.Join(parts, ", "))
}

// goLiveReason explains the go-live call in one sentence.
func goLiveReason(run *evidence.Run) string {
	s := run.Summary
	switch {
	case run.Interrupted:
		return "The run was interrupted before every scenario ran, so it cannot support a go-live decision."
	case run.Incomplete:
		return "The run did not finish, so it cannot support a go-live decision."
	case s.MandatoryTotal == 0:
		return "No mandated scenario was run."
	case s.Partial:
		return "A filter (" + run.Meta.Filter + ") left mandated scenarios out: this is a partial run, not a sign-off."
	case goLive(run):
		return fmt.Sprintf("All %d mandated scenarios passed.", s.MandatoryTotal)
	}
	return fmt.Sprintf("%d of %d mandated scenarios did not pass.", s.MandatoryTotal-s.MandatoryPass, s.MandatoryTotal)
}

// goLiveWord is GO or NO-GO, or PARTIAL for a filtered run (no call).
func goLiveWord(run *evidence.Run) string {
	switch {
	case goLive(run):
		return "GO"
	case run.Summary.Partial && !run.Incomplete && !run.Interrupted:
		return "PARTIAL"
	}
	return "NO-GO"
}

// visible replaces control characters (other than tab, newline and
// carriage return) with their Unicode control pictures, so a stray byte
// in a recorded body shows in the report instead of vanishing, and turns
// invalid UTF-8 into U+FFFD.
func visible(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20:
			return 0x2400 + r
		case r == 0x7f:
			return 0x2421
		}
		return r
	}, s)
}

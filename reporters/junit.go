package reporters

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/uatrun/uatrun/harness/evidence"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Hostname   string          `xml:"hostname,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	File       string          `xml:"file,attr,omitempty"`
	Line       int             `xml:"line,attr,omitempty"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitProblem   `xml:"failure,omitempty"`
	Error      *junitProblem   `xml:"error,omitempty"`
	Skipped    *junitSkipped   `xml:"skipped,omitempty"`
	SystemOut  *junitText      `xml:"system-out,omitempty"`
}

// Multi-line text goes in CDATA so the file stays readable; encoding/xml
// splits any "]]>" inside it.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit writes junit.xml: one testsuite per gateway, one testcase per
// scenario. FAILED becomes <failure>, ERRORED <error>, SKIPPED and REVIEW
// <skipped> (REVIEW also as a property), so CI fails on exactly what the
// go-live call cares about.
func JUnit(w io.Writer, run *evidence.Run) error {
	info, err := sealOf(run)
	if err != nil {
		return err
	}
	doc := junitSuites{Name: "uatrun " + xmlText(run.Meta.Merchant)}
	props := runProperties(run, info)
	for _, group := range byGateway(run) {
		s := junitSuiteOf(run, group, props)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(span(run.Meta.Started.Real, run.Meta.Finished.Real).Seconds() * 1000)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// byGateway groups scenarios by gateway in order of first appearance.
func byGateway(run *evidence.Run) [][]*evidence.Scenario {
	var groups [][]*evidence.Scenario
	index := map[string]int{}
	for i := range run.Scenarios {
		sc := &run.Scenarios[i]
		g, ok := index[sc.Gateway]
		if !ok {
			g = len(groups)
			index[sc.Gateway] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], sc)
	}
	return groups
}

func junitSuiteOf(run *evidence.Run, group []*evidence.Scenario, props []junitProperty) junitSuite {
	name := group[0].Gateway
	if name == "" {
		name = run.Meta.Gateway
	}
	s := junitSuite{Name: xmlText(name), Hostname: xmlText(run.Meta.Host), Properties: props}
	if t := run.Meta.Started.Real; !t.IsZero() {
		s.Timestamp = t.In(reportZone).Format("2006-01-02T15:04:05") // the gateway's zone, WIB
	}
	var ms float64
	for _, sc := range group {
		c := junitCaseOf(sc)
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
		ms += sc.DurationMS
		s.Cases = append(s.Cases, c)
	}
	s.Time = seconds(ms)
	return s
}

// runProperties are the run settings every suite carries.
func runProperties(run *evidence.Run, info digestInfo) []junitProperty {
	m := run.Meta
	props := []junitProperty{
		{"run_id", run.ID}, {"merchant", m.Merchant}, {"gateway", m.Gateway}, {"product", m.Product},
		{"environment", m.Environment}, {"target", evidence.SafeURL(m.Target)}, {"version", m.Version},
		{"run_by", m.RunBy}, {"filter", m.Filter}, {"config_digest", m.ConfigDigest},
	}
	// Written since the first format: listed only when the run has them,
	// so an older document's junit.xml reads as it did.
	for _, p := range []junitProperty{{"merchant_version", m.MerchantVersion}, {"order", m.Order}} {
		if p.Value != "" {
			props = append(props, p)
		}
	}
	for _, p := range m.Packs {
		props = append(props, junitProperty{"pack." + p.Name, p.Digest})
	}
	props = append(props,
		junitProperty{"go_live", strconv.FormatBool(goLive(run))},
		junitProperty{"incomplete", strconv.FormatBool(run.Incomplete)},
		junitProperty{"interrupted", strconv.FormatBool(run.Interrupted)},
		junitProperty{"evidence_sha256", info.SHA256})
	for i := range props {
		props[i].Name, props[i].Value = xmlText(props[i].Name), xmlText(props[i].Value)
	}
	return props
}

// junitCaseOf is the one switch deciding failure, error and skip.
func junitCaseOf(sc *evidence.Scenario) junitCase {
	c := junitCase{
		Name:       xmlText(strings.TrimSpace(sc.ID + " " + sc.Title)),
		Classname:  xmlText(classname(sc)),
		File:       xmlText(sc.File),
		Line:       sc.Line,
		Time:       seconds(sc.DurationMS),
		Properties: []junitProperty{{"verdict", verdictWord(sc.Verdict)}, {"mandatory", strconv.FormatBool(sc.Mandatory)}, {"tier", tierWord(sc)}},
		SystemOut:  cdata(stepLog(sc)),
	}
	for _, name := range sc.MapsTo {
		c.Properties = append(c.Properties, junitProperty{"maps_to", xmlText(name)})
	}
	if l := OutcomeLabel(sc); l != "" {
		c.Properties = append(c.Properties, junitProperty{"outcome", xmlText(sc.Outcome)})
	}
	switch sc.Verdict {
	case evidence.Passed:
	case evidence.Failed:
		if sc.Tier == "recommended" {
			// Hardening advice never blocks: a CI gating on JUnit failures
			// must not fail on it. The verdict stays in the properties.
			c.Skipped = &junitSkipped{Message: xmlText("recommended, not required: FAILED" + withLabel(OutcomeLabel(sc)) + ": " + sc.Reason)}
			break
		}
		c.Failure = problem(sc, "FAILED")
	case evidence.Skipped:
		c.Skipped = &junitSkipped{Message: xmlText(sc.Reason)}
	case evidence.Review:
		c.Skipped = &junitSkipped{Message: xmlText("REVIEW: " + sc.Reason)}
		c.Properties = append(c.Properties, junitProperty{"review", xmlText(sc.Reason)})
	default: // ERRORED, and any verdict this version does not know
		c.Error = problem(sc, "ERRORED")
	}
	return c
}

func classname(sc *evidence.Scenario) string {
	if sc.Family == "" {
		return sc.Gateway
	}
	return sc.Gateway + "." + sc.Family
}

// problem describes a failed or errored scenario: the message is the first
// problem step's reason, the text every problem step with expected versus
// actual, position and remedy.
func problem(sc *evidence.Scenario, typ string) *junitProblem {
	steps := problemSteps(sc)
	msg := sc.Reason
	if len(steps) > 0 {
		st := steps[0]
		msg = fmt.Sprintf("step %d (%s) at %s: %s", st.Index+1, st.Name, where(st.File, st.Line, st.Col), firstNonEmpty(st.Reason, sc.Reason))
	}
	switch {
	case OutcomeLabel(sc) != "":
		msg = OutcomeLabel(sc) + " — " + msg
	case setupErrored(sc):
		msg = labelSetupErrored + " — " + msg
	}
	var b strings.Builder
	if sc.Reason != "" {
		fmt.Fprintf(&b, "%s\n", sc.Reason)
	}
	for _, st := range steps {
		writeStepProblem(&b, st)
	}
	return &junitProblem{Message: xmlText(msg), Type: typ, Text: xmlText(b.String())}
}

func writeStepProblem(b *strings.Builder, st *evidence.Step) {
	fmt.Fprintf(b, "\nstep %d %s — %s: %s", st.Index+1, st.Name, where(st.File, st.Line, st.Col), verdictWord(st.Verdict))
	for _, l := range stepLabels(st) {
		fmt.Fprintf(b, " (%s)", l)
	}
	b.WriteString("\n")
	if st.Reason != "" {
		fmt.Fprintf(b, "  reason:   %s\n", st.Reason)
	}
	for _, c := range failedChecks(st) {
		fmt.Fprintf(b, "  %s\n    expected: %s\n    actual:   %s\n", c.What, c.Expected, c.Actual)
		if c.Fix != "" {
			fmt.Fprintf(b, "    what to fix: %s\n", c.Fix)
		}
	}
	if r := stepRemedy(st); r != "" {
		fmt.Fprintf(b, "  what to fix: %s\n", r)
	}
}

// withLabel is " (label)", or "" when there is none.
func withLabel(l string) string {
	if l == "" {
		return ""
	}
	return " (" + l + ")"
}

// stepLog is one line per step, for CI logs.
func stepLog(sc *evidence.Scenario) string {
	var b strings.Builder
	for _, st := range sc.Steps {
		fmt.Fprintf(&b, "%-8s step %d %s (%s) %s\n", verdictWord(st.Verdict), st.Index+1, st.Name, where(st.File, st.Line, st.Col), fmtMS(st.DurationMS))
	}
	return b.String()
}

func cdata(s string) *junitText {
	if s == "" {
		return nil
	}
	return &junitText{Text: xmlText(s)}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// seconds shows milliseconds as JUnit's seconds.
func seconds(ms float64) string {
	if ms < 0 {
		ms = 0
	}
	return strconv.FormatFloat(ms/1000, 'f', 3, 64)
}

// xmlText drops the characters XML 1.0 forbids (most C0 controls,
// surrogates, U+FFFE/U+FFFF); encoding/xml escapes the rest. Invalid UTF-8
// becomes U+FFFD.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, s)
}

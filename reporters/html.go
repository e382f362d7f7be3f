package reporters

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

//go:embed templates/evidence.html.tmpl templates/evidence.css
var templateFS embed.FS

var (
	htmlTemplate = template.Must(template.New("evidence.html.tmpl").ParseFS(templateFS, "templates/evidence.html.tmpl"))
	htmlCSS      = template.CSS(mustRead("templates/evidence.css"))
)

func mustRead(name string) string {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	return string(b)
}

// htmlDoc is everything the template shows, computed in Go so the
// template only lays it out.
type htmlDoc struct {
	CSS         template.CSS
	Run         *evidence.Run
	Incomplete  bool
	Interrupted bool
	Rerendered  *rerenderView
	GoLive      bool
	Verdict     string // GO or NO-GO
	Why         string
	Date        string // when the run started, in the gateway's zone
	Zone        string
	Counts      []countTile
	Blockers    []blockerView
	Mandated    []scenarioRow
	Others      []scenarioRow
	Details     []scenarioView
	Env         []fact
	Rerun       []fact
	RunFacts    []fact // the header's "how this run was produced"
	Target      string // the merchant base URL, credentials removed
	Signers     []signerView
	Seal        digestInfo
	Trust       trustView
	Generated   string
}

type countTile struct {
	Label, Class string
	N            int
}

type fact struct{ Label, Value string }

type scenarioRow struct {
	Anchor, ID, Title, Verdict, Class string
	MapsTo                            []string
	Mandatory                         bool
	Clock                             string // furthest test-clock advance, "" when none
	// Outcome, OutcomeClass: what a FAILED scenario's outcome checks
	// found ("outcome also wrong", "outcome held: …"); "" when none.
	Outcome, OutcomeClass string
	// SetupErrored: ERRORED because its setup could not proceed.
	SetupErrored bool
}

// blockerView is a mandated scenario that did not pass, with what
// decided it and what to fix.
type blockerView struct {
	scenarioRow
	Reason, Fix string
}

type scenarioView struct {
	scenarioRow
	Reason string
	Open   bool // expanded on screen
	Facts  []fact
	Steps  []stepView
}

type stepView struct {
	No                                    int
	Kind, Name, Where, Verdict, Class     string
	Reason, Remedy, Duration, Time, Clock string
	Problem                               bool // failed or errored: printed in full
	Setup, AfterFailure                   bool
	Checks                                []checkView
	ChecksHeld                            string // "3 of 3 checks hold"
	Exchanges                             []exchangeView
}

// checkView is a check with the fix shown beside it when it failed.
type checkView struct {
	evidence.Check
	ShowFix bool
}

type exchangeView struct {
	Title, Meta, Request, Response, Error string
	Signature                             *evidence.SignatureCheck
	Notes                                 []string
	Open                                  bool // expanded on screen
	Full                                  bool // printed in full (else one line)
}

type signerView struct {
	Title                    string
	Name, Role, Organisation string
}

type rerenderView struct {
	At, From, Version, Sealed string
}

// trustView says which trust case the document is and what proves it.
type trustView struct {
	Case      string // a short heading
	Statement string
	KeyID     string
}

// HTML writes the sign-off document: one self-contained page with inline
// CSS, no network references, that prints cleanly to PDF.
func HTML(w io.Writer, run *evidence.Run) error {
	return renderHTML(w, run, time.Time{})
}

// renderHTML adds a "generated" time when gen is not zero.
func renderHTML(w io.Writer, run *evidence.Run, gen time.Time) error {
	doc, err := buildDoc(run, gen)
	if err != nil {
		return err
	}
	var buf strings.Builder
	if err := htmlTemplate.Execute(&buf, doc); err != nil {
		return err
	}
	// The template writes no control characters, so any left came from
	// recorded data: make them visible rather than leave invalid HTML.
	_, err = io.WriteString(w, visible(buf.String()))
	return err
}

func buildDoc(run *evidence.Run, gen time.Time) (*htmlDoc, error) {
	seal, err := sealOf(run)
	if err != nil {
		return nil, err
	}
	doc := &htmlDoc{
		CSS: htmlCSS, Run: run, Incomplete: run.Incomplete, Interrupted: run.Interrupted, GoLive: goLive(run),
		Verdict: goLiveWord(run), Why: goLiveReason(run), Counts: counts(run),
		Date: fmtTime(run.Meta.Started.Real), Zone: zoneNote,
		Env: environment(run), Rerun: rerun(run), Signers: signers(run.Meta.SignOff), Seal: seal,
		Trust: trustOf(run, seal), RunFacts: runFacts(run), Target: evidence.SafeURL(run.Meta.Target),
	}
	if r := run.Rerendered; r != nil {
		doc.Rerendered = &rerenderView{At: fmtTime(r.At), From: r.From, Version: r.Version, Sealed: r.Sealed}
	}
	if !gen.IsZero() {
		doc.Generated = fmtTime(gen)
	}
	anchors := newAnchors()
	for _, sc := range ordered(run) {
		row := rowOf(sc, anchors.next(sc.ID))
		if sc.Mandatory {
			doc.Mandated = append(doc.Mandated, row)
			if sc.Verdict != evidence.Passed && !filtered(sc) {
				doc.Blockers = append(doc.Blockers, blockerView{scenarioRow: row, Reason: sc.Reason, Fix: sc.Fix()})
			}
		} else {
			doc.Others = append(doc.Others, row)
		}
		doc.Details = append(doc.Details, viewOf(sc, row))
	}
	return doc, nil
}

func counts(run *evidence.Run) []countTile {
	tiles := []countTile{{Label: "Scenarios", Class: "total", N: run.Summary.Total}}
	for _, v := range verdictOrder {
		tiles = append(tiles, countTile{Label: string(v), Class: verdictClass(v), N: run.Summary.ByVerdict[v]})
	}
	return tiles
}

func rowOf(sc *evidence.Scenario, anchor string) scenarioRow {
	row := scenarioRow{
		Anchor: anchor, ID: sc.ID, Title: sc.Title, MapsTo: sc.MapsTo, Mandatory: sc.Mandatory,
		Verdict: verdictWord(sc.Verdict), Class: verdictClass(sc.Verdict),
		Outcome: OutcomeLabel(sc), OutcomeClass: outcomeClass(sc), SetupErrored: setupErrored(sc),
	}
	if d := furthest(sc); d > 0 {
		row.Clock = offset(d)
	}
	return row
}

func viewOf(sc *evidence.Scenario, row scenarioRow) scenarioView {
	v := scenarioView{scenarioRow: row, Reason: sc.Reason, Open: sc.Verdict != evidence.Passed && sc.Verdict != evidence.Skipped}
	v.Facts = nonEmpty([]fact{
		{"Family", sc.Family},
		{"Tier", tierWord(sc)},
		{"Defined at", where(sc.File, sc.Line, 0)},
		{"Started", fmtTime(sc.At.Real)},
		{"Duration", fmtMS(sc.DurationMS)},
	})
	if row.Clock != "" {
		v.Facts = append(v.Facts, fact{"Test clock moved", row.Clock})
	}
	for i := range sc.Steps {
		v.Steps = append(v.Steps, stepViewOf(sc, &sc.Steps[i]))
	}
	return v
}

func stepViewOf(sc *evidence.Scenario, st *evidence.Step) stepView {
	v := stepView{
		No: st.Index + 1, Kind: st.Kind, Name: st.Name, Where: where(st.File, st.Line, st.Col),
		Verdict: verdictWord(st.Verdict), Class: verdictClass(st.Verdict),
		Reason: st.Reason, Remedy: stepRemedy(st), Duration: fmtMS(st.DurationMS),
		Time: fmtClock(st.At.Real), Clock: testClock(sc.At, st.At),
		Problem: isProblem(st.Verdict), Setup: st.Setup, AfterFailure: st.AfterFailure,
	}
	for _, c := range st.Checks {
		v.Checks = append(v.Checks, checkView{Check: c, ShowFix: !c.OK && c.Fix != ""})
	}
	if n := len(st.Checks); n > 0 {
		v.ChecksHeld = fmt.Sprintf("%d of %d checks hold", n-len(failedChecks(st)), n)
	}
	for i := range st.Exchanges {
		v.Exchanges = append(v.Exchanges, exchangeViewOf(sc, &st.Exchanges[i], v.Problem))
	}
	return v
}

// exchangeViewOf opens the transcripts of failing steps on screen and
// prints them in full; other transcripts print as their one-line title.
func exchangeViewOf(sc *evidence.Scenario, ex *evidence.Exchange, problem bool) exchangeView {
	meta := []string{ex.Kind, fmtMS(ex.DurationMS), fmtClock(ex.At.Real)}
	if c := testClock(sc.At, ex.At); c != "" {
		meta = append(meta, c)
	}
	v := exchangeView{
		Title:     exchangeTitle(ex),
		Meta:      strings.Join(meta, " · "),
		Request:   transcript(requestLine(&ex.Request), &ex.Request),
		Error:     ex.Error,
		Signature: ex.Signature,
		Notes:     ex.Notes,
		Open:      problem || ex.Error != "" || (ex.Signature != nil && !ex.Signature.Valid),
		Full:      problem,
	}
	if ex.Response != nil {
		v.Response = transcript(statusLine(ex.Response.Status), ex.Response)
	}
	return v
}

// exchangeTitle is the one line an exchange prints as: its label, the
// request line and what came back. A response that was followed by an
// error (a body cut off, a timeout reading it) shows both.
func exchangeTitle(ex *evidence.Exchange) string {
	t := strings.TrimSpace(ex.Label + " — " + strings.TrimSpace(ex.Request.Method+" "+pathOf(ex.Request.URL)))
	switch {
	case ex.Response != nil && ex.Error != "":
		t += fmt.Sprintf(" → %d, then an error", ex.Response.Status)
	case ex.Response != nil:
		t += fmt.Sprintf(" → %d", ex.Response.Status)
	case ex.Error != "":
		t += " → no response"
	}
	return t
}

// pathOf is a URL without its scheme and host (the transcript keeps the
// full URL); a string that is not an absolute URL is kept whole.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme, u.Host, u.User = "", "", nil
	return u.String()
}

func environment(run *evidence.Run) []fact {
	m := run.Meta
	return nonEmpty([]fact{
		{"Merchant", m.Merchant}, {"Gateway", m.Gateway}, {"Product", m.Product},
		{"Mode", m.Environment}, {"Target (merchant base URL)", evidence.SafeURL(m.Target)},
		{"Run by", m.RunBy}, {"Host", m.Host}, {"Run ID", run.ID}, {"Evidence schema", run.Schema},
		{"Started", fmtTime(m.Started.Real)},
		{"Finished", finished(run, m.Finished.Real)},
		{"Elapsed", fmtDuration(span(m.Started.Real, m.Finished.Real))},
		{"Times", zoneNote + "; each scenario also shows its own test clock (below)"},
	})
}

// rerun is what a reviewer needs to run the same check again: the same
// uatrun, the same packs, the same config and the same selection.
func rerun(run *evidence.Run) []fact {
	m := run.Meta
	fs := []fact{
		{"uatrun version", strings.TrimSpace(m.Tool + " " + m.Version)},
		{"Merchant build (--merchant-version)", m.MerchantVersion},
		{"Configuration SHA-256 (secrets removed)", m.ConfigDigest},
		{"Scenario filter", m.Filter},
		{"Scenario order", m.Order},
	}
	for _, p := range m.Packs {
		fs = append(fs, fact{fmt.Sprintf("Pack %s (%d files) SHA-256", p.Name, p.Files), p.Digest})
	}
	for _, c := range m.Commands {
		fs = append(fs, fact{"Program the config runs", commandLine(c)})
	}
	return nonEmpty(fs)
}

// runFacts head the document: which build of the merchant was judged, by
// which uatrun, and how the run was produced; the full digests follow in
// section 4.
func runFacts(run *evidence.Run) []fact {
	m := run.Meta
	fs := []fact{
		{"Merchant build", merchantVersion(m)},
		{"uatrun version", firstNonEmpty(m.Version, "unknown")},
		{"Gateway", m.Gateway},
		{"Scenario order", orderWord(m)},
		{"Scenario filter", m.Filter},
		{"Config SHA-256", short(m.ConfigDigest)},
	}
	if n := len(m.Commands); n > 0 {
		fs = append(fs, fact{"Programs the config runs", fmt.Sprintf("%d (section 4)", n)})
	}
	return nonEmpty(fs)
}

// short is the first 16 characters of a digest, marked as cut.
func short(d string) string {
	if len(d) <= 16 {
		return d
	}
	return d[:16] + "…"
}

// trustOf names the trust case: unsigned, or signed by a key whose holder
// decides what the document proves.
func trustOf(run *evidence.Run, seal digestInfo) trustView {
	if seal.Signature == "" {
		return trustView{
			Case: "Self-attestation, unsigned",
			Statement: "The digest shows that evidence.json matches this document and was not damaged. It does not show who made it: " +
				"anyone holding the file can change it and compute a new digest. It proves more only when you received the digest " +
				"separately, from a channel you trust (a CI log, a signed message).",
		}
	}
	id := seal.KeyID
	return trustView{
		Case:  "Signed with key " + id,
		KeyID: id,
		Statement: "The signature proves the evidence is unchanged since the holder of key " + id + " sealed it. " +
			"Who holds that key decides what this shows. If it is the merchant's own key, this is the merchant's signed self-attestation. " +
			"If it is the gateway reviewer's key, the reviewer operated the run, and \"uatrun verify --key reviewer.pub.pem evidence.json\" " +
			"passes only for documents that key signed: a copy changed and re-sealed by anyone else fails.",
	}
}

func finished(run *evidence.Run, t time.Time) string {
	if run.Incomplete && t.IsZero() {
		return "did not finish"
	}
	return fmtTime(t)
}

// signers gives two blank blocks (merchant, gateway reviewer) when the run
// names nobody, so the printed document can still be signed by hand.
func signers(ss []evidence.Signer) []signerView {
	if len(ss) == 0 {
		return []signerView{{Title: "Merchant"}, {Title: "Gateway reviewer"}}
	}
	out := make([]signerView, len(ss))
	for i, s := range ss {
		out[i] = signerView{Title: firstNonEmpty(s.Organisation, s.Role, "Signatory"), Name: s.Name, Role: s.Role, Organisation: s.Organisation}
	}
	return out
}

// nonEmpty drops facts with no value, and "—" placeholders.
func nonEmpty(fs []fact) []fact {
	out := fs[:0]
	for _, f := range fs {
		if f.Value != "" && f.Value != "—" {
			out = append(out, f)
		}
	}
	return out
}

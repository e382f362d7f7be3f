package reporters

import (
	"embed"
	"fmt"
	"html/template"
	"io"
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
	CSS        template.CSS
	Run        *evidence.Run
	Incomplete bool
	GoLive     bool
	Verdict    string // GO or NO-GO
	Why        string
	Counts     []countTile
	Blockers   []scenarioRow
	Mandated   []scenarioRow
	Others     []scenarioRow
	Details    []scenarioView
	Env        []fact
	Signers    []signerView
	Seal       digestInfo
	Generated  string
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
}

type scenarioView struct {
	scenarioRow
	Reason string
	Facts  []fact
	Steps  []stepView
}

type stepView struct {
	No                                    int
	Kind, Name, Where, Verdict, Class     string
	Reason, Remedy, Duration, Real, Virtl string
	Checks                                []evidence.Check
	Exchanges                             []exchangeView
}

type exchangeView struct {
	Title, Meta, Request, Response, Error string
	Signature                             *evidence.SignatureCheck
	Notes                                 []string
	Open                                  bool
}

type signerView struct {
	Title                    string
	Name, Role, Organisation string
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
		CSS: htmlCSS, Run: run, Incomplete: run.Incomplete, GoLive: goLive(run),
		Verdict: goLiveWord(run), Why: goLiveReason(run), Counts: counts(run),
		Env: environment(run), Signers: signers(run.Meta.SignOff), Seal: seal,
	}
	if !gen.IsZero() {
		doc.Generated = fmtTime(gen)
	}
	anchors := newAnchors()
	for _, sc := range ordered(run) {
		row := rowOf(sc, anchors.next(sc.ID))
		if sc.Mandatory {
			doc.Mandated = append(doc.Mandated, row)
			if sc.Verdict != evidence.Passed {
				doc.Blockers = append(doc.Blockers, row)
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
	return scenarioRow{
		Anchor: anchor, ID: sc.ID, Title: sc.Title, MapsTo: sc.MapsTo, Mandatory: sc.Mandatory,
		Verdict: verdictWord(sc.Verdict), Class: verdictClass(sc.Verdict),
	}
}

func viewOf(sc *evidence.Scenario, row scenarioRow) scenarioView {
	v := scenarioView{scenarioRow: row, Reason: sc.Reason}
	v.Facts = nonEmpty([]fact{
		{"Gateway", sc.Gateway}, {"Family", sc.Family},
		{"Mandated", yesNo(sc.Mandatory)},
		{"Labels", strings.Join(sc.Labels, ", ")},
		{"Defined at", where(sc.File, sc.Line, 0)},
		{"Started (real clock)", fmtTime(sc.At.Real)},
		{"Started (virtual clock)", fmtTime(sc.At.Virtual)},
		{"Duration", fmtMS(sc.DurationMS)},
	})
	for i := range sc.Steps {
		v.Steps = append(v.Steps, stepViewOf(&sc.Steps[i]))
	}
	return v
}

func stepViewOf(st *evidence.Step) stepView {
	v := stepView{
		No: st.Index + 1, Kind: st.Kind, Name: st.Name, Where: where(st.File, st.Line, st.Col),
		Verdict: verdictWord(st.Verdict), Class: verdictClass(st.Verdict),
		Reason: st.Reason, Remedy: st.Remedy, Duration: fmtMS(st.DurationMS),
		Real: fmtTime(st.At.Real), Virtl: fmtTime(st.At.Virtual), Checks: st.Checks,
	}
	for i := range st.Exchanges {
		v.Exchanges = append(v.Exchanges, exchangeViewOf(&st.Exchanges[i], isProblem(st.Verdict)))
	}
	return v
}

// exchangeViewOf opens the transcripts of failing steps on screen; print
// CSS shows every transcript regardless.
func exchangeViewOf(ex *evidence.Exchange, open bool) exchangeView {
	v := exchangeView{
		Title:     exchangeTitle(ex),
		Meta:      fmt.Sprintf("%s · %s · real %s · virtual %s", ex.Kind, fmtMS(ex.DurationMS), fmtTime(ex.At.Real), fmtTime(ex.At.Virtual)),
		Request:   transcript(requestLine(&ex.Request), &ex.Request),
		Error:     ex.Error,
		Signature: ex.Signature,
		Notes:     ex.Notes,
		Open:      open || ex.Error != "" || (ex.Signature != nil && !ex.Signature.Valid),
	}
	if ex.Response != nil {
		v.Response = transcript(statusLine(ex.Response.Status), ex.Response)
	}
	return v
}

func exchangeTitle(ex *evidence.Exchange) string {
	t := strings.TrimSpace(ex.Label + " — " + requestLine(&ex.Request))
	switch {
	case ex.Response != nil:
		t += fmt.Sprintf(" → %d", ex.Response.Status)
	case ex.Error != "":
		t += " → no response"
	}
	return t
}

func environment(run *evidence.Run) []fact {
	m := run.Meta
	return nonEmpty([]fact{
		{"Merchant", m.Merchant}, {"Gateway", m.Gateway}, {"Product", m.Product},
		{"Mode", m.Environment}, {"Target (merchant base URL)", m.Target},
		{"Tool", strings.TrimSpace(m.Tool + " " + m.Version)},
		{"Configuration digest (secrets removed)", m.ConfigDigest},
		{"Scenario filter", m.Filter},
		{"Run by", m.RunBy}, {"Host", m.Host}, {"Run ID", run.ID}, {"Evidence schema", run.Schema},
		{"Started (real clock)", fmtTime(m.Started.Real)},
		{"Finished (real clock)", finished(run, m.Finished.Real)},
		{"Elapsed (real clock)", fmtDuration(span(m.Started.Real, m.Finished.Real))},
		{"Started (virtual clock)", fmtTime(m.Started.Virtual)},
		{"Finished (virtual clock)", finished(run, m.Finished.Virtual)},
		{"Elapsed (virtual clock)", fmtDuration(span(m.Started.Virtual, m.Finished.Virtual))},
	})
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

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

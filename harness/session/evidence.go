package session

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/reporters"
)

// Outcome is a finished run.
type Outcome struct {
	Run      *evidence.Run
	Files    []string
	ExitCode int
}

// Exit codes for CI.
const (
	ExitOK      = 0 // every mandatory scenario that ran PASSED
	ExitFailed  = 1 // a mandatory scenario did not pass
	ExitUsage   = 2 // usage or config error
	ExitHarness = 3 // uatrun itself failed
)

// Hooks are the caller's hooks (progress lines), called in catalogue
// order as each scenario's evidence is reported.
func (s *Session) Hooks() engine.Hooks { return s.o.Hooks }

// journalHooks journal every event as it happens, from the goroutine of
// the scenario it belongs to (the journal is safe for concurrent use), so
// a run killed part-way keeps every step that finished.
func (s *Session) journalHooks() engine.Hooks {
	return engine.Hooks{ScenarioStarted: s.ScenarioStarted, StepDone: s.StepDone, ScenarioDone: s.ScenarioDone}
}

// ScenarioStarted journals a scenario's start.
func (s *Session) ScenarioStarted(sc *scenario.Scenario) {
	if s.journal != nil {
		_ = s.journal.ScenarioStarted(engine.SkippedScenario(sc, ""))
	}
}

// StepDone journals a step as soon as it is done.
func (s *Session) StepDone(sc *scenario.Scenario, st evidence.Step) {
	if s.journal != nil {
		_ = s.journal.StepDone(sc.ID, st)
	}
}

// ScenarioDone records a finished scenario.
func (s *Session) ScenarioDone(ev evidence.Scenario) {
	s.mu.Lock()
	s.results[ev.ID] = ev
	s.mu.Unlock()
	if s.journal != nil {
		_ = s.journal.ScenarioDone(ev)
	}
}

// openJournal runs before any scenario: it refuses what the config asks
// that the person running uatrun did not allow (command actions, or
// command actions beside a signing key), reads the signing key into
// memory, and records the run's metadata and its planned scenarios.
func (s *Session) openJournal() error {
	cfg := s.o.Config
	if err := cfg.CheckRunner(config.CurrentRunner()); err != nil {
		return err
	}
	if _, err := s.signingKey(); err != nil {
		return err
	}
	s.meta = s.buildMeta()
	if s.o.OutDir == "" {
		return nil
	}
	if err := os.MkdirAll(s.o.OutDir, 0o755); err != nil {
		return err
	}
	j, err := evidence.CreateJournal(filepath.Join(s.o.OutDir, JournalFile))
	if err != nil {
		return err
	}
	s.journal = j
	return j.RunStarted(s.runID, s.meta, s.planned()...)
}

// planned is every scenario of the run's packs in order, each as it ends
// if it never starts: filtered out with the filter's reason, or not run.
func (s *Session) planned() []evidence.Scenario {
	out := make([]evidence.Scenario, 0, len(s.all))
	for _, sc := range s.all {
		why, filtered := s.sel.Skipped[sc.ID]
		if !filtered {
			why = "not run"
		}
		out = append(out, engine.SkippedScenario(sc, why))
	}
	return out
}

// signingKey is report.signing_key, read once (config.Load reads it
// before anything runs; a config built in code has it read here, when the
// session opens); nil when the config names none.
func (s *Session) signingKey() (ed25519.PrivateKey, error) {
	cfg := s.o.Config
	data, err := cfg.SigningKey()
	if err != nil || data == nil {
		if err != nil {
			err = fmt.Errorf("report.signing_key: %w", err)
		}
		return nil, err
	}
	return evidence.ParseSigningKey(cfg.Report.SigningKey, data)
}

// Finish assembles the run (filtered scenarios as SKIPPED with the
// reason), seals it, writes the reports and says how CI should exit.
func (s *Session) Finish() (*Outcome, error) { return s.finish(false) }

// FinishInterrupted is Finish for a run stopped before every selected
// scenario ran (Ctrl-C): the evidence is marked interrupted, the scenarios
// that did not run say so, and it never supports go-live.
func (s *Session) FinishInterrupted() (*Outcome, error) { return s.finish(true) }

func (s *Session) finish(interrupted bool) (*Outcome, error) {
	notRun := "not run"
	if interrupted {
		notRun = "not run: the run was interrupted"
	}
	run := &evidence.Run{Schema: evidence.Schema, ID: s.runID, Meta: s.meta, Interrupted: interrupted}
	run.Meta.Finished = stamp(s)
	s.mu.Lock()
	for _, sc := range s.all {
		if ev, ok := s.results[sc.ID]; ok {
			run.Scenarios = append(run.Scenarios, ev)
		} else if why, filtered := s.sel.Skipped[sc.ID]; filtered {
			run.Scenarios = append(run.Scenarios, engine.SkippedScenario(sc, why))
		} else {
			run.Scenarios = append(run.Scenarios, engine.SkippedScenario(sc, notRun))
		}
	}
	s.mu.Unlock()
	run.Summary = evidence.SummaryOf(run)
	out := &Outcome{Run: run, ExitCode: ExitCode(run)}
	if s.journal != nil {
		// The seal covers the journal's chain head, and so every record.
		end := s.journal.RunFinished
		if interrupted {
			end = s.journal.RunInterrupted
		}
		if end(run.Meta.Finished) == nil {
			head := s.journal.Head()
			run.Journal = &head
		}
	}
	if s.o.OutDir == "" {
		return out, nil
	}
	key, err := s.signingKey() // the copy read before the run: the file is not opened again
	if err != nil {
		return out, err
	}
	files, err := reporters.Write(s.o.OutDir, run, reporters.Options{Formats: s.o.Config.Report.Formats, Now: time.Now, SigningKey: key})
	out.Files = files
	return out, err
}

// ExitCode is 1 when any mandatory scenario that ran did not pass.
func ExitCode(run *evidence.Run) int {
	for _, sc := range run.Scenarios {
		if sc.Mandatory && sc.Verdict != evidence.Passed && !strings.HasPrefix(sc.Reason, evidence.FilteredPrefix) && !evidence.NotApplicable(sc) {
			return ExitFailed
		}
	}
	return ExitOK
}

func (s *Session) buildMeta() evidence.Meta {
	cfg := s.o.Config
	m := evidence.Meta{
		Tool: "uatrun", Version: s.o.Version, Merchant: cfg.Merchant.Name, Gateway: gatewayName(cfg),
		Product: productOf(gatewayName(cfg)), Environment: firstNonEmpty(s.o.Environment, "emulate"),
		Target: evidence.SafeURL(cfg.Merchant.BaseURL), ConfigDigest: cfg.Digest(), RunBy: runBy(s.o.RunBy),
		Filter: filterText(s.o.Filter), Order: s.o.Order, Started: stamp(s),
	}
	m.Host, _ = os.Hostname()
	m.MerchantVersion = config.CurrentRunner().MerchantVersion
	m.Commands = cfg.EvidenceCommands()
	for _, p := range s.o.Packs {
		m.Packs = append(m.Packs, evidence.Pack{Name: p.Name, Digest: p.Digest, Files: p.Files, Custom: !p.Builtin, Mandated: MandatedIDs(p)})
	}
	for _, sg := range cfg.Report.SignOff {
		m.SignOff = append(m.SignOff, evidence.Signer{Name: sg.Name, Role: sg.Role, Organisation: sg.Organisation})
	}
	return m
}

// MandatedIDs lists a built-in pack's mandatory scenarios, in pack order:
// what the evidence binds as the pack's mandated list. A custom pack
// mandates nothing.
func MandatedIDs(p *scenario.Pack) []string {
	if !p.Builtin {
		return nil
	}
	var ids []string
	for _, sc := range p.Scenarios {
		if sc.Mandatory {
			ids = append(ids, sc.ID)
		}
	}
	return ids
}

func stamp(s *Session) evidence.Stamp {
	return evidence.Stamp{Real: time.Now().UTC(), Virtual: s.clocks.Now().UTC()}
}

func gatewayName(cfg *config.Config) string {
	return firstNonEmpty(cfg.Gateway.Name, gateway.Default)
}

// secretsOf lists the config's secret values for the redactor: what the
// loader marked secret (including values from ${ENV}), plus the credential
// fields for configs built in code.
func secretsOf(cfg *config.Config) []string {
	return append(cfg.Secrets(), cfg.Gateway.ClientSecret, cfg.Gateway.ServerKey)
}

func runBy(given string) string {
	if given != "" {
		return given
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

func filterText(f engine.Filter) string {
	var parts []string
	if f.Labels != "" {
		parts = append(parts, "labels: "+f.Labels)
	}
	if f.Scenario != "" {
		parts = append(parts, "scenario: "+f.Scenario)
	}
	return strings.Join(parts, "; ")
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

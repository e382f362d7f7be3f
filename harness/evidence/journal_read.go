package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrEmptyJournal is returned by ReadJournal when the journal holds no
// run_started event: the run died before it recorded anything.
var ErrEmptyJournal = errors.New("evidence journal holds no run_started event")

// ErrChainBroken is returned by ReadJournal when a record does not carry
// the digest of the record before it: a record was edited, removed,
// inserted or reordered after it was written.
var ErrChainBroken = errors.New("the journal's hash chain is broken")

// ReadJournal rebuilds the Run a journal describes. A journal without a
// run_finished event (the run was killed) gives a run marked Incomplete
// whose unfinished scenarios are ERRORED with ReasonUnfinished; an
// incomplete run never claims go-live. A torn last line, as a kill in the
// middle of a write leaves, is ignored; a damaged line before it is an
// error naming the line. Every record must carry the SHA-256 of the one
// before it (ErrChainBroken otherwise); the rebuilt run records the chain's
// head in Run.Journal.
func ReadJournal(path string) (*Run, error) {
	data, err := ReadFileBounded(path, MaxEvidenceFile)
	if err != nil {
		return nil, fmt.Errorf("evidence journal: %w", err)
	}
	lines := journalLines(data)
	b := newRebuilder()
	head := JournalHead{}
	for i, line := range lines {
		var ev journalEvent
		if err := json.Unmarshal(line, &ev); err != nil {
			if i == len(lines)-1 {
				break // torn by the kill: the event never finished being written
			}
			return nil, fmt.Errorf("%s:%d: damaged journal line: %v", path, i+1, err)
		}
		if err := checkLink(ev, i, head.SHA256); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		if err := b.apply(ev); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		head = JournalHead{Records: head.Records + 1, SHA256: recordDigest(line)}
	}
	run, err := b.finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	run.Journal = &head
	return run, nil
}

// checkLink checks that record i follows the record whose digest is prev.
func checkLink(ev journalEvent, i int, prev string) error {
	switch {
	case i == 0 && ev.Chain != chainName:
		return fmt.Errorf("%w: the first record does not start a %s chain (a journal from an older uatrun, or not one at all)", ErrChainBroken, chainName)
	case i > 0 && ev.Chain != "":
		return fmt.Errorf("%w: a second chain starts here", ErrChainBroken)
	case ev.Prev != prev:
		return fmt.Errorf("%w: this record does not follow the one before it (a record was edited, removed, inserted or reordered)", ErrChainBroken)
	}
	return nil
}

// journalLines splits the file into lines, dropping blank ones and lines
// of NUL bytes (what some filesystems leave after a crash). Line numbers
// in errors therefore count non-blank lines, which is what a reader sees.
func journalLines(data []byte) [][]byte {
	var out [][]byte
	for _, line := range bytes.Split(data, []byte{'\n'}) {
		if len(bytes.Trim(line, " \t\r\x00")) == 0 {
			continue
		}
		out = append(out, line)
	}
	return out
}

// rebuilder folds journal events into a Run.
type rebuilder struct {
	run         *Run
	started     bool
	finished    bool
	interrupted bool
	planned     []Scenario
	latest      map[string]int // scenario id → index of its latest start
	ended       []bool         // per scenario: scenario_done seen
}

func newRebuilder() *rebuilder {
	return &rebuilder{run: &Run{Schema: Schema}, latest: map[string]int{}}
}

func (b *rebuilder) apply(ev journalEvent) error {
	if ev.Event != eventRunStarted && !b.started {
		return fmt.Errorf("%s before run_started", ev.Event)
	}
	switch ev.Event {
	case eventRunStarted:
		return b.runStarted(ev)
	case eventScenarioStarted:
		if ev.Scenario == nil {
			return errors.New("scenario_started without a scenario")
		}
		b.startScenario(*ev.Scenario)
	case eventStepDone:
		if ev.Step == nil {
			return errors.New("step_done without a step")
		}
		i := b.scenario(ev.ScenarioID)
		b.run.Scenarios[i].Steps = append(b.run.Scenarios[i].Steps, *ev.Step)
	case eventScenarioDone:
		if ev.Scenario == nil {
			return errors.New("scenario_done without a scenario")
		}
		b.endScenario(*ev.Scenario)
	case eventRunFinished:
		if b.finished {
			return errors.New("second run_finished in one journal")
		}
		if ev.Finished != nil {
			b.run.Meta.Finished = *ev.Finished
		}
		b.finished = true
		b.interrupted = ev.Interrupted
	default:
		return fmt.Errorf("unknown journal event %q", ev.Event)
	}
	return nil
}

func (b *rebuilder) runStarted(ev journalEvent) error {
	if b.started {
		return errors.New("second run_started in one journal")
	}
	b.started = true
	b.run.ID = ev.RunID
	if ev.Schema != "" {
		b.run.Schema = ev.Schema
	}
	if ev.Meta != nil {
		b.run.Meta = *ev.Meta
	}
	seen := map[string]bool{}
	for _, sc := range ev.Planned {
		if sc.ID == "" || seen[sc.ID] {
			return fmt.Errorf("run_started plans scenario %q twice or without an id", sc.ID)
		}
		seen[sc.ID] = true
	}
	b.planned = ev.Planned
	return nil
}

func (b *rebuilder) startScenario(sc Scenario) {
	sc.Steps = nil
	b.run.Scenarios = append(b.run.Scenarios, sc)
	b.ended = append(b.ended, false)
	b.latest[sc.ID] = len(b.run.Scenarios) - 1
}

// scenario finds the latest scenario with that id, starting a bare one
// when the journal never announced it, so that no step is dropped.
func (b *rebuilder) scenario(id string) int {
	if i, ok := b.latest[id]; ok {
		return i
	}
	b.startScenario(Scenario{ID: id})
	return b.latest[id]
}

// endScenario takes the final header from the done event and keeps the
// steps journaled since the start.
func (b *rebuilder) endScenario(done Scenario) {
	i := b.scenario(done.ID)
	done.Steps = b.run.Scenarios[i].Steps
	b.run.Scenarios[i] = done
	b.ended[i] = true
}

func (b *rebuilder) finish() (*Run, error) {
	if !b.started {
		return nil, ErrEmptyJournal
	}
	run := b.run
	// No run_finished: the run was killed. No planned list: nothing says
	// what should have run, so the scenarios shown cannot be the whole.
	run.Incomplete = !b.finished || len(b.planned) == 0
	run.Interrupted = b.interrupted
	for i := range run.Scenarios {
		if !b.ended[i] { // also after run_finished: a scenario with no end has no verdict
			run.Scenarios[i].Verdict = Errored
			run.Scenarios[i].Reason = ReasonUnfinished
		}
	}
	run.Scenarios = b.withPlanned(run.Scenarios)
	run.Summary = SummaryOf(run) // never go-live when incomplete or interrupted
	return run, nil
}

// ReasonNotRunInterrupted and ReasonNotRunKilled are the reasons given to
// planned scenarios a journal never shows starting.
const (
	ReasonNotRunInterrupted = "not run: the run was interrupted"
	ReasonNotRunKilled      = "not run: the run ended before this scenario started"
)

// withPlanned puts the scenarios that ran in the planned order and adds
// each planned scenario the journal never shows starting, as it was
// planned (SKIPPED, filtered out or not run). A planned scenario that was
// selected to run but never started says why it did not.
func (b *rebuilder) withPlanned(ran []Scenario) []Scenario {
	if len(b.planned) == 0 {
		return ran
	}
	byID := map[string]int{}
	for i, sc := range ran {
		byID[sc.ID] = i // the latest start wins, as in the rebuilt run
	}
	used := make([]bool, len(ran))
	out := make([]Scenario, 0, len(b.planned)+len(ran))
	for _, p := range b.planned {
		if i, ok := byID[p.ID]; ok {
			out = append(out, ran[i])
			used[i] = true
			continue
		}
		if !strings.HasPrefix(p.Reason, FilteredPrefix) && !strings.HasPrefix(p.Reason, NotApplicablePrefix) {
			p.Verdict = Skipped
			switch {
			case b.interrupted:
				p.Reason = ReasonNotRunInterrupted
			case !b.finished:
				p.Reason = ReasonNotRunKilled
			case p.Reason == "":
				p.Reason = "not run"
			}
		}
		out = append(out, p)
	}
	for i, sc := range ran { // started, but never planned: kept, never dropped
		if !used[i] {
			out = append(out, sc)
		}
	}
	return out
}

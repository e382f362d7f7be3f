package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Journal event names, one per line of the JSONL file.
const (
	eventRunStarted      = "run_started"
	eventScenarioStarted = "scenario_started"
	eventStepDone        = "step_done"
	eventScenarioDone    = "scenario_done"
	eventRunFinished     = "run_finished"
)

// ReasonUnfinished is the reason given to a scenario that a journal shows
// started but never finished.
const ReasonUnfinished = "run ended before this scenario finished"

// ErrJournalClosed is returned by writes after Close.
var ErrJournalClosed = errors.New("evidence journal is closed")

// journalEvent is one line of the journal. Only the fields of its event
// are set.
type journalEvent struct {
	Event      string    `json:"event"`
	Schema     string    `json:"schema,omitempty"`
	RunID      string    `json:"run_id,omitempty"`
	Meta       *Meta     `json:"meta,omitempty"`
	Scenario   *Scenario `json:"scenario,omitempty"`
	ScenarioID string    `json:"scenario_id,omitempty"`
	Step       *Step     `json:"step,omitempty"`
	Finished   *Stamp    `json:"finished,omitempty"`
	// Planned lists, on run_started, every scenario of the run's packs in
	// order as decided before the first started: SKIPPED with "not run"
	// or the filter's reason. Scenarios the journal never shows starting
	// are rebuilt from it, so a re-render lists what never ran.
	Planned []Scenario `json:"planned,omitempty"`
	// Interrupted is set on run_finished when the run was stopped (Ctrl-C,
	// SIGTERM) before every selected scenario ran.
	Interrupted bool `json:"interrupted,omitempty"`
	// Chain names the hash chain, on the first record only.
	Chain string `json:"chain,omitempty"`
	// Prev is the SHA-256 (hex) of the record before this one, as written
	// (without its newline); empty on the first record.
	Prev string `json:"prev,omitempty"`
}

// chainName marks a journal whose records are hash-chained.
const chainName = "sha256"

// recordDigest is the chain link for one record's bytes.
func recordDigest(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// Journal is the evidence written while a run goes: one JSON event per
// line, each handed to the operating system before the call returns, so a
// run killed with SIGKILL still leaves every finished step readable by
// ReadJournal. Each record carries the SHA-256 of the one before it, so
// Head pins every record written so far. It is safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	prev    string // digest of the last record written
	records int
}

// Head is the end of the hash chain: the number of records written and
// the digest of the last one.
func (j *Journal) Head() JournalHead {
	j.mu.Lock()
	defer j.mu.Unlock()
	return JournalHead{Records: j.records, SHA256: j.prev}
}

// CreateJournal creates (or truncates) the journal file at path, making
// its directory if needed.
func CreateJournal(path string) (*Journal, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("evidence journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("evidence journal: %w", err)
	}
	return &Journal{f: f, path: path}, nil
}

// Path is the journal's file path.
func (j *Journal) Path() string { return j.path }

// RunStarted records the run's id and metadata, and the scenarios it
// plans: every scenario of its packs, in order, each a header (no steps)
// with the verdict and reason it gets if it never starts (SKIPPED, "not
// run" or the filter's reason). A journal without the planned list is
// read back as incomplete: nothing in it says what should have run.
func (j *Journal) RunStarted(id string, meta Meta, planned ...Scenario) error {
	ps := make([]Scenario, len(planned))
	for i, sc := range planned {
		sc.Steps = nil
		ps[i] = sc
	}
	return j.write(journalEvent{Event: eventRunStarted, Schema: Schema, RunID: id, Meta: &meta, Chain: chainName, Planned: ps})
}

// ScenarioStarted records a scenario's header; its steps follow as
// StepDone events.
func (j *Journal) ScenarioStarted(sc Scenario) error {
	sc.Steps = nil
	return j.write(journalEvent{Event: eventScenarioStarted, Scenario: &sc})
}

// StepDone records one finished step of the scenario with that id.
func (j *Journal) StepDone(scenarioID string, st Step) error {
	return j.write(journalEvent{Event: eventStepDone, ScenarioID: scenarioID, Step: &st})
}

// ScenarioDone records a scenario's final verdict, reason and duration.
// Its steps are not written again: they were journaled by StepDone.
func (j *Journal) ScenarioDone(sc Scenario) error {
	sc.Steps = nil
	return j.write(journalEvent{Event: eventScenarioDone, Scenario: &sc})
}

// RunFinished records the end of the run; a journal without it is read
// back as an incomplete run. The file is synced to disk here.
func (j *Journal) RunFinished(finished Stamp) error { return j.runFinished(finished, false) }

// RunInterrupted records the end of a run stopped (Ctrl-C, SIGTERM)
// before every selected scenario ran: the journal is then read back as
// an interrupted run, which never supports go-live.
func (j *Journal) RunInterrupted(finished Stamp) error { return j.runFinished(finished, true) }

func (j *Journal) runFinished(finished Stamp, interrupted bool) error {
	if err := j.write(journalEvent{Event: eventRunFinished, Finished: &finished, Interrupted: interrupted}); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return ErrJournalClosed
	}
	return j.f.Sync()
}

// Close syncs and closes the file. Closing twice is harmless.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	serr := j.f.Sync()
	cerr := j.f.Close()
	j.f = nil
	return errors.Join(serr, cerr)
}

// write encodes ev as one line, linked to the record before it, and hands
// it to the OS in a single write: no user-space buffer exists that a
// SIGKILL could lose, and a line is never interleaved with another
// goroutine's. The lock covers encoding too, so the chain follows the
// order records reach the file.
func (j *Journal) write(ev journalEvent) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return ErrJournalClosed
	}
	ev.Prev = j.prev
	line, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("evidence journal: %s: %w", ev.Event, err)
	}
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("evidence journal: %w", err)
	}
	j.prev = recordDigest(line)
	j.records++
	return nil
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
)

// writeJSON prints v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// freshOut refuses to write a run over the evidence of another one: a
// directory holding evidence.json or journal.jsonl is replaced only with
// --force.
func freshOut(dir string) error {
	if global.force {
		return nil
	}
	for _, name := range []string{"evidence.json", session.JournalFile} {
		_, err := os.Stat(filepath.Join(dir, name))
		if err == nil {
			return usageErr(fmt.Errorf("%s already holds a run (%s); nothing was run. Write this one elsewhere with --out DIR, or replace it with --force", dir, name))
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return usageErr(err)
		}
	}
	return nil
}

// needConfig turns a missing config file into advice.
func needConfig(path string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s not found: write a commented one with 'uatrun init' (or 'uatrun init --gateway midtrans-snap'), or pass --config FILE", path)
	}
	return nil
}

// runAndFinish runs the session's scenarios and writes the evidence. A
// Ctrl-C (or SIGTERM) stops the run after the scenario in progress: the
// evidence is marked INTERRUPTED, the summary says so, and the exit code
// is 130.
func runAndFinish(s *session.Session, p *printer, failFast bool, ord orderFlags) error {
	var stopped atomic.Bool
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			stopped.Store(true)
		case <-done:
		}
	}()
	runSuite(s, failFast, ord) // Ginkgo stops the suite on the same signal
	close(done)
	signal.Stop(sigs)
	// A signal delivered but not yet read is still an interruption.
	select {
	case <-sigs:
		stopped.Store(true)
	default:
	}

	finish := s.Finish
	if stopped.Load() {
		finish = s.FinishInterrupted
	}
	out, err := finish()
	if err != nil {
		return harnessErr(err)
	}
	if p.json {
		if err := writeJSON(p.w, summaryOf(out)); err != nil {
			return harnessErr(err)
		}
	} else {
		p.summary(out.Run, out.Files)
		if out.Run.Interrupted {
			fmt.Fprintln(p.w, "INTERRUPTED: the run was stopped before every scenario ran; the evidence says so and cannot support go-live")
		}
	}
	switch {
	case out.Run.Interrupted:
		return &exitError{exitInterrupted, nil}
	case out.ExitCode != exitOK:
		return &exitError{out.ExitCode, nil}
	}
	return nil
}

// runSummaryJSON is the --json summary of run and demo.
type runSummaryJSON struct {
	RunID       string                `json:"run_id"`
	Gateway     string                `json:"gateway"`
	GoLive      bool                  `json:"go_live"`
	Interrupted bool                  `json:"interrupted"`
	ExitCode    int                   `json:"exit_code"`
	Summary     evidence.Summary      `json:"summary"`
	Scenarios   []scenarioSummaryJSON `json:"scenarios"`
	Files       []string              `json:"files"`
}

type scenarioSummaryJSON struct {
	ID        string           `json:"id"`
	Mandatory bool             `json:"mandatory"`
	Verdict   evidence.Verdict `json:"verdict"`
	Reason    string           `json:"reason,omitempty"`
	Fix       string           `json:"fix,omitempty"`
}

func summaryOf(out *session.Outcome) runSummaryJSON {
	r := out.Run
	j := runSummaryJSON{RunID: r.ID, Gateway: r.Meta.Gateway, GoLive: r.Summary.GoLive && !r.Interrupted && !r.Incomplete,
		Interrupted: r.Interrupted, ExitCode: out.ExitCode, Summary: r.Summary, Files: out.Files}
	if r.Interrupted {
		j.ExitCode = exitInterrupted
	}
	for _, sc := range r.Scenarios {
		j.Scenarios = append(j.Scenarios, scenarioSummaryJSON{ID: sc.ID, Mandatory: sc.Mandatory, Verdict: sc.Verdict, Reason: sc.Reason, Fix: sc.Fix()})
	}
	if j.Files == nil {
		j.Files = []string{}
	}
	return j
}

package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/reporters"
)

func newReportCmd() *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "report DIR",
		Short: "Re-render the reports from a run's journal (also after a killed run)",
		Long: `report reads DIR/journal.jsonl, which a run writes step by step, checks its
hash chain, and renders every report again, marked RE-RENDERED. A run that was
killed before it finished is rendered and marked INCOMPLETE.

A journal whose chain is broken (a record edited, removed or reordered) is
refused. When DIR holds a sealed evidence.json, the journal must be the one it
sealed. The evidence a run sealed is never overwritten, not even with
--force: render elsewhere with --out (--force replaces only an earlier
re-render). A journal of a run that was stopped is rendered INTERRUPTED, one
that ends early (killed, or cut short) INCOMPLETE, with every scenario the run
planned and did not run listed as such; neither is ever GO.`,
		Example: `  uatrun report uat-evidence --out /tmp/rerendered
  uatrun report uat-evidence        # after a killed run (no evidence.json yet)`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.OutOrStdout(), args[0], firstNonEmpty(out, args[0]), force)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write the reports here (default: DIR)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an earlier re-render in the output directory (never the evidence a run sealed)")
	return cmd
}

func runReport(w io.Writer, dir, out string, force bool) error {
	run, err := evidence.ReadJournal(filepath.Join(dir, session.JournalFile))
	if errors.Is(err, evidence.ErrChainBroken) {
		return &exitError{exitFailed, fmt.Errorf("%v; refusing to render it", err)}
	}
	if err != nil {
		return usageErr(err)
	}
	sealed, err := checkAgainstSealed(dir, run)
	if err != nil {
		return &exitError{exitFailed, err}
	}
	if err := replaceable(out, force); err != nil {
		return usageErr(err)
	}
	run.Rerendered = &evidence.Rerendered{At: time.Now().UTC(), From: session.JournalFile, Version: Version(), Sealed: sealed}
	run.Summary = evidence.SummaryOf(run)
	files, err := reporters.Write(out, run, reporters.Options{})
	if err != nil {
		return harnessErr(err)
	}
	state := "complete"
	switch {
	case run.Interrupted:
		state = "INTERRUPTED (the run was stopped before every scenario ran)"
	case run.Incomplete:
		state = "INCOMPLETE (the run did not finish, or the journal does not show all it planned)"
	}
	fmt.Fprintf(w, "run %s: %s; RE-RENDERED from %s (hash chain intact, %d records)\n", run.ID, state, session.JournalFile, run.Journal.Records)
	if sealed == "" {
		fmt.Fprintln(w, "  no sealed evidence.json to compare the journal with")
	}
	for _, f := range files {
		fmt.Fprintln(w, "  "+f)
	}
	return nil
}

// checkAgainstSealed compares the journal with the evidence.json sealed
// at the end of the run, when there is one: a journal rewritten with a
// fresh chain is caught here. It returns what the journal matched.
func checkAgainstSealed(dir string, run *evidence.Run) (string, error) {
	data, err := evidence.ReadFileBounded(filepath.Join(dir, "evidence.json"), evidence.MaxEvidenceFile)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	res, err := evidence.Verify(data)
	if err != nil || !res.Intact {
		return "", fmt.Errorf("%s/evidence.json is not intact (%s); refusing to render the journal beside it", dir, res.Reason)
	}
	head := res.Run.Journal
	if head == nil || run.Journal == nil || *head != *run.Journal {
		return "", fmt.Errorf("%s is not the journal %s/evidence.json sealed (its hash chain ends elsewhere): it was changed after the run; the sealed evidence.json stands", session.JournalFile, dir)
	}
	return "the evidence.json sealed at the end of the run", nil
}

// replaceable refuses to write over the evidence in out: the evidence.json
// a run sealed is never replaced (an interrupted run's sealed INTERRUPTED
// file stays what it is); an earlier re-render is, with force.
func replaceable(out string, force bool) error {
	path := filepath.Join(out, "evidence.json")
	_, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	data, err := evidence.ReadFileBounded(path, evidence.MaxEvidenceFile)
	if err != nil {
		return fmt.Errorf("%s holds an evidence.json that cannot be read (%v); render elsewhere with --out DIR", out, err)
	}
	res, _ := evidence.Verify(data)
	switch {
	case res.Run == nil:
		return fmt.Errorf("%s holds an evidence.json that is not uatrun evidence (%s); render elsewhere with --out DIR", out, res.Reason)
	case res.Run.Rerendered == nil:
		return fmt.Errorf("%s holds the evidence.json its run sealed, which report never replaces; render elsewhere with --out DIR", out)
	case !force:
		return fmt.Errorf("%s already holds a re-rendered evidence.json; render elsewhere with --out DIR, or replace that re-render with --force", out)
	case !res.Intact:
		return fmt.Errorf("%s holds an evidence.json that is not intact (%s); render elsewhere with --out DIR", out, res.Reason)
	}
	return nil
}

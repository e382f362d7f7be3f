package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/reporters"
)

func newReportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "report DIR",
		Short: "Re-render the reports from a run's journal (also after a killed run)",
		Long: `report reads DIR/journal.jsonl, which a run writes step by step, and renders
every report again. A run that was killed before it finished is rendered and
marked INCOMPLETE.`,
		Example: `  uatrun report uat-evidence
  uatrun report uat-evidence --out /tmp/rerendered`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.OutOrStdout(), args[0], firstNonEmpty(out, args[0]))
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write the reports here (default: DIR)")
	return cmd
}

func runReport(w io.Writer, dir, out string) error {
	run, err := evidence.ReadJournal(filepath.Join(dir, session.JournalFile))
	if err != nil {
		return usageErr(err)
	}
	run.Summary = evidence.Summarise(run.Scenarios)
	files, err := reporters.Write(out, run, reporters.Options{})
	if err != nil {
		return harnessErr(err)
	}
	state := "complete"
	if run.Incomplete {
		state = "INCOMPLETE (the run did not finish)"
	}
	fmt.Fprintf(w, "run %s: %s\n", run.ID, state)
	for _, f := range files {
		fmt.Fprintln(w, "  "+f)
	}
	return nil
}

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
)

func newValidateCmd() *cobra.Command {
	var cfgPath, dir string
	cmd := &cobra.Command{
		Use:   "validate [--config FILE] [--scenarios DIR]",
		Short: "Check a config and scenario files; print every problem with file:line:col",
		Long: `validate loads the config (keys included) and every scenario pack it runs,
plus any --scenarios directory, and prints every problem at once with its
file:line:col and the fix. It lists every program the config runs (its command
actions, with the environment variables each receives) and the config's digest,
which --allow-config takes to let exactly this reviewed config run them.
Nothing is started. Exit 0 when all is valid, 2 otherwise.`,
		Example: `  uatrun validate --config uatrun.yaml
  uatrun validate --config uatrun.yaml --scenarios my-scenarios/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runValidate(cmd.OutOrStdout(), cfgPath, dir)
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "uatrun.yaml", "config file")
	cmd.Flags().StringVar(&dir, "scenarios", "", "also validate the scenario files in this directory")
	return cmd
}

// validateJSON is validate's --json output.
type validateJSON struct {
	Config    string   `json:"config"`
	Valid     bool     `json:"valid"`
	Error     string   `json:"error,omitempty"`
	Gateway   string   `json:"gateway,omitempty"`
	Packs     []string `json:"packs,omitempty"`
	Scenarios int      `json:"scenarios"`
	// ConfigDigest is the digest the evidence records and --allow-config
	// takes.
	ConfigDigest string `json:"config_digest,omitempty"`
	// Commands lists every program the config runs; they run only with
	// --allow-commands or --allow-config.
	Commands []evidence.Command `json:"commands"`
}

func runValidate(w io.Writer, cfgPath, dir string) error {
	cfg, packs, err := loadAll(cfgPath, dir)
	n := 0
	for _, p := range packs {
		n += len(p.Scenarios)
	}
	if global.json {
		out := validateJSON{Config: cfgPath, Valid: err == nil, Scenarios: n, Commands: []evidence.Command{}}
		if err != nil {
			out.Error = err.Error()
		} else {
			out.Gateway = cfg.Gateway.Name
			out.ConfigDigest = cfg.Digest()
			if cmds := cfg.EvidenceCommands(); cmds != nil {
				out.Commands = cmds
			}
			for _, p := range packs {
				out.Packs = append(out.Packs, p.Name)
			}
		}
		if werr := writeJSON(w, out); werr != nil {
			return harnessErr(werr)
		}
		if err != nil {
			return &exitError{exitUsage, nil}
		}
		return nil
	}
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(w, "%s is valid: gateway %s, %d scenarios in %d pack(s)\n", cfgPath, cfg.Gateway.Name, n, len(packs))
	fmt.Fprintf(w, "  config sha256:%s\n", cfg.Digest())
	printCommands(w, cfg.EvidenceCommands(), cfg.Digest())
	printMissing(w, session.MissingActions(cfg, packs))
	return nil
}

// printMissing says which merchant actions the packs call that the config
// does not define, and what that makes of the steps that call them.
func printMissing(w io.Writer, missing []session.MissingAction) {
	if len(missing) == 0 {
		fmt.Fprintln(w, "  defines every merchant action the scenarios call")
		return
	}
	fmt.Fprintln(w, "  merchant actions the scenarios call that merchant.actions does not define:")
	for _, m := range missing {
		fmt.Fprintf(w, "    %s: its steps will be %s (%s)\n", m.Name, m.Outcome, strings.Join(m.Scenarios, ", "))
	}
}

// printCommands says which programs a config runs, so whoever runs it
// knows before anything starts.
func printCommands(w io.Writer, cmds []evidence.Command, digest string) {
	if len(cmds) == 0 {
		fmt.Fprintln(w, "  runs no programs (every merchant action is an HTTP request)")
		return
	}
	fmt.Fprintf(w, "  runs %d program(s), as you, when you allow it (--allow-commands, or --allow-config sha256:%s):\n", len(cmds), digest)
	for _, c := range cmds {
		env := "PATH only"
		if len(c.Env) > 0 {
			env = "PATH, " + strings.Join(c.Env, ", ")
		}
		fmt.Fprintf(w, "    %s: %s  (action %s; environment: %s)\n", c.At, c.Program, c.Action, env)
	}
}

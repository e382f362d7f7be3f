package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func newValidateCmd() *cobra.Command {
	var cfgPath, dir string
	cmd := &cobra.Command{
		Use:   "validate [--config FILE] [--scenarios DIR]",
		Short: "Check a config and scenario files; print every problem with file:line:col",
		Long: `validate loads the config (keys included) and every scenario pack it runs,
plus any --scenarios directory, and prints every problem at once with its
file:line:col and the fix. Nothing is started. Exit 0 when all is valid, 2 otherwise.`,
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
}

func runValidate(w io.Writer, cfgPath, dir string) error {
	cfg, packs, err := loadAll(cfgPath, dir)
	n := 0
	for _, p := range packs {
		n += len(p.Scenarios)
	}
	if global.json {
		out := validateJSON{Config: cfgPath, Valid: err == nil, Scenarios: n}
		if err != nil {
			out.Error = err.Error()
		} else {
			out.Gateway = cfg.Gateway.Name
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
	return nil
}

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

func runValidate(w io.Writer, cfgPath, dir string) error {
	cfg, packs, err := loadAll(cfgPath, dir)
	if err != nil {
		return usageErr(err)
	}
	n := 0
	for _, p := range packs {
		n += len(p.Scenarios)
	}
	fmt.Fprintf(w, "%s is valid: gateway %s, %d scenarios in %d pack(s)\n", cfgPath, cfg.Gateway.Name, n, len(packs))
	return nil
}

package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/config"
)

func newInitCmd() *cobra.Command {
	var out, gateway string
	cmd := &cobra.Command{
		Use:   "init [--gateway G] [--out FILE]",
		Short: "Write a commented starter config for a gateway",
		Long: `init writes a complete, commented starter config for one gateway: every
setting that gateway reads, with the actions of a typical shop for you to adapt
to your own app. It needs no file from uatrun's repository and never overwrites
an existing file.`,
		Example: `  uatrun init
  uatrun init --gateway midtrans-snap -o uatrun.yaml
  uatrun keys --out keys
  uatrun validate --config uatrun.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInit(cmd.OutOrStdout(), out, gateway) },
	}
	cmd.Flags().StringVarP(&out, "out", "o", "uatrun.yaml", "file to write")
	cmd.Flags().StringVar(&gateway, "gateway", "dana-gapura", "gateway: "+strings.Join(config.StarterGateways(), ", "))
	return cmd
}

func runInit(w io.Writer, path, gateway string) error {
	tmpl, err := config.StarterFor(gateway)
	if err != nil {
		return usageErr(err)
	}
	if _, err := os.Stat(path); err == nil {
		return usageErr(fmt.Errorf("%s already exists; pick another name with --out", path))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return usageErr(err)
	}
	if err := os.WriteFile(path, tmpl, 0o644); err != nil {
		return usageErr(err)
	}
	if global.quiet {
		return nil
	}
	fmt.Fprintf(w, "wrote %s (%s)\nnext: uatrun keys --out keys && uatrun validate --config %s\n", path, firstNonEmpty(gateway, "dana-gapura"), path)
	return nil
}

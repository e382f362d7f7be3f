package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/config"
)

func newInitCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "init [--out FILE]",
		Short: "Write a commented starter config",
		Long: `init writes a commented starter config (the same as config.example.yaml) that
drives the bundled example shop; edit its merchant section for your own app.
It never overwrites an existing file.`,
		Example: `  uatrun init
  uatrun keys --out keys
  uatrun validate --config uatrun.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInit(cmd.OutOrStdout(), out) },
	}
	cmd.Flags().StringVarP(&out, "out", "o", "uatrun.yaml", "file to write")
	return cmd
}

func runInit(w io.Writer, path string) error {
	if _, err := os.Stat(path); err == nil {
		return usageErr(fmt.Errorf("%s already exists; pick another name with --out", path))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return usageErr(err)
	}
	if err := os.WriteFile(path, config.Starter, 0o644); err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(w, "wrote %s\nnext: uatrun keys --out keys && uatrun validate --config %s\n", path, path)
	return nil
}

package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/config"
	gw "github.com/uatrun/uatrun/harness/gateway"
)

func newInitCmd() *cobra.Command {
	var out, name string
	cmd := &cobra.Command{
		Use:   "init [--gateway G] [--out FILE]",
		Short: "Write a commented starter config for a gateway",
		Long: `init writes a complete, commented starter config for one gateway: every
setting that gateway reads, with the actions of a typical shop for you to adapt
to your own app. It needs no file from uatrun's repository and never overwrites
an existing file.`,
		Example: `  uatrun init
  uatrun init --gateway gopay-miniapp -o uatrun.yaml
  uatrun keys --gateway gopay-miniapp --out keys
  uatrun validate --config uatrun.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInit(cmd.OutOrStdout(), out, name) },
	}
	cmd.Flags().StringVarP(&out, "out", "o", "uatrun.yaml", "file to write")
	addGatewayFlag(cmd, &name, gw.Default, "gateway the config is for")
	return cmd
}

func runInit(w io.Writer, path, name string) error {
	d, err := lookupGateway(name)
	if err != nil {
		return err
	}
	tmpl, err := config.StarterFor(d.ID)
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
	fmt.Fprintf(w, "wrote %s (%s, %s)\nnext: %s\n", path, d.ID, d.Name, nextSteps(d, path))
	return nil
}

// nextSteps is what to run after init: the key pairs only for a gateway
// that signs with RSA.
func nextSteps(d gw.Descriptor, path string) string {
	validate := "uatrun validate --config " + path
	if !d.Keys.UsesRSA() {
		return validate + "  (" + d.Name + " needs no RSA keys)"
	}
	keys := "uatrun keys --out keys"
	if d.ID != gw.Default {
		keys = "uatrun keys --gateway " + d.ID + " --out keys"
	}
	return keys + " && " + validate
}

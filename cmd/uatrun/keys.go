package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/keys"
)

func newKeysCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keys --out DIR",
		Short: "Generate RSA-2048 key pairs for the merchant and gateway roles",
		Long: `keys writes merchant.pem / merchant.pub.pem and gateway.pem / gateway.pub.pem
(PKCS#8 private keys with mode 0600, PKIX public keys) and says where each goes.
It never overwrites an existing file.`,
		Example: `  uatrun keys --out keys`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runKeys(cmd.OutOrStdout(), out) },
	}
	cmd.Flags().StringVar(&out, "out", "keys", "directory to write the keys into")
	return cmd
}

func runKeys(w io.Writer, dir string) error {
	files, err := keys.Generate(dir)
	if err != nil {
		return usageErr(err)
	}
	for _, f := range files {
		fmt.Fprintf(w, "%-28s %s\n", f.Path, f.Purpose)
	}
	return nil
}

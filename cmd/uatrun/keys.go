package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/keys"
)

func newKeysCmd() *cobra.Command {
	var out string
	var evidenceKey bool
	cmd := &cobra.Command{
		Use:   "keys [--evidence] --out DIR",
		Short: "Generate the RSA key pairs for the merchant and gateway roles, or the evidence signing key",
		Long: `keys writes merchant.pem / merchant.pub.pem and gateway.pem / gateway.pub.pem
(PKCS#8 private keys with mode 0600, PKIX public keys) and says where each goes.

--evidence writes the Ed25519 evidence signing pair instead:
evidence-signing.pem (report.signing_key) and evidence-signing.pub.pem (what a
reviewer pins with 'uatrun verify --key'). Whoever holds the private half vouches
for the runs it signs: see docs/evidence.md.

It never overwrites an existing file.`,
		Example: `  uatrun keys --out keys
  uatrun keys --evidence --out keys`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runKeys(cmd.OutOrStdout(), out, evidenceKey) },
	}
	cmd.Flags().StringVarP(&out, "out", "o", "keys", "directory to write the keys into")
	cmd.Flags().BoolVar(&evidenceKey, "evidence", false, "write the Ed25519 evidence signing pair instead of the RSA pairs")
	return cmd
}

func runKeys(w io.Writer, dir string, evidenceKey bool) error {
	gen := keys.Generate
	if evidenceKey {
		gen = keys.GenerateEvidence
	}
	files, err := gen(dir)
	if err != nil {
		return usageErr(err)
	}
	if global.quiet {
		return nil
	}
	for _, f := range files {
		fmt.Fprintf(w, "%-32s %s\n", f.Path, f.Purpose)
	}
	return nil
}

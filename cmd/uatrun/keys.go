package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/keys"
)

func newKeysCmd() *cobra.Command {
	var out, gw string
	var evidenceKey bool
	cmd := &cobra.Command{
		Use:   "keys [--gateway G] [--evidence] --out DIR",
		Short: "Generate the RSA key pairs for the merchant and gateway roles, or the evidence signing key",
		Long: `keys writes merchant.pem / merchant.pub.pem and gateway.pem / gateway.pub.pem
(PKCS#8 private keys with mode 0600, PKIX public keys) and says, in the
gateway's own words (--gateway), where each goes. Gateways that sign nothing
with RSA (midtrans-snap, astapa, purwantara) need no pairs: keys says what
they use instead and writes nothing (exit 2).

--evidence writes the Ed25519 evidence signing pair instead, for any gateway:
evidence-signing.pem (report.signing_key) and evidence-signing.pub.pem (what a
reviewer pins with 'uatrun verify --key'). Whoever holds the private half vouches
for the runs it signs: see docs/evidence.md.

It never overwrites an existing file.`,
		Example: `  uatrun keys --out keys
  uatrun keys --gateway gopay-miniapp --out keys
  uatrun keys --evidence --out keys`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runKeys(cmd.OutOrStdout(), out, gw, evidenceKey) },
	}
	cmd.Flags().StringVarP(&out, "out", "o", "keys", "directory to write the keys into")
	cmd.Flags().BoolVar(&evidenceKey, "evidence", false, "write the Ed25519 evidence signing pair instead of the RSA pairs")
	addGatewayFlag(cmd, &gw, gateway.Default, "gateway the RSA pairs are for")
	return cmd
}

func runKeys(w io.Writer, dir, gw string, evidenceKey bool) error {
	d, err := lookupGateway(gw)
	if err != nil {
		return err
	}
	gen := keys.Generate
	if evidenceKey {
		gen = keys.GenerateEvidence
	} else if !d.Keys.UsesRSA() {
		return usageErr(fmt.Errorf("%s needs no RSA key pairs: %s; nothing was written (uatrun keys --evidence writes the evidence signing key)", d.ID, d.Keys.None))
	}
	files, err := gen(dir)
	if err != nil {
		return usageErr(err)
	}
	if global.quiet {
		return nil
	}
	for _, f := range files {
		fmt.Fprintf(w, "%-32s %s\n", f.Path, keyPurpose(d, f))
	}
	return nil
}

// keyPurpose says where an RSA key file goes in the gateway's own words;
// the evidence pair says the same for every gateway.
func keyPurpose(d gateway.Descriptor, f keys.File) string {
	words := map[string]string{
		"merchant.pem": d.Keys.MerchantKey, "merchant.pub.pem": d.Keys.MerchantPublicKey,
		"gateway.pem": d.Keys.GatewayKey, "gateway.pub.pem": d.Keys.GatewayPublicKey,
	}
	if s := words[filepath.Base(f.Path)]; s != "" {
		return s
	}
	return f.Purpose
}

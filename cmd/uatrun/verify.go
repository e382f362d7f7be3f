package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/evidence"
)

func newVerifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify evidence.json",
		Short: "Check offline that an evidence file is intact (and who signed it)",
		Long: `verify recomputes the SHA-256 digest of an evidence.json and checks the
optional Ed25519 signature. Exit 0 when intact, 1 when the evidence was changed.`,
		Example: `  uatrun verify uat-evidence/evidence.json`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd.OutOrStdout(), args[0])
		},
	}
}

func runVerify(w io.Writer, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usageErr(err)
	}
	res, err := evidence.Verify(data)
	if err != nil && res.Reason == "" {
		res.Reason = err.Error()
	}
	if !res.Intact {
		fmt.Fprintf(w, "%s: NOT INTACT: %s\n", path, res.Reason)
		return &exitError{exitFailed, nil}
	}
	fmt.Fprintf(w, "%s: intact\n  sha256 %s\n", path, res.SHA256)
	if res.Signed {
		fmt.Fprintf(w, "  signed with Ed25519 key %s (signature valid: %v)\n", res.PublicKey, res.SignatureValid)
	}
	if res.Run != nil {
		fmt.Fprintf(w, "  run %s: %s, %d scenarios, go-live %v\n", res.Run.ID, res.Run.Meta.Merchant, res.Run.Summary.Total, res.Run.Summary.GoLive)
	}
	return nil
}

package main

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/evidence"
)

func newVerifyCmd() *cobra.Command {
	var keyPath string
	cmd := &cobra.Command{
		Use:   "verify [--key SIGNER.pub.pem] evidence.json",
		Short: "Check offline that an evidence file is intact, and who sealed it",
		Long: `verify recomputes the SHA-256 digest of an evidence.json, checks the optional
Ed25519 signature, and recomputes the summary and go-live decision from the
scenarios it seals. It says exactly what that proves.

Without --key, anyone holding the file can change it and seal it again (the
digest needs no key, and a signature's public key travels in the file).
--key pins the signer: the evidence is intact only when it is signed by that
key, so a document signed by a reviewer's key the merchant does not hold
verifies, and one re-sealed by anyone else does not.

Exit 0 when intact, 1 when not.`,
		Example: `  uatrun verify uat-evidence/evidence.json
  uatrun verify --key reviewer.pub.pem uat-evidence/evidence.json
  uatrun verify --json uat-evidence/evidence.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if isDir(args[0]) { // a folder of runs: verify_dir.go
				return runVerifyDir(cmd.OutOrStdout(), args[0], keyPath, globals(cmd).json)
			}
			return runVerify(cmd.OutOrStdout(), args[0], keyPath, globals(cmd).json)
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "the signer's Ed25519 public key (PEM, or the base64 key verify prints); required signer")
	return cmd
}

// verifyJSON is verify's --json output.
type verifyJSON struct {
	File      string    `json:"file"`
	Intact    bool      `json:"intact"`
	Reason    string    `json:"reason,omitempty"`
	Statement string    `json:"statement"`
	SHA256    string    `json:"sha256,omitempty"`
	Signed    bool      `json:"signed"`
	KeyID     string    `json:"key_id,omitempty"`
	PublicKey string    `json:"public_key,omitempty"`
	Pinned    bool      `json:"pinned"`
	SealedAt  time.Time `json:"sealed_at,omitzero"`
	RunID     string    `json:"run_id,omitempty"`
	Merchant  string    `json:"merchant,omitempty"`
	Scenarios int       `json:"scenarios"`
	GoLive    bool      `json:"go_live"`
	Rerender  bool      `json:"rerendered"`
	// Incomplete is set for a run that was interrupted or did not finish:
	// intact or not, it supports no go-live decision, and verify exits 1.
	Incomplete bool `json:"incomplete,omitempty"`
}

func runVerify(w io.Writer, path, keyPath string, asJSON bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usageErr(err)
	}
	var o evidence.VerifyOptions
	if keyPath != "" {
		pub, err := evidence.LoadPublicKey(keyPath)
		if err != nil {
			return usageErr(err)
		}
		o.Key = ed25519.PublicKey(pub)
	}
	res, err := evidence.VerifyWith(data, o)
	if err != nil && res.Reason == "" {
		res.Reason = err.Error()
	}
	if asJSON {
		out := verifyJSON{File: path, Intact: res.Intact, Statement: res.Statement(), SHA256: res.SHA256,
			Signed: res.Signed, KeyID: res.KeyID, PublicKey: res.PublicKey, Pinned: res.Pinned, SealedAt: res.SealedAt}
		if !res.Intact {
			out.Reason = res.Reason
		}
		if r := res.Run; r != nil {
			out.RunID, out.Merchant, out.Scenarios, out.GoLive, out.Rerender = r.ID, r.Meta.Merchant, r.Summary.Total, res.Intact && r.Summary.GoLive, r.Rerendered != nil
			out.Incomplete = incomplete(r)
		}
		if err := writeJSON(w, out); err != nil {
			return harnessErr(err)
		}
	} else if !res.Intact {
		fmt.Fprintf(w, "%s: NOT INTACT: %s\n", path, res.Reason)
	} else {
		fmt.Fprintf(w, "%s: intact — %s\n  sha256 %s\n", path, res.Statement(), res.SHA256)
		if res.Signed {
			fmt.Fprintf(w, "  signed by %s (public key %s)\n", res.KeyID, res.PublicKey)
		}
		if r := res.Run; r != nil {
			fmt.Fprintf(w, "  run %s: %s, %d scenarios, go-live %v (recomputed from the scenarios)\n", r.ID, r.Meta.Merchant, r.Summary.Total, r.Summary.GoLive)
			if r.Rerendered != nil {
				fmt.Fprintf(w, "  RE-RENDERED from %s after the run, at %s\n", r.Rerendered.From, r.Rerendered.At.Format(time.RFC3339))
			}
			if incomplete(r) {
				fmt.Fprintln(w, "  INCOMPLETE: the run was interrupted or did not finish; it supports no go-live decision")
			}
		}
	}
	if !res.Intact || (res.Run != nil && incomplete(res.Run)) {
		return &exitError{exitFailed, nil}
	}
	return nil
}

// incomplete reports a run that stopped before every selected scenario ran.
func incomplete(r *evidence.Run) bool { return r.Incomplete || r.Interrupted }

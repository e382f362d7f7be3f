package main

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/evidence"
)

func newVerifyCmd() *cobra.Command {
	var keyPath string
	cmd := &cobra.Command{
		Use:   "verify [--key SIGNER.pub.pem] evidence.json|DIR",
		Short: "Check offline that an evidence file is intact, and who sealed it",
		Long: `verify recomputes the SHA-256 digest of an evidence.json, checks the optional
Ed25519 signature, and recomputes the summary and go-live decision from the
scenarios it seals. It says exactly what that proves.

Without --key, anyone holding the file can change it and seal it again (the
digest needs no key, and a signature's public key travels in the file).
--key pins the signer: the evidence is intact only when it is signed by that
key, so a document signed by a reviewer's key the merchant does not hold
verifies, and one re-sealed by anyone else does not.

It also shows what the document says it tested (uatrun version, config
digest, each pack's digest and mandated scenarios, the merchant build, the
programs the config ran) and checks that every scenario a built-in pack
mandates is in it. --max-age and --merchant-version require a recent run of
a given build.

Exit 0 when intact, finished and meeting what was required; 1 when not;
2 when the file cannot be read (not a regular file, too large).`,
		Example: `  uatrun verify uat-evidence/evidence.json
  uatrun verify --key reviewer.pub.pem uat-evidence/evidence.json
  uatrun verify --key reviewer.pub.pem --max-age 30d --merchant-version v2.3.1 uat-evidence/evidence.json
  uatrun verify --json uat-evidence/evidence.json
  uatrun verify --key reviewer.pub.pem evidence/   # every evidence.json under it, one line per run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if isDir(args[0]) { // a folder of runs: verify_dir.go
				return runVerifyDir(cmd.OutOrStdout(), args[0], keyPath, globals(cmd).json)
			}
			return runVerify(cmd.OutOrStdout(), args[0], keyPath, globals(cmd).json)
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "the signer's Ed25519 public key (PEM, or the base64 key verify prints); required signer")
	verifyReq = &verifyRequire{}
	cmd.Flags().StringVar(&verifyReq.maxAge, "max-age", "", "fail a run older than this (30d, 720h)")
	cmd.Flags().StringVar(&verifyReq.merchantVersion, "merchant-version", "", "fail a run of any other merchant build than this one")
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
	// Partial is set for a filtered run that left mandated scenarios out:
	// not a sign-off (the Action's gate fails it unless asked for one).
	Partial bool `json:"partial,omitempty"`
	// Tested is what the document says it tested, with the problems that
	// fail what was required (--max-age, --merchant-version, mandated
	// scenarios missing).
	Tested *binding `json:"tested,omitempty"`
}

func runVerify(w io.Writer, path, keyPath string, asJSON bool) error {
	data, err := evidence.ReadFileBounded(path, evidence.MaxEvidenceFile)
	if err != nil {
		return usageErr(err)
	}
	req := *verifyReq
	if req.maxAge != "" {
		if _, err := parseAge(req.maxAge); err != nil {
			return usageErr(err)
		}
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
	var tested *binding
	if res.Run != nil {
		b, err := bindingsOf(res.Run, req, time.Now())
		if err != nil {
			return usageErr(err)
		}
		tested = &b
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
			out.Partial = r.Summary.Partial
			out.GoLive = out.GoLive && len(tested.Problems) == 0
			out.Tested = tested
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
			tested.print(w)
		}
	}
	if !res.Intact || (res.Run != nil && incomplete(res.Run)) || (tested != nil && len(tested.Problems) > 0) {
		return &exitError{exitFailed, nil}
	}
	return nil
}

// incomplete reports a run that stopped before every selected scenario ran.
func incomplete(r *evidence.Run) bool { return r.Incomplete || r.Interrupted }

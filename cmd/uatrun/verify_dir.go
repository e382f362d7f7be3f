package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// The verdicts of `uatrun verify DIR`, one per evidence file. Only GO is a
// verified go-live; every other verdict makes the batch exit 1.
const (
	verdictGo         = "GO"         // intact, finished, every mandatory scenario passed
	verdictNoGo       = "NO-GO"      // intact and finished, but not a go-live
	verdictIncomplete = "INCOMPLETE" // intact, but the run was interrupted or did not finish
	verdictTampered   = "TAMPERED"   // not intact: changed, re-sealed, or not signed by the pinned key
	verdictRefused    = "REFUSED"    // intact and finished, but fails what was required (--max-age, --merchant-version, a pack's mandated list)
	verdictUnreadable = "UNREADABLE" // could not be read at all (not a regular file, too large, no permission)
)

// maxDirEvidence bounds how many evidence files one batch reads: a folder
// handed over by someone else cannot make verify walk forever.
const maxDirEvidence = 100_000

// dirEntry is one evidence file's line in `uatrun verify DIR`, and its
// object in --json.
type dirEntry struct {
	File       string `json:"file"`
	Verdict    string `json:"verdict"`
	Reason     string `json:"reason,omitempty"`
	RunID      string `json:"run_id,omitempty"`
	Merchant   string `json:"merchant,omitempty"`
	Gateway    string `json:"gateway,omitempty"`
	Mandatory  string `json:"mandatory,omitempty"` // "passed/total"
	Partial    bool   `json:"partial,omitempty"`
	Rerendered bool   `json:"rerendered,omitempty"`
	Signed     bool   `json:"signed"`
	KeyID      string `json:"key_id,omitempty"`
	Pinned     bool   `json:"pinned"`
	SHA256     string `json:"sha256,omitempty"`
}

// verifyDirJSON is `uatrun --json verify DIR`.
type verifyDirJSON struct {
	Dir    string         `json:"dir"`
	Runs   []dirEntry     `json:"runs"`
	Counts map[string]int `json:"counts"`
	AllGo  bool           `json:"all_go"`
}

// isDir reports whether path names a directory (following a symlink).
func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// runVerifyDir verifies every evidence.json under dir: the batch check of
// a fleet of runs. It prints one line per run and exits 1 unless there is
// at least one run and every run is a verified GO.
func runVerifyDir(w io.Writer, dir, keyPath string, asJSON bool) error {
	var o evidence.VerifyOptions
	if keyPath != "" {
		pub, err := evidence.LoadPublicKey(keyPath)
		if err != nil {
			return usageErr(err)
		}
		o.Key = ed25519.PublicKey(pub)
	}
	// --max-age and --merchant-version (verify_bind.go) apply to every run.
	req := *verifyReq
	if req.maxAge != "" {
		if _, err := parseAge(req.maxAge); err != nil {
			return usageErr(err)
		}
	}
	now := time.Now()
	files, err := findEvidence(dir)
	if err != nil {
		return usageErr(err)
	}
	entries := make([]dirEntry, 0, len(files))
	counts := map[string]int{}
	for _, f := range files {
		e := verifyOne(dir, f, o, req, now)
		counts[e.Verdict]++
		entries = append(entries, e)
	}
	allGo := len(entries) > 0 && counts[verdictGo] == len(entries)
	if asJSON {
		if err := writeJSON(w, verifyDirJSON{Dir: dir, Runs: entries, Counts: counts, AllGo: allGo}); err != nil {
			return harnessErr(err)
		}
	} else {
		printDir(w, dir, entries, counts, o.Key != nil)
	}
	if !allGo {
		return &exitError{exitFailed, nil}
	}
	return nil
}

// findEvidence lists the files named evidence.json under dir, in lexical
// order. Symlinked directories are not followed.
func findEvidence(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			// An unreadable subfolder is reported as a run that could not be read.
			files = append(files, p)
			return fs.SkipDir
		}
		if !d.IsDir() && d.Name() == "evidence.json" {
			if len(files) == maxDirEvidence {
				return fmt.Errorf("more than %d evidence files under %s; verify a smaller folder", maxDirEvidence, dir)
			}
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// verifyOne verifies one evidence file and gives its verdict.
func verifyOne(dir, path string, o evidence.VerifyOptions, req verifyRequire, now time.Time) dirEntry {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		rel = path
	}
	e := dirEntry{File: filepath.ToSlash(rel)}
	data, err := evidence.ReadFileBounded(path, evidence.MaxEvidenceFile)
	if err != nil {
		e.Verdict, e.Reason = verdictUnreadable, trimPath(err, path)
		return e
	}
	res, err := evidence.VerifyWith(data, o)
	if err != nil && res.Reason == "" {
		res.Reason = err.Error()
	}
	e.Signed, e.KeyID, e.Pinned, e.SHA256 = res.Signed, res.KeyID, res.Pinned, res.SHA256
	if r := res.Run; r != nil {
		e.RunID, e.Merchant, e.Gateway = r.ID, r.Meta.Merchant, r.Meta.Gateway
		e.Mandatory = fmt.Sprintf("%d/%d", r.Summary.MandatoryPass, r.Summary.MandatoryTotal)
		e.Partial, e.Rerendered = r.Summary.Partial, r.Rerendered != nil
	}
	switch {
	case !res.Intact:
		e.Verdict, e.Reason = verdictTampered, res.Reason
		if !e.Signed {
			e.Signed, e.KeyID = claimedSigner(res.Run)
		}
	case incomplete(res.Run):
		e.Verdict = verdictIncomplete
	case len(problemsOf(res.Run, req, now)) > 0:
		e.Verdict, e.Reason = verdictRefused, strings.Join(problemsOf(res.Run, req, now), "; ")
	case res.Run.Summary.GoLive:
		e.Verdict = verdictGo
	default:
		e.Verdict = verdictNoGo
	}
	return e
}

// problemsOf is why an intact run fails what was required of it.
func problemsOf(r *evidence.Run, req verifyRequire, now time.Time) []string {
	b, err := bindingsOf(r, req, now)
	if err != nil {
		return []string{err.Error()}
	}
	return b.Problems
}

// claimedSigner is the signer a document names, for a document that is not
// intact: verify stops at the first broken check, before the signature, so
// a signed document whose content changed would otherwise read as unsigned.
func claimedSigner(r *evidence.Run) (signed bool, keyID string) {
	if r == nil || r.Integrity == nil || (r.Integrity.PublicKey == "" && r.Integrity.Ed25519 == "") {
		return false, ""
	}
	pub, err := base64.StdEncoding.Strict().DecodeString(r.Integrity.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return true, ""
	}
	return true, evidence.KeyID(ed25519.PublicKey(pub))
}

// trimPath drops the path from an error that repeats it: the line already
// names the file.
func trimPath(err error, path string) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return strings.TrimPrefix(err.Error(), path+": ")
}

func printDir(w io.Writer, dir string, entries []dirEntry, counts map[string]int, pinned bool) {
	if len(entries) == 0 {
		fmt.Fprintf(w, "%s: no evidence.json found: nothing is verified\n", dir)
		return
	}
	width := 0
	for _, e := range entries {
		width = max(width, len(e.File))
	}
	for _, e := range entries {
		fmt.Fprintf(w, "%-*s  %-10s  %s\n", width, e.File, e.Verdict, e.detail())
	}
	var parts []string
	for _, v := range []string{verdictGo, verdictNoGo, verdictIncomplete, verdictRefused, verdictTampered, verdictUnreadable} {
		if n := counts[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	n := len(entries)
	verdict := "every run is a verified GO"
	if n == 1 {
		verdict = "the run is a verified GO"
	}
	if counts[verdictGo] != n {
		verdict = fmt.Sprintf("%d of %d not a verified GO", n-counts[verdictGo], n)
	}
	runs := "runs"
	if n == 1 {
		runs = "run"
	}
	fmt.Fprintf(w, "%d %s: %s — %s\n", n, runs, strings.Join(parts, ", "), verdict)
	if !pinned && counts[verdictGo] > 0 {
		fmt.Fprintln(w, "no signer pinned: anyone holding a file can re-seal it; pass --key with the signer's public key")
	}
}

// detail is the rest of a run's line: what ran, for whom, and who sealed it.
func (e dirEntry) detail() string {
	var b strings.Builder
	if e.Merchant != "" || e.Gateway != "" {
		fmt.Fprintf(&b, "%s, %s", orDash(e.Merchant), orDash(e.Gateway))
	}
	// A tampered document's counts are its own claim: only what names the
	// run is shown.
	if e.Mandatory != "" && e.Verdict != verdictTampered {
		fmt.Fprintf(&b, ", mandatory %s", e.Mandatory)
	}
	if e.Partial {
		b.WriteString(" (partial run)")
	}
	if e.Rerendered {
		b.WriteString(", re-rendered")
	}
	if e.Verdict != verdictUnreadable {
		switch {
		case e.Pinned:
			fmt.Fprintf(&b, ", signer %s (pinned)", e.KeyID)
		case e.Signed && e.KeyID != "":
			fmt.Fprintf(&b, ", signer %s", e.KeyID)
		case e.Signed:
			b.WriteString(", signer unknown")
		default:
			b.WriteString(", unsigned")
		}
	}
	if e.Reason != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Reason)
	}
	return strings.TrimPrefix(b.String(), ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

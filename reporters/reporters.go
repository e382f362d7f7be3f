package reporters

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// The format names Options.Formats accepts, in the order Write writes them
// by default.
const (
	FormatJSON     = "json"
	FormatJUnit    = "junit"
	FormatHTML     = "html"
	FormatMarkdown = "markdown"
)

// Files written by Write, one per format.
var fileNames = map[string]string{
	FormatJSON:     "evidence.json",
	FormatJUnit:    "junit.xml",
	FormatHTML:     "evidence.html",
	FormatMarkdown: "evidence.md",
}

// FileNames lists the files Write may write, one per format.
func FileNames() []string {
	out := make([]string, 0, len(AllFormats))
	for _, f := range AllFormats {
		out = append(out, fileNames[f])
	}
	return out
}

// AllFormats lists every format in the order Write writes them.
var AllFormats = []string{FormatJSON, FormatJUnit, FormatHTML, FormatMarkdown}

// Options tune Write.
type Options struct {
	// Formats to write: html, json, junit, markdown. Empty means all.
	Formats []string
	// Now stamps "generated at" in the HTML and Markdown reports. Pass the
	// run's clock so golden files stay stable; nil means time.Now.
	Now func() time.Time
	// SigningKey, when set, signs the evidence digest with Ed25519.
	SigningKey ed25519.PrivateKey
}

// renderFunc writes one format; gen is the generation time (zero: none).
type renderFunc func(w io.Writer, run *evidence.Run, gen time.Time) error

var renderers = map[string]renderFunc{
	FormatJSON:     func(w io.Writer, run *evidence.Run, _ time.Time) error { return JSON(w, run) },
	FormatJUnit:    func(w io.Writer, run *evidence.Run, _ time.Time) error { return JUnit(w, run) },
	FormatHTML:     renderHTML,
	FormatMarkdown: renderMarkdown,
}

// Write seals the run (setting run.Integrity, so every format shows the
// same digest) and writes the chosen formats into dir, creating it. Each
// file is written whole or not at all. It returns the written paths in
// format order. A run already sealed for its current content keeps its
// seal (and signature) unless Options.SigningKey asks for a new one.
func Write(dir string, run *evidence.Run, o Options) ([]string, error) {
	if run == nil {
		return nil, errors.New("reporters: nil run")
	}
	formats, err := chooseFormats(o.Formats)
	if err != nil {
		return nil, err
	}
	if err := seal(run, o.SigningKey); err != nil {
		return nil, fmt.Errorf("reporters: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("reporters: %w", err)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	gen := now()
	var paths []string
	for _, f := range formats {
		var buf bytes.Buffer
		if err := renderers[f](&buf, run, gen); err != nil {
			return paths, fmt.Errorf("reporters: %s: %w", f, err)
		}
		path := filepath.Join(dir, fileNames[f])
		if err := writeFileAtomic(path, buf.Bytes()); err != nil {
			return paths, fmt.Errorf("reporters: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// chooseFormats validates and de-duplicates the requested formats,
// refusing unknown ones before anything is written.
func chooseFormats(req []string) ([]string, error) {
	if len(req) == 0 {
		return AllFormats, nil
	}
	var out []string
	for _, f := range req {
		f = strings.ToLower(strings.TrimSpace(f))
		if _, ok := renderers[f]; !ok {
			return nil, fmt.Errorf("reporters: unknown format %q; choose from %s", f, strings.Join(AllFormats, ", "))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// seal keeps a valid existing seal when no key is given, so a caller that
// signed the run itself does not lose the signature.
func seal(run *evidence.Run, key ed25519.PrivateKey) error {
	if key == nil && run.Integrity != nil {
		if d, err := evidence.Digest(run); err == nil && d == run.Integrity.SHA256 {
			return nil
		}
	}
	return evidence.Seal(run, key)
}

// writeFileAtomic writes through a temporary file and a rename so that a
// crash never leaves a half-written report that looks complete.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// JSON writes the lossless evidence: the canonical form that
// `uatrun verify` checks.
func JSON(w io.Writer, run *evidence.Run) error {
	b, err := evidence.MarshalEvidence(run)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

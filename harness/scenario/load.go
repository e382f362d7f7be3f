package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Pack is a set of scenarios loaded from one fs.FS root.
type Pack struct {
	Name      string
	Scenarios []*Scenario
	Digest    string // sha256 over the pack's files, sorted by name
	Files     int
	// Builtin marks the packs embedded in uatrun: only they may define
	// mandated scenarios, and only theirs decide go-live.
	Builtin bool
}

// MaxFileSize bounds a scenario file: real ones are a few KiB, and a
// scenario directory is not a place for anything big.
const MaxFileSize = 1 << 20

// CheckPacks refuses what would let one pack change another's verdicts:
// a scenario ID used twice across everything a run loads, and a mandated
// scenario in a pack that is not built in (a custom pack reusing
// DANA-PAY-01 could otherwise stand in for the real one).
func CheckPacks(packs []*Pack) error {
	var errs Errors
	seen := map[string]Pos{}
	for _, p := range packs {
		for _, sc := range p.Scenarios {
			if first, dup := seen[sc.ID]; dup {
				errs = append(errs, Error{Pos: sc.Pos, Msg: fmt.Sprintf("scenario id %q is already defined at %s", sc.ID, first),
					Fix: "give your own scenarios their own ids (e.g. a SHOP- prefix); a custom pack cannot replace a built-in scenario"})
				continue
			}
			seen[sc.ID] = sc.Pos
			if !p.Builtin && sc.Mandatory {
				errs = append(errs, Error{Pos: sc.Pos, Msg: fmt.Sprintf("scenario %q is mandatory, but only uatrun's built-in packs define what a gateway mandates", sc.ID),
					Fix: "write tier: optional (reported, never blocking go-live)"})
			}
		}
	}
	if len(errs) > 0 {
		return errs.sorted()
	}
	return nil
}

// readBounded reads a scenario file that is a regular file of at most
// MaxFileSize bytes: a FIFO, a device or a huge file is refused before
// it is read.
func readBounded(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s); scenario files must be plain YAML files", name, info.Mode().Type())
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s is %d bytes, over the %d-byte limit for a scenario file", name, info.Size(), MaxFileSize)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err == nil && len(data) > MaxFileSize {
		err = fmt.Errorf("%s grew over the %d-byte limit for a scenario file while it was read", name, MaxFileSize)
	}
	return data, err
}

// LoadFS loads every *.yaml / *.yml file under root in fsys. File names in
// positions are prefixed with display (e.g. "scenarios/dana-gapura") so
// errors point at the path a user knows. All problems are returned at once
// as Errors.
func LoadFS(fsys fs.FS, root, display string) (*Pack, error) {
	var names []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading scenarios under %s: %w", display, err)
	}
	sort.Strings(names)
	pack := &Pack{Name: path.Base(display), Files: len(names)}
	digest := sha256.New()
	var errs Errors
	seen := map[string]Pos{}
	for _, n := range names {
		data, err := readBounded(fsys, n)
		if err != nil {
			return nil, err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(n, root), "/")
		fmt.Fprintf(digest, "%s\x00%d\x00", rel, len(data))
		digest.Write(data)
		file := path.Join(display, rel)
		scs, ferrs := Parse(file, data)
		errs = append(errs, ferrs...)
		for _, sc := range scs {
			if first, dup := seen[sc.ID]; dup {
				errs = append(errs, Error{Pos: sc.Pos, Msg: fmt.Sprintf("scenario id %q is already used at %s", sc.ID, first), Fix: "give every scenario a unique id"})
				continue
			}
			seen[sc.ID] = sc.Pos
			pack.Scenarios = append(pack.Scenarios, sc)
		}
	}
	pack.Digest = hex.EncodeToString(digest.Sum(nil))
	if len(names) == 0 {
		errs = append(errs, Error{Pos: Pos{File: display}, Msg: "no scenario files (*.yaml) found", Fix: "point --scenarios at a directory holding scenario YAML files"})
	}
	if len(errs) > 0 {
		return pack, errs.sorted()
	}
	return pack, nil
}

// Parse reads every scenario document in one file.
func Parse(file string, data []byte) ([]*Scenario, Errors) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*Scenario
	var errs Errors
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, yamlError(file, err))
			break
		}
		if len(doc.Content) == 0 {
			continue
		}
		p := &parser{file: file}
		sc := p.scenario(doc.Content[0])
		errs = append(errs, p.errs...)
		if sc != nil {
			errs = append(errs, checkVars(sc)...)
			out = append(out, sc)
		}
	}
	return out, errs
}

// yamlError turns a yaml.v3 syntax error ("yaml: line 4: …") into a
// positioned Error.
func yamlError(file string, err error) Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		if i := strings.Index(msg, ":"); i >= 0 {
			msg = strings.TrimSpace(msg[i+1:])
		}
	}
	return Error{Pos: Pos{File: file, Line: line, Col: 1}, Msg: "YAML syntax: " + msg, Fix: "check indentation and quoting on that line"}
}

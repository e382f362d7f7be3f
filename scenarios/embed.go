package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"github.com/uatrun/uatrun/harness/scenario"
)

// packs is every pack directory, by glob: a new gateway's pack is embedded
// as soon as its directory exists (TestPacks_AreTheRegistrys checks that
// each registered gateway has one and no pack lacks a gateway).
//
//go:embed */*.yaml
var packs embed.FS

// FS is the embedded packs, one directory per gateway.
var FS fs.FS = packs

// Names lists the built-in packs.
func Names() []string {
	entries, _ := fs.ReadDir(FS, ".")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Load loads one built-in pack by name.
func Load(name string) (*scenario.Pack, error) {
	if _, err := fs.Stat(FS, name); err != nil {
		return nil, fmt.Errorf("no built-in scenario pack %q (built-in: %v)", name, Names())
	}
	p, err := scenario.LoadFS(FS, name, "scenarios/"+name)
	if p != nil {
		p.Builtin = true
	}
	return p, err
}

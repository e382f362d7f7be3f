package config

import (
	"embed"
	"fmt"
	"slices"

	"github.com/uatrun/uatrun/harness/gateway"
)

// Starter is the commented starter config for DANA Gapura that `uatrun
// init` writes by default. It is a byte-for-byte copy of
// config.example.yaml at the repository root (a test keeps the two equal),
// embedded so the binary needs no files.
//
//go:embed starter.yaml
var Starter []byte

// starters are the templates `uatrun init --gateway G` writes: every
// setting that gateway reads, commented, and no reference to files of
// uatrun's repository. Each gateway's registry entry names its file, so
// a new template needs no line here.
//
//go:embed starter*.yaml
var starters embed.FS

// StarterGateways lists the gateways with a starter config, in the
// registry's order.
func StarterGateways() []string {
	var out []string
	for _, d := range gateway.All() {
		if _, err := starters.ReadFile(d.Starter); err == nil {
			out = append(out, d.ID)
		}
	}
	return out
}

// StarterFor returns the starter config for a gateway ("" is the default
// gateway).
func StarterFor(name string) ([]byte, error) {
	d, err := gateway.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("no starter config: %w", err)
	}
	b, err := starters.ReadFile(d.Starter)
	if err != nil {
		return nil, fmt.Errorf("no starter config for gateway %q (harness/config/%s is missing); choose one of %v", d.ID, d.Starter, StarterGateways())
	}
	return slices.Clone(b), nil
}

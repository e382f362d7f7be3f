package config

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// Starter is the commented starter config for DANA Gapura that `uatrun
// init` writes by default. It is a byte-for-byte copy of
// config.example.yaml at the repository root (a test keeps the two equal),
// embedded so the binary needs no files.
//
//go:embed starter.yaml
var Starter []byte

var (
	//go:embed starter-midtrans-snap.yaml
	starterMidtrans []byte
	//go:embed starter-astapa.yaml
	starterAstapa []byte
	//go:embed starter-purwantara.yaml
	starterPurwantara []byte
	//go:embed starter-gopay-miniapp.yaml
	starterGoPayMiniApp []byte
	//go:embed starter-dana-widget.yaml
	starterDanaWidget []byte
)

// starters are the templates `uatrun init --gateway G` writes: every
// setting that gateway reads, commented, and no reference to files of
// uatrun's repository.
var starters = map[string][]byte{
	"dana-gapura":   Starter,
	"midtrans-snap": starterMidtrans,
	"astapa":        starterAstapa,
	"purwantara":    starterPurwantara,
	"gopay-miniapp": starterGoPayMiniApp,
	"dana-widget":   starterDanaWidget,
}

// StarterGateways lists the gateways with a starter config.
func StarterGateways() []string {
	out := make([]string, 0, len(starters))
	for g := range starters {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// StarterFor returns the starter config for a gateway ("" is dana-gapura).
func StarterFor(gateway string) ([]byte, error) {
	if gateway == "" {
		gateway = "dana-gapura"
	}
	b, ok := starters[gateway]
	if !ok {
		return nil, fmt.Errorf("no starter config for gateway %q; choose one of %s", gateway, strings.Join(StarterGateways(), ", "))
	}
	return b, nil
}

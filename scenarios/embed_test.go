package scenarios

import (
	"slices"
	"testing"

	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/scenario"
)

// The built-in packs must load cleanly: a broken pack would stop every run.
func TestBuiltinPacks_LoadWithoutErrors(t *testing.T) {
	for _, name := range Names() {
		p, err := Load(name)
		if err != nil {
			t.Fatalf("%s:\n%v", name, err)
		}
		if len(p.Scenarios) == 0 {
			t.Fatalf("%s has no scenarios", name)
		}
		for _, sc := range p.Scenarios {
			if len(sc.MapsTo) == 0 {
				t.Errorf("%s: scenario %s names none of the gateway's own scenarios (maps_to)", sc.Pos, sc.ID)
			}
			if sc.Mandatory && sc.Remedy == "" {
				t.Errorf("%s: mandatory scenario %s says nothing on what to fix (remedy)", sc.Pos, sc.ID)
			}
		}
	}
}

// The DANA pack covers every family of the mandated catalogue.
func TestDanaPack_CoversEveryFamily(t *testing.T) {
	p, err := Load("dana-gapura")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, sc := range p.Scenarios {
		seen[sc.Family]++
	}
	for _, f := range scenario.Families {
		if f != "custom" && seen[f] == 0 {
			t.Errorf("no scenario in family %q", f)
		}
	}
}

func TestLoad_UnknownPackNamesTheBuiltins(t *testing.T) {
	if _, err := Load("dana"); err == nil {
		t.Fatal("unknown pack loaded")
	}
}

// Every registered gateway has a built-in pack, and every pack belongs to
// a registered gateway: the glob embeds whatever directory exists, so a
// stray or missing one is caught here, not at run time.
func TestPacks_AreTheRegistrys(t *testing.T) {
	var want []string
	for _, d := range gateway.All() {
		want = append(want, d.Pack)
	}
	slices.Sort(want)
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("built-in packs %v, registry packs %v", got, want)
	}
}

package gateway_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/scenarios"
)

// root is the repository root, where a descriptor's paths start.
const root = "../.."

// Every gateway has everything a gateway needs: an emulator package, a
// built-in pack, a starter config, a demo kit, a doc page and a reference
// merchant with its config.
func TestRegistry_EveryGatewayHasItsParts(t *testing.T) {
	for _, d := range gateway.All() {
		t.Run(d.ID, func(t *testing.T) {
			for what, path := range map[string]string{
				"emulator package": filepath.Join("harness/emulator", d.Emulator),
				"doc page":         d.Doc,
				"example merchant": d.Example,
				"example config":   d.ExampleConfig,
			} {
				if _, err := os.Stat(filepath.Join(root, path)); err != nil {
					t.Errorf("%s: %v", what, err)
				}
			}
			if _, err := scenarios.Load(d.Pack); err != nil {
				t.Errorf("pack: %v", err)
			}
			if _, err := config.StarterFor(d.ID); err != nil {
				t.Errorf("starter: %v", err)
			}
			if _, err := demo.KitFor(d.ID); err != nil {
				t.Errorf("demo kit: %v", err)
			}
			if !slices.Contains(session.GatewayNames(), d.ID) {
				t.Errorf("no emulator registered with session (harness/session/gateway_%s.go)", d.Emulator)
			}
		})
	}
}

// Nothing is registered in one place and forgotten in the registry: every
// list that used to be kept by hand now has exactly the registry's
// gateways.
func TestRegistry_NoGatewayOutsideIt(t *testing.T) {
	want := slices.Sorted(slices.Values(gateway.IDs()))
	lists := map[string][]string{
		"config.Gateways":         config.Gateways(),
		"config.StarterGateways":  config.StarterGateways(),
		"demo.Gateways":           demo.Gateways(),
		"session.GatewayNames":    session.GatewayNames(),
		"scenarios.Names (packs)": scenarios.Names(),
	}
	for name, got := range lists {
		if got = slices.Sorted(slices.Values(got)); !slices.Equal(got, want) {
			t.Errorf("%s = %v, registry %v", name, got, want)
		}
	}
	docs, _ := filepath.Glob(filepath.Join(root, "docs/emulators/*.md"))
	for _, doc := range docs {
		rel, _ := filepath.Rel(root, doc)
		if !slices.ContainsFunc(gateway.All(), func(d gateway.Descriptor) bool { return d.Doc == filepath.ToSlash(rel) }) {
			t.Errorf("%s belongs to no registered gateway", rel)
		}
	}
}

// The ids are what every other place spells: the pack's scenarios say
// gateway: <id>, and the demo kit and the example config name it too.
func TestRegistry_OneSpellingPerGateway(t *testing.T) {
	for _, d := range gateway.All() {
		p, err := scenarios.Load(d.Pack)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range p.Scenarios {
			if sc.Gateway != d.ID {
				t.Errorf("%s: scenario %s says gateway %q, registry id %q", sc.Pos, sc.ID, sc.Gateway, d.ID)
			}
		}
		kit, _ := demo.KitFor(d.ID)
		if kit.Gateway != d.ID || kit.Config().Gateway.Name != d.ID {
			t.Errorf("%s: demo kit says %q / %q", d.ID, kit.Gateway, kit.Config().Gateway.Name)
		}
		if got := configOf(t, d.ExampleConfig).Gateway.Name; got != d.ID {
			t.Errorf("%s: gateway.name %q, registry id %q", d.ExampleConfig, got, d.ID)
		}
	}
}

// The starter template, the example merchant's config and the demo kit
// define the same merchant actions, and they are the ones the pack calls.
func TestRegistry_MerchantActionsAgreeEverywhere(t *testing.T) {
	for _, d := range gateway.All() {
		t.Run(d.ID, func(t *testing.T) {
			want := slices.Sorted(slices.Values(d.MerchantActions))
			starter, err := config.StarterFor(d.ID)
			if err != nil {
				t.Fatal(err)
			}
			kit, _ := demo.KitFor(d.ID)
			got := map[string][]string{
				"harness/config/" + d.Starter: actionNames(t, d.Starter, starter),
				d.ExampleConfig:               configOf(t, d.ExampleConfig).actions(),
				"demo kit":                    keys(kit.Config().Merchant.Actions),
				"scenarios/" + d.Pack:         packActions(t, d.Pack),
			}
			for where, names := range got {
				if !slices.Equal(names, want) {
					t.Errorf("%s defines %v; the registry's merchant actions are %v", where, names, want)
				}
			}
		})
	}
}

// The pack's optional features are the registry's.
func TestRegistry_FeaturesAreThePacks(t *testing.T) {
	for _, d := range gateway.All() {
		p, err := scenarios.Load(d.Pack)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, sc := range p.Scenarios {
			if sc.Feature != "" && !slices.Contains(got, sc.Feature) {
				got = append(got, sc.Feature)
			}
		}
		slices.Sort(got)
		if want := slices.Sorted(slices.Values(d.Features)); !slices.Equal(got, want) {
			t.Errorf("%s: pack features %v, registry %v", d.ID, got, want)
		}
	}
}

// The built-in pack speaks only words its gateway has.
func TestRegistry_EveryPackSpeaksItsGatewaysWords(t *testing.T) {
	for _, d := range gateway.All() {
		p, err := scenarios.Load(d.Pack)
		if err != nil {
			t.Fatal(err)
		}
		v, err := session.VocabularyOf(config.Gateway{Name: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := session.CheckWords(v, []*scenario.Pack{p}); err != nil {
			t.Errorf("%s pack:\n%v", d.ID, err)
		}
	}
}

// exampleConfig is the part of a config file these tests read.
type exampleConfig struct {
	Merchant struct {
		Actions map[string]yaml.Node `yaml:"actions"`
	} `yaml:"merchant"`
	Gateway struct {
		Name string `yaml:"name"`
	} `yaml:"gateway"`
}

func (c exampleConfig) actions() []string { return keys(c.Merchant.Actions) }

// configOf reads a config file of the repository without loading its keys.
func configOf(t *testing.T, path string) exampleConfig {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	var c exampleConfig
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

func actionNames(t *testing.T, name string, b []byte) []string {
	t.Helper()
	var c exampleConfig
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c.actions()
}

// packActions lists the merchant actions a pack's steps call.
func packActions(t *testing.T, pack string) []string {
	t.Helper()
	p, err := scenarios.Load(pack)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sc := range p.Scenarios {
		for _, st := range append(slices.Clone(sc.Steps), sc.Teardown...) {
			if (st.Kind == scenario.KindMerchant || st.Kind == scenario.KindWait) && !slices.Contains(out, st.Target) {
				out = append(out, st.Target)
			}
		}
	}
	slices.Sort(out)
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, strings.TrimSpace(k))
	}
	slices.Sort(out)
	return out
}

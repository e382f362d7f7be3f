package gateway_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/emulator/dana"
	"github.com/uatrun/uatrun/harness/emulator/danawidget"
	"github.com/uatrun/uatrun/harness/emulator/gopaymini"
	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/harness/snap"
)

func TestRegistry_ControlPrefixIsTheEmulators(t *testing.T) {
	if gateway.ControlPrefix != emulator.ControlPrefix {
		t.Fatalf("registry %q, emulator %q", gateway.ControlPrefix, emulator.ControlPrefix)
	}
}

// startEmulator builds a gateway's emulator from its demo kit's config,
// unstarted: only its words and routes are read.
func startEmulator(t *testing.T, id string) session.Gateway {
	t.Helper()
	kit, err := demo.KitFor(id)
	if err != nil {
		t.Fatal(err)
	}
	k, err := snap.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	gw, err := session.NewGateway(kit.Config().Gateway, session.Keys{MerchantPublic: &k.PublicKey, GatewayPrivate: k}, session.RealClocks, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Close() })
	return gw
}

// A registry entry's protocol words are its emulator's: the actions, the
// APIs and the params each action takes.
func TestRegistry_WordsAreTheEmulators(t *testing.T) {
	for _, d := range gateway.All() {
		t.Run(d.ID, func(t *testing.T) {
			gw := startEmulator(t, d.ID)
			if gw.Name() != d.ID {
				t.Errorf("emulator calls itself %q", gw.Name())
			}
			sameSet(t, "actions", d.ActionNames(), gw.Actions())
			sameSet(t, "APIs", d.APIs, gw.APIs())
			for _, a := range d.Actions {
				sameSet(t, a.Name+" params", a.Params, actionParams(t, gw, a.Name))
			}
		})
	}
}

// A registry entry's notify variants are the ones its emulator sends.
func TestRegistry_NotifyVariantsAreTheEmulators(t *testing.T) {
	for _, d := range gateway.All() {
		t.Run(d.ID, func(t *testing.T) {
			sameSet(t, "notify variants", d.NotifyNames(), notifyVariants(t, startEmulator(t, d.ID)))
		})
	}
}

// Where an emulator declares params per notify variant (the BI-SNAP
// ones export their table), the registry has exactly those; elsewhere it
// declares none, and the notify action's params apply.
func TestRegistry_NotifyVariantParamsAreTheEmulators(t *testing.T) {
	declared := map[string][]bisnap.Variant{
		dana.GatewayName: dana.NotifyVariants(), danawidget.GatewayName: danawidget.NotifyVariants(),
		gopaymini.GatewayName: gopaymini.NotifyVariants(),
	}
	for _, d := range gateway.All() {
		table, ok := declared[d.ID]
		for _, v := range d.Notify {
			if !ok {
				if v.Params != nil {
					t.Errorf("%s %s: registry declares params %v; the emulator declares none per variant", d.ID, v.Name, v.Params)
				}
				continue
			}
			i := slices.IndexFunc(table, func(e bisnap.Variant) bool { return e.Name == v.Name })
			if i < 0 {
				t.Errorf("%s: the emulator's table has no %s", d.ID, v.Name)
				continue
			}
			sameSet(t, d.ID+" "+v.Name+" params", v.Params, table[i].Params)
		}
	}
}

// The banner of `uatrun emulate` lists the registry's routes; these are
// exactly the control routes the emulator serves, and each page it names
// is served too.
func TestRegistry_RoutesAreTheEmulators(t *testing.T) {
	for _, d := range gateway.All() {
		t.Run(d.ID, func(t *testing.T) {
			served := servedRoutes(t, startEmulator(t, d.ID))
			var listed []string
			for _, r := range d.Emulate.Routes {
				key := routeKey(r.Method, r.Path)
				listed = append(listed, key)
				if !slices.Contains(served, key) {
					t.Errorf("registry lists %s %s; the emulator serves no such route", r.Method, r.Path)
				}
				checkAlternatives(t, d, r)
			}
			for _, key := range served {
				if strings.Contains(key, " "+gateway.ControlPrefix+"/") && !slices.Contains(listed, key) {
					t.Errorf("the emulator serves control route %s; its registry entry (and so the emulate banner) does not list it", key)
				}
			}
		})
	}
}

// checkAlternatives: {pay|fail|…} in a route are actions the gateway has.
func checkAlternatives(t *testing.T, d gateway.Descriptor, r gateway.Route) {
	for _, m := range regexp.MustCompile(`\{([a-z_]+(?:\|[a-z_]+)+)\}`).FindAllStringSubmatch(r.Path, -1) {
		for _, a := range strings.Split(m[1], "|") {
			if _, ok := d.Action(a); !ok {
				t.Errorf("route %s names action %q, which the gateway does not have", r.Path, a)
			}
		}
	}
}

var (
	pathParam  = regexp.MustCompile(`\{[^}]*\}|:[A-Za-z_]+|\*[A-Za-z_]+`)
	paramsList = regexp.MustCompile(`it takes: (.*)$`)
	wordRe     = regexp.MustCompile(`[a-z][a-z0-9_]*`)
	parenthes  = regexp.MustCompile(`\([^)]*\)`)
)

// routeKey is "METHOD /path/*" with every parameter a star and no query.
func routeKey(method, path string) string {
	path, _, _ = strings.Cut(path, "?")
	return method + " " + pathParam.ReplaceAllString(path, "*")
}

// servedRoutes lists the routes of an emulator's gin engine.
func servedRoutes(t *testing.T, gw session.Gateway) []string {
	t.Helper()
	h, ok := gw.(interface{ Handler() http.Handler })
	if !ok {
		t.Fatalf("%s: the emulator exposes no Handler", gw.Name())
	}
	g, ok := h.Handler().(*gin.Engine)
	if !ok {
		t.Fatalf("%s: the emulator's handler is not a gin engine", gw.Name())
	}
	var out []string
	for _, r := range g.Routes() {
		out = append(out, routeKey(r.Method, r.Path))
	}
	return out
}

// actionParams asks the emulator which params an action takes: every
// emulator refuses an unknown param with "it takes: a, b" (or "none").
func actionParams(t *testing.T, gw session.Gateway, action string) []string {
	t.Helper()
	_, err := gw.Act(context.Background(), emulator.Action{Name: action, Order: "registry-probe", Params: map[string]string{"registry_probe": "1"}})
	if err == nil {
		t.Fatalf("%s accepted an unknown param", action)
	}
	m := paramsList.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("%s: cannot read the params from %q", action, err)
	}
	if m[1] == "none" {
		return nil
	}
	return strings.Split(m[1], ", ")
}

// notifyVariants asks the emulator for its notify variants: every one
// refuses an unknown variant listing the valid ones, the one way to ask
// that all six answer alike.
func notifyVariants(t *testing.T, gw session.Gateway) []string {
	t.Helper()
	_, err := gw.Act(context.Background(), emulator.Action{Name: "notify", Order: "registry-probe", Params: map[string]string{"variant": "registry_probe"}})
	if err == nil {
		t.Fatal("an unknown variant was accepted")
	}
	msg := err.Error()
	i := strings.Index(msg, "; valid")
	if i < 0 {
		t.Fatalf("cannot read the variants from %q", msg)
	}
	_, list, _ := strings.Cut(msg[i:], ":")
	return wordRe.FindAllString(parenthes.ReplaceAllString(list, ""), -1)
}

func sameSet(t *testing.T, what string, registry, emulator []string) {
	t.Helper()
	r := slices.Sorted(slices.Values(registry))
	e := slices.Sorted(slices.Values(emulator))
	if !slices.Equal(r, e) {
		t.Errorf("%s: registry %v, emulator %v", what, r, e)
	}
}

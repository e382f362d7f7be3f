package gateway

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Default is the gateway a command uses when none is named.
const Default = "dana-gapura"

// ControlPrefix is where every emulator serves its control API. It equals
// emulator.ControlPrefix (a test keeps them equal); the registry cannot
// import the emulator package without a cycle.
const ControlPrefix = "/_uatrun"

// Descriptor is everything uatrun knows about one gateway, as data.
type Descriptor struct {
	// ID is gateway.name in a config, gateway: in a scenario, and --gateway.
	ID string
	// Name is what people call it, for messages: "DANA Gapura".
	Name string
	// Product is what the emulator plays, for the evidence.
	Product string
	// Emulator is the emulator's package directory under harness/emulator.
	Emulator string
	// Pack is the built-in scenario pack's directory under scenarios/.
	Pack string
	// Starter is the file under harness/config that `uatrun init` writes.
	Starter string
	// Example is the reference merchant's directory, from the repository root.
	Example string
	// ExampleConfig is the config that runs against Example, from the
	// repository root.
	ExampleConfig string
	// Doc is the emulator's page, from the repository root.
	Doc string
	// Features are the optional features the pack's scenarios may carry
	// (gateway.features); empty when everything is core.
	Features []string
	// NotifyRetry is the default notify retry schedule on the test clock:
	// the gateway's documented one, or the emulator's own where the
	// gateway publishes none.
	NotifyRetry []time.Duration
	// APIs are the names a gateway_received step may judge.
	APIs []string
	// Actions are the control actions a gateway step may name, with the
	// params each takes.
	Actions []Action
	// Notify are the notify variants a notify step may send.
	Notify []Variant
	// MerchantActions are the merchant actions the pack calls, which the
	// starter config, the example's config and the demo kit all define.
	MerchantActions []string
	// Emulate is what `uatrun emulate` prints.
	Emulate Emulate
	// Keys is how `uatrun keys` speaks of this gateway's keys.
	Keys Keys
}

// Action is one control action and the params it takes.
type Action struct {
	Name   string
	Params []string
}

// Variant is one notify variant and the params a notify step sending it
// may give. Params nil means the emulator declares none per variant: the
// notify action's params apply.
type Variant struct {
	Name   string
	Params []string
}

// NotifyNames lists the notify variants, in the descriptor's order.
func (d Descriptor) NotifyNames() []string {
	out := make([]string, len(d.Notify))
	for i, v := range d.Notify {
		out[i] = v.Name
	}
	return out
}

// Emulate tells a person how to point an integration at the running
// emulator by hand.
type Emulate struct {
	// Replaces is the real base URL the emulator stands in for.
	Replaces string
	// Credentials are lines on what the merchant configures and from
	// which config keys.
	Credentials []string
	// TrustKey means the merchant verifies notifies with the emulator's
	// public key, which the banner prints.
	TrustKey bool
	// Routes are every control route the emulator serves, and its pages,
	// in the order to print them.
	Routes []Route
}

// Route is one URL of the emulator. Path is relative to its base URL; a
// {placeholder} is a path parameter, {a|b|c} the values it takes.
type Route struct {
	Method string
	Path   string
	What   string
}

// Keys is the wording of `uatrun keys` for one gateway. A gateway that
// signs nothing with RSA leaves the four purposes empty and says why in
// None.
type Keys struct {
	MerchantKey       string // merchant.pem
	MerchantPublicKey string // merchant.pub.pem
	GatewayKey        string // gateway.pem
	GatewayPublicKey  string // gateway.pub.pem
	None              string
}

// UsesRSA reports whether the gateway's emulator needs the RSA key pairs.
func (k Keys) UsesRSA() bool { return k.None == "" }

// Action returns the named control action.
func (d Descriptor) Action(name string) (Action, bool) {
	i := slices.IndexFunc(d.Actions, func(a Action) bool { return a.Name == name })
	if i < 0 {
		return Action{}, false
	}
	return d.Actions[i], true
}

// ActionNames lists the control actions, in the descriptor's order.
func (d Descriptor) ActionNames() []string {
	out := make([]string, len(d.Actions))
	for i, a := range d.Actions {
		out[i] = a.Name
	}
	return out
}

// registry holds every descriptor, in the order help texts list them.
var registry = []Descriptor{dana, midtrans, astapa, purwantara, gopayMini, danaWidget}

// All returns every descriptor, in the order help texts list them.
func All() []Descriptor { return slices.Clone(registry) }

// IDs lists every gateway id, in the order help texts list them.
func IDs() []string {
	out := make([]string, len(registry))
	for i, d := range registry {
		out[i] = d.ID
	}
	return out
}

// Lookup returns the descriptor of a gateway id ("" is Default).
func Lookup(id string) (Descriptor, error) {
	if id == "" {
		id = Default
	}
	for _, d := range registry {
		if d.ID == id {
			return d, nil
		}
	}
	return Descriptor{}, fmt.Errorf("unknown gateway %q; choose one of %s", id, strings.Join(IDs(), ", "))
}

// Known reports whether id names a registered gateway.
func Known(id string) bool {
	_, err := Lookup(id)
	return err == nil && id != ""
}

// Retry returns a copy of the gateway's default notify retry schedule (nil
// for an unknown gateway).
func Retry(id string) []time.Duration {
	d, err := Lookup(id)
	if err != nil || id == "" {
		return nil
	}
	return slices.Clone(d.NotifyRetry)
}

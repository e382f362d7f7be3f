package session

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/merchant"
	"github.com/uatrun/uatrun/harness/receiver"
)

// Gateway is an emulator the session can serve.
type Gateway interface {
	emulator.Gateway
	Start(addr string) error
	URL() string
	Close() error
	// PublicKeyPEM is the key the merchant must trust for notifies.
	PublicKeyPEM() []byte
}

// Keys are the parsed keys a gateway emulator needs.
type Keys struct {
	MerchantPublic *rsa.PublicKey
	GatewayPrivate *rsa.PrivateKey
}

// Clocks are the two clocks an emulator reads: Test schedules gateway
// timers (a run's per-scenario test clocks), Wall judges and stamps every
// time the merchant sends or receives (its app cannot time-travel).
type Clocks struct{ Test, Wall clock.Clock }

// RealClocks are the wall clock twice, for an emulator serving people.
var RealClocks = Clocks{Test: clock.Real{}, Wall: clock.Real{}}

// GatewayFactory builds one gateway's emulator from the config.
type GatewayFactory func(g config.Gateway, keys Keys, clk Clocks, red *evidence.Redactor, version string) (Gateway, error)

// gateways maps a gateway id to its emulator's factory. Each emulator
// registers itself in its own gateway_<name>.go file; everything else
// about the gateway is its registry entry (harness/gateway).
var gateways = map[string]GatewayFactory{}

// RegisterGateway adds an emulator under a registered gateway id. An id
// the registry does not know is a programming error, caught at start-up.
func RegisterGateway(name string, build GatewayFactory) {
	if !gateway.Known(name) {
		panic("session: gateway " + name + " has an emulator but no entry in harness/gateway")
	}
	gateways[name] = build
}

// GatewayNames lists the gateways uatrun can emulate.
func GatewayNames() []string {
	out := make([]string, 0, len(gateways))
	for n := range gateways {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// productOf is what the gateway's emulator plays, for the evidence.
func productOf(name string) string {
	d, err := gateway.Lookup(name)
	if err != nil {
		return ""
	}
	return d.Product
}

// NewGateway builds the emulator named in the config, on any clocks (uatrun
// emulate serves it on RealClocks for manual UAT).
func NewGateway(g config.Gateway, keys Keys, clk Clocks, red *evidence.Redactor, version string) (Gateway, error) {
	name := firstNonEmpty(g.Name, gateway.Default)
	build, ok := gateways[name]
	if !ok {
		return nil, fmt.Errorf("gateway %q has no emulator (available: %s)", name, strings.Join(GatewayNames(), ", "))
	}
	return build(g, keys, clk, red, version)
}

// driver adapts merchant.Driver to engine.Merchant, sorting its errors
// into "the run cannot judge" and "the merchant answered".
type driver struct{ d *merchant.Driver }

func (a driver) Has(name string) bool { return a.d.Has(name) }

func (a driver) Call(ctx context.Context, name string, vars map[string]any) (engine.ActionResult, error) {
	r, err := a.d.Do(ctx, name, vars)
	out := engine.ActionResult{Status: r.Status, Body: r.Body, Captures: r.Captures, Exchange: r.Exchange}
	if err == nil {
		return out, nil
	}
	for _, unjudgeable := range []error{merchant.ErrUnreachable, merchant.ErrTimeout, merchant.ErrTooLarge,
		merchant.ErrTemplate, merchant.ErrUnknownAction} {
		if errors.Is(err, unjudgeable) {
			return out, fmt.Errorf("%w: %v", engine.ErrUnjudgeable, err)
		}
	}
	return out, err
}

// callbacks adapts the receiver to engine.Receiver.
type callbacks struct{ r *receiver.Receiver }

func (a callbacks) Callbacks() []engine.Callback {
	got := a.r.Received()
	out := make([]engine.Callback, len(got))
	for i, c := range got {
		out[i] = engine.Callback{Seq: c.Seq, Method: c.Method, Path: c.Path, Query: c.Query,
			Headers: c.Headers, Body: c.Body, Exchange: c.Exchange()}
	}
	return out
}

package demo

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/harness/snap"
	"github.com/uatrun/uatrun/scenarios"
)

// DefaultGateway is the demo run when none is named.
const DefaultGateway = "dana-gapura"

// Fault is one switchable integration bug of a reference merchant.
type Fault struct{ Name, Description string }

// Kit is one gateway's demo.
type Kit struct {
	Gateway string // gateway id, also the built-in pack's name
	Config  func() *config.Config
	Faults  func() []Fault
	// Start runs the reference merchant against env with faults on.
	// merchantKey is the demo merchant's RSA key (unused by gateways that
	// do not sign with RSA).
	Start func(env session.Env, merchantKey *rsa.PrivateKey, faults []string) (baseURL string, stop func() error, err error)
	// Catches names, per fault, the mandated scenario whose rule it breaks.
	Catches map[string]string
}

var kits = map[string]Kit{}

// Register adds a gateway's demo kit.
func Register(k Kit) { kits[k.Gateway] = k }

// Gateways lists the gateways with a demo.
func Gateways() []string {
	out := make([]string, 0, len(kits))
	for n := range kits {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// KitFor returns a gateway's kit.
func KitFor(gateway string) (Kit, error) {
	if gateway == "" {
		gateway = DefaultGateway
	}
	k, ok := kits[gateway]
	if !ok {
		return Kit{}, fmt.Errorf("no demo for gateway %q (available: %s)", gateway, strings.Join(Gateways(), ", "))
	}
	return k, nil
}

// Options tune a demo run.
type Options struct {
	Gateway  string // default dana-gapura
	Faults   []string
	OutDir   string // "" writes no files
	Version  string
	Filter   engine.Filter
	FailFast bool
	Hooks    engine.Hooks
	// ExtraPacks run after the gateway's built-in pack (a merchant's own scenarios).
	ExtraPacks []*scenario.Pack
	// Order describes a shuffled run order for the evidence.
	Order string
	// Seed, when not 0, shuffles the order scenarios start in.
	Seed int64
	// Parallel is how many scenarios run at once (0: the default).
	Parallel int
	// Configure, when set, adjusts the built-in config before the run.
	Configure func(*config.Config)
	// Start, when set, starts a merchant of another correct design (a
	// queue-based one, one that reads status on every read) instead of
	// the kit's reference merchant, e.g. ShopStarterWith.
	Start func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error)
}

// keyPair is generated once per process: RSA generation is the slowest part
// of starting a demo, and the demo's keys protect nothing.
var keyPair = sync.OnceValues(func() ([2]*rsa.PrivateKey, error) {
	var ks [2]*rsa.PrivateKey
	var errs [2]error
	var wg sync.WaitGroup
	for i := range ks {
		wg.Go(func() { ks[i], errs[i] = snap.GenerateKey() }) // side by side: a demo starts in half the time
	}
	wg.Wait()
	return ks, errors.Join(errs[:]...)
})

// Open starts a demo session: emulator, receiver and the reference
// merchant with the given faults. The caller runs it, then calls Finish
// and Close.
func Open(o Options) (*session.Session, error) {
	kit, err := KitFor(o.Gateway)
	if err != nil {
		return nil, err
	}
	if err := checkFaults(kit, o.Faults); err != nil {
		return nil, err
	}
	ks, err := keyPair()
	if err != nil {
		return nil, fmt.Errorf("generating demo keys: %w", err)
	}
	merchantKey, gatewayKey := ks[0], ks[1]
	merchantPEM, err := snap.MarshalPrivateKeyPEM(merchantKey)
	if err != nil {
		return nil, err
	}
	pack, err := scenarios.Load(kit.Gateway)
	if err != nil {
		return nil, err
	}
	cfg := kit.Config()
	if o.Configure != nil {
		o.Configure(cfg)
	}
	return session.Open(session.Options{
		Config: cfg, Packs: append([]*scenario.Pack{pack}, o.ExtraPacks...), Filter: o.Filter, FailFast: o.FailFast,
		OutDir: o.OutDir, Version: o.Version, Environment: "emulate (demo)", Hooks: o.Hooks, Order: o.Order,
		Seed: o.Seed, Parallel: o.Parallel,
		Keys:    &session.Keys{MerchantPublic: &merchantKey.PublicKey, GatewayPrivate: gatewayKey},
		Secrets: []string{string(merchantPEM)},
		StartMerchant: func(env session.Env) (string, func() error, error) {
			if o.Start != nil {
				return o.Start(env, merchantKey, o.Faults)
			}
			return kit.Start(env, merchantKey, o.Faults)
		},
	})
}

func checkFaults(kit Kit, faults []string) error {
	known := map[string]bool{}
	var names []string
	for _, f := range kit.Faults() {
		known[f.Name] = true
		names = append(names, f.Name)
	}
	for _, f := range faults {
		if !known[f] {
			return fmt.Errorf("unknown fault %q for %s; faults: %s", f, kit.Gateway, strings.Join(names, ", "))
		}
	}
	return nil
}

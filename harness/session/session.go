package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/merchant"
	"github.com/uatrun/uatrun/harness/receiver"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/snap"
	"github.com/uatrun/uatrun/reporters"
)

// JournalFile is the journal's name inside the output directory.
const JournalFile = "journal.jsonl"

// Options describe one run.
type Options struct {
	Config   *config.Config
	Packs    []*scenario.Pack
	Filter   engine.Filter
	FailFast bool
	// OutDir receives the journal and the reports; "" writes nothing
	// (used by tests that only want verdicts).
	OutDir      string
	Version     string
	Environment string // "emulate" (default)
	RunBy       string
	// Keys override the key files named in the config.
	Keys *Keys
	// StartMerchant starts an in-process merchant once the emulator and
	// receiver listen, and returns its base URL and a stop function.
	StartMerchant func(Env) (baseURL string, stop func() error, err error)
	// Hooks watch progress (printing); the session journals on its own.
	Hooks engine.Hooks
	// Secrets are extra values to redact (e.g. an in-process merchant's key).
	Secrets []string
	// Order describes a shuffled run order for the evidence ("" = file order).
	Order string
	// Seed, when not 0, shuffles the order scenarios start in.
	Seed int64
	// Parallel is how many scenarios run at once; 0 takes run.parallel
	// from the config (default DefaultParallel), 1 runs them one by one.
	Parallel int
}

// DefaultParallel is how many scenarios run at once unless the config or
// --parallel says otherwise: enough to overlap every scenario's waiting
// (settle polls, hold windows) in a pack of thirty, while a merchant
// sees at most this many orders in flight — what a single-process app
// with SQLite and a queue handles. Acting steps are serialised anyway.
const DefaultParallel = 8

// Env is what an in-process merchant needs to reach the harness.
type Env struct {
	GatewayURL          string
	ReceiverURL         string
	GatewayPublicKeyPEM []byte
}

// Session is one run in progress.
type Session struct {
	o            Options
	runID        string
	clocks       *clock.TestClocks
	red          *evidence.Redactor
	gw           Gateway
	rcv          *receiver.Receiver
	stopMerchant func() error
	eng          *engine.Engine
	all          []*scenario.Scenario
	sel          engine.Selection
	journal      *evidence.Journal
	meta         evidence.Meta

	mu      sync.Mutex
	results map[string]evidence.Scenario
}

// Open starts the emulator, receiver and merchant, and selects scenarios.
// On error everything already started is stopped.
func Open(o Options) (s *Session, err error) {
	if o.Config == nil {
		return nil, errors.New("session: no config")
	}
	if o.Parallel < 0 || o.Parallel > config.MaxParallel {
		return nil, fmt.Errorf("--parallel %d: write a number from 1 to %d (1 runs scenarios one by one)", o.Parallel, config.MaxParallel)
	}
	s = &Session{o: o, runID: newRunID(), results: map[string]evidence.Scenario{}}
	// Close the session itself: "return nil, err" has already set s to
	// nil by the time this runs.
	opened := s
	defer func() {
		if err != nil {
			opened.Close()
		}
	}()
	// Each scenario gets its own test clock, starting at the wall clock.
	s.clocks = clock.NewTestClocks(clock.Real{})
	s.red = evidence.NewRedactor(append(secretsOf(o.Config), o.Secrets...)...)
	if err = s.selectScenarios(); err != nil {
		return nil, err
	}
	s.o.Order = s.orderText()
	if err = clearOutDir(o.OutDir); err != nil {
		return nil, err
	}
	// The wrong-key notify variants sign with a key made once per
	// process; an RSA gateway's is made now, beside the start-up, so no
	// scenario waits for it while it acts.
	if d, lerr := gateway.Lookup(o.Config.Gateway.Name); lerr == nil && d.Keys.UsesRSA() {
		go emulator.UntrustedKey()
	}
	if err = s.startGateway(); err != nil {
		return nil, err
	}
	if err = s.startReceiver(); err != nil {
		return nil, err
	}
	if err = s.startMerchant(); err != nil {
		return nil, err
	}
	if err = s.openJournal(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Session) selectScenarios() error {
	if err := scenario.CheckPacks(s.o.Packs); err != nil {
		return err
	}
	for _, p := range s.o.Packs {
		s.all = append(s.all, p.Scenarios...)
	}
	sel, err := engine.Select(s.all, s.o.Filter)
	s.sel = sel
	if err != nil {
		return err
	}
	return s.applyFeatures()
}

// applyFeatures reports scenarios about optional features the config
// declares unused as N/A instead of running them (gateway.features).
func (s *Session) applyFeatures() error {
	declared := s.o.Config.Gateway.Features
	if declared == nil {
		return nil
	}
	known := map[string]bool{}
	for _, sc := range s.all {
		if sc.Feature != "" {
			known[sc.Feature] = true
		}
	}
	used := map[string]bool{}
	for _, f := range *declared {
		if !known[f] {
			names := slices.Sorted(maps.Keys(known))
			return fmt.Errorf("gateway.features: %q is not an optional feature of the packs this run loads; they have: %s", f, listOrNone(names))
		}
		used[f] = true
	}
	var run []*scenario.Scenario
	for _, sc := range s.sel.Run {
		if sc.Feature != "" && !used[sc.Feature] {
			s.sel.Skipped[sc.ID] = fmt.Sprintf("%s: the integration does not use the optional feature %q (gateway.features: [%s])",
				evidence.NotApplicablePrefix, sc.Feature, strings.Join(*declared, ", "))
			continue
		}
		run = append(run, sc)
	}
	s.sel.Run = run
	return nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func (s *Session) startGateway() error {
	keys, err := s.keys()
	if err != nil {
		return err
	}
	if keys.GatewayPrivate != nil {
		if pem, err := snap.MarshalPrivateKeyPEM(keys.GatewayPrivate); err == nil {
			s.red.Add(string(pem))
		}
	}
	gw, err := NewGateway(s.o.Config.Gateway, keys, Clocks{Test: s.clocks, Wall: s.clocks.Wall()}, s.red, s.o.Version)
	if err != nil {
		return err
	}
	s.gw = gw
	return gw.Start(s.o.Config.Emulator.Listen)
}

func (s *Session) keys() (Keys, error) {
	if s.o.Keys != nil {
		return *s.o.Keys, nil
	}
	return LoadKeys(s.o.Config.Gateway)
}

// LoadKeys reads the key files a config names.
func LoadKeys(g config.Gateway) (Keys, error) {
	// Only the keys the config names: gateways that do not sign with RSA
	// (Midtrans Snap, Astapa, Purwantara) need none, and an emulator that
	// does (DANA) refuses to start without them.
	var k Keys
	var err error
	if g.MerchantPublicKey != "" {
		if k.MerchantPublic, err = snap.LoadPublicKey(g.MerchantPublicKey); err != nil {
			return Keys{}, fmt.Errorf("gateway.merchant_public_key: %w", err)
		}
	}
	if g.GatewayPrivateKey != "" {
		if k.GatewayPrivate, err = snap.LoadPrivateKey(g.GatewayPrivateKey); err != nil {
			return Keys{}, fmt.Errorf("gateway.gateway_private_key: %w", err)
		}
	}
	return k, nil
}

// CallbacksFile is the receiver's journal inside the output directory.
const CallbacksFile = "callbacks.jsonl"

// clearOutDir removes an earlier run's evidence from dir before anything
// is written, so a run killed part-way never leaves the old run's sealed
// GO beside its own journal. Only uatrun's own file names are touched.
// (The CLI refuses a directory holding a run unless --force.)
func clearOutDir(dir string) error {
	if dir == "" {
		return nil
	}
	for _, name := range append(reporters.FileNames(), JournalFile, CallbacksFile) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clearing the earlier run from %s: %w", dir, err)
		}
	}
	return nil
}

func (s *Session) startReceiver() error {
	rc := s.o.Config.Receiver
	opts := receiver.Options{Addr: rc.Listen, MaxBody: rc.MaxBody, Clock: s.clocks, Redactor: s.red}
	if s.o.OutDir != "" {
		opts.JournalPath = filepath.Join(s.o.OutDir, CallbacksFile)
		if err := os.MkdirAll(s.o.OutDir, 0o755); err != nil {
			return err
		}
	}
	r, err := receiver.New(opts)
	if err != nil {
		return err
	}
	s.rcv = r
	return r.Start()
}

func (s *Session) startMerchant() error {
	m := &s.o.Config.Merchant
	if s.o.StartMerchant != nil {
		base, stop, err := s.o.StartMerchant(s.Env())
		if err != nil {
			return fmt.Errorf("starting the merchant: %w", err)
		}
		m.BaseURL, s.stopMerchant = base, stop
	}
	d, err := merchant.New(m.Actions, merchant.Options{BaseURL: m.BaseURL, Timeout: m.Timeout.D(), Clock: s.clocks, Redactor: s.red})
	if err != nil {
		return err
	}
	s.eng = engine.New(engine.Target{
		Gateway: s.gw, Merchant: driver{d}, Receiver: callbacks{s.rcv}, Clocks: s.clocks,
		Statuses: statusWords(m.Statuses), StepTimeout: s.o.Config.Run.StepTimeout.D(), RunID: s.runID,
		Settle: s.o.Config.Run.Settle.D(), Hold: s.o.Config.Run.HoldD(), WaitWithin: s.o.Config.Run.Wait.D(),
		Parallel: s.parallel(),
	})
	return nil
}

// Env describes the running harness to an in-process merchant.
func (s *Session) Env() Env {
	return Env{GatewayURL: s.gw.URL(), ReceiverURL: s.rcv.URL(), GatewayPublicKeyPEM: s.gw.PublicKeyPEM()}
}

// Engine is the engine scenarios run on.
func (s *Session) Engine() *engine.Engine { return s.eng }

// Selected lists the scenarios that run, in order.
func (s *Session) Selected() []*scenario.Scenario { return s.sel.Run }

// Clocks are the run's per-scenario test clocks.
func (s *Session) Clocks() *clock.TestClocks { return s.clocks }

// Gateway is the running emulator.
func (s *Session) Gateway() Gateway { return s.gw }

// RunID identifies the run.
func (s *Session) RunID() string { return s.runID }

// Close stops the merchant, receiver and emulator, and closes the journal.
func (s *Session) Close() error {
	var errs []error
	if s.stopMerchant != nil {
		errs = append(errs, s.stopMerchant())
		s.stopMerchant = nil
	}
	if s.rcv != nil {
		errs = append(errs, s.rcv.Close())
	}
	if s.gw != nil {
		errs = append(errs, s.gw.Close())
	}
	if s.journal != nil {
		errs = append(errs, s.journal.Close())
		s.journal = nil
	}
	return errors.Join(errs...)
}

// parallel is the number of scenarios that run at once.
func (s *Session) parallel() int {
	switch {
	case s.o.Parallel > 0:
		return s.o.Parallel
	case s.o.Config.Run.Parallel > 0:
		return s.o.Config.Run.Parallel
	}
	return DefaultParallel
}

// Plan is how the engine runs the selected scenarios.
func (s *Session) Plan() engine.Plan {
	return engine.Plan{Parallel: s.parallel(), FailFast: s.o.FailFast, Seed: s.o.Seed, Events: s.journalHooks()}
}

// orderText describes the run order and concurrency for the evidence.
func (s *Session) orderText() string {
	order := s.o.Order
	if order == "" {
		order = "file order"
	}
	if n := s.parallel(); n > 1 {
		return fmt.Sprintf("%s; up to %d scenarios at once (--parallel 1 runs them one by one)", order, n)
	}
	return order + "; one scenario at a time (--parallel 1)"
}

// RunDirect runs the selected scenarios without Ginkgo.
func (s *Session) RunDirect(ctx context.Context) {
	s.eng.Run(ctx, s.sel.Run, s.Plan(), s.Hooks())
}

func newRunID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// statusWords hands the engine each canonical state's words.
func statusWords(m map[string]config.Words) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

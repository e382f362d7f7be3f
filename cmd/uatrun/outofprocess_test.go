package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/testbuild"
	"github.com/uatrun/uatrun/scenarios"
)

// The product path: `uatrun run --config` against a merchant running in its
// own process, reached over HTTP only. Every bundled Go merchant is built as
// the standalone command a user starts, pointed at the emulator, and run
// with the uatrun config shipped beside it: the conforming merchant passes
// every mandatory scenario, and each of its faults fails the scenario the
// demo kit names for it.

// oopMerchant is one bundled merchant and the config that drives it.
type oopMerchant struct {
	gateway string // gateway id: the built-in pack and the demo kit
	cmd     string // the merchant command's package, from the module root
	config  string // its uatrun config, from the module root
	keys    bool   // the config names keys/…pem written by `uatrun keys --out keys`
	// addr is the merchant address written in the config (base_url and
	// notify_url); the test replaces it with a free port.
	addr      string
	envPrefix string // the command's flags fall back to variables with this prefix
	// edits are replacements (old, new, …) that point the config copied
	// into a run's directory at that directory's keys/.
	edits []string
	// args and env start the merchant the way the config's header says.
	args func(a oopAddrs) []string
	env  []string
}

// oopAddrs are the loopback host:port addresses of one run.
type oopAddrs struct{ emulator, receiver, merchant string }

var oopMerchants = []oopMerchant{
	{
		gateway: "dana-gapura", cmd: "./examples/shop/cmd/shop", config: "config.example.yaml", keys: true,
		addr: "127.0.0.1:8080", envPrefix: "SHOP_",
		args: func(a oopAddrs) []string {
			return []string{"--listen", a.merchant, "--gateway-url", "http://" + a.emulator,
				"--private-key", "keys/merchant.pem", "--gateway-public-key", "keys/gateway.pub.pem",
				"--partner-id", demo.PartnerID, "--merchant-id", demo.MerchantID,
				"--fulfilment-webhook", "http://" + a.receiver + "/hooks/fulfilment"}
		},
	},
	{
		gateway: "midtrans-snap", cmd: "./examples/midtrans-shop/cmd/midtrans-shop", config: "examples/midtrans-shop/uatrun.yaml",
		addr: "127.0.0.1:8082", envPrefix: "MIDTRANS_SHOP_",
		args: func(a oopAddrs) []string {
			return []string{"--listen", a.merchant, "--gateway-url", "http://" + a.emulator,
				"--server-key", demo.MidtransServerKey,
				"--fulfilment-webhook", "http://" + a.receiver + "/hooks/fulfilment"}
		},
	},
	{
		gateway: "purwantara", cmd: "./examples/purwantara-shop/cmd/purwantara-shop", config: "examples/purwantara-shop/uatrun.yaml",
		addr: "127.0.0.1:8081", envPrefix: "PPNSHOP_",
		args: func(a oopAddrs) []string {
			return []string{"--listen", a.merchant, "--gateway-url", "http://" + a.emulator,
				"--fulfilment-webhook", "http://" + a.receiver + "/hooks/fulfilment"}
		},
		env: []string{"PPNSHOP_API_TOKEN=" + demo.PurwantaraAPIToken, "PPNSHOP_WEBHOOK_SECRET=" + demo.PurwantaraWebhookSecret},
	},
	{
		gateway: "gopay-miniapp", cmd: "./examples/gopay-miniapp-shop/cmd/gopay-miniapp-shop", config: "examples/gopay-miniapp-shop/uatrun.yaml", keys: true,
		addr: "127.0.0.1:8084", envPrefix: "GOPAYMINI_SHOP_",
		args: func(a oopAddrs) []string {
			return []string{"--listen", a.merchant, "--gateway-url", "http://" + a.emulator,
				"--miniapp-credential", demo.GoPayMiniCredential,
				"--client-secret", demo.GoPayMiniClientSecret, "--partner-id", demo.GoPayMiniPartnerID,
				"--merchant-id", demo.GoPayMiniMerchantID, "--pop-id", demo.GoPayMiniPopID,
				"--private-key", "keys/merchant.pem", "--gateway-public-key", "keys/gateway.pub.pem",
				"--fulfilment-webhook", "http://" + a.receiver + "/hooks/fulfilment"}
		},
	},
	{
		gateway: "dana-widget", cmd: "./examples/dana-widget-shop/cmd/dana-widget-shop", config: "examples/dana-widget-shop/uatrun.yaml", keys: true,
		addr: "127.0.0.1:8085", envPrefix: "DANA_WIDGET_SHOP_",
		edits: []string{"../../keys/merchant.pub.pem", "keys/merchant.pub.pem", "../../keys/gateway.pem", "keys/gateway.pem"},
		args: func(a oopAddrs) []string {
			return []string{"--listen", a.merchant, "--gateway-url", "http://" + a.emulator,
				"--private-key", "keys/merchant.pem", "--gateway-public-key", "keys/gateway.pub.pem",
				"--partner-id", demo.PartnerID, "--merchant-id", demo.MerchantID}
		},
	},
	{
		gateway: "astapa", cmd: "./examples/astapa-shop/cmd/astapa-shop", config: "examples/astapa-shop/uatrun.yaml",
		addr: "127.0.0.1:8083", envPrefix: "ASTAPA_SHOP_",
		args: func(a oopAddrs) []string {
			return []string{"--listen", a.merchant, "--gateway-url", "http://" + a.emulator,
				"--client-id", demo.AstapaClientID,
				"--fulfilment-webhook", "http://" + a.receiver + "/hooks/fulfilment"}
		},
		env: []string{"ASTAPA_SHOP_CLIENT_SECRET=" + demo.AstapaClientSecret},
	},
}

// oopConcurrency is how many merchant + uatrun runs the matrix keeps in
// flight: four per -parallel slot (default GOMAXPROCS), at least 4.
func oopConcurrency() int {
	n := 4 * runtime.GOMAXPROCS(0)
	if f := flag.Lookup("test.parallel"); f != nil {
		if p, err := strconv.Atoi(f.Value.String()); err == nil && p > 0 {
			n = 4 * p
		}
	}
	return max(n, 4)
}

func TestOutOfProcess(t *testing.T) {
	t.Parallel() // its own temp dirs, ports and processes
	root := oopModuleRoot(t)
	bins := oopBuildMerchants(t, root)
	slots := make(chan struct{}, oopConcurrency())
	for _, m := range oopMerchants {
		t.Run(m.gateway, func(t *testing.T) {
			t.Parallel()
			oopMatrix(t, root, m, bins[m.gateway], slots)
		})
	}
}

// oopMatrix runs one merchant clean, then with each of its faults side by
// side (skipped under -short).
func oopMatrix(t *testing.T, root string, m oopMerchant, bin string, slots chan struct{}) {
	kit, err := demo.KitFor(m.gateway)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(root, m.config))
	if err != nil {
		t.Fatal(err)
	}
	g := &oopGateway{oopMerchant: m, bin: bin, cfg: string(cfg),
		env: oopChildEnv(string(cfg), m.envPrefix, m.env), slots: slots}
	if m.keys {
		g.keys = t.TempDir()
		if out, code := runBounded(t, g.keys, 30*time.Second, "keys", "--out", "keys"); code != 0 {
			t.Fatalf("uatrun keys: exit %d:\n%s", code, out)
		}
	}
	faults := g.listFaults(t)
	for _, f := range faults {
		if _, ok := kit.Catches[f]; !ok {
			t.Errorf("%s --fault list prints %q, which the demo kit's Catches does not name", filepath.Base(m.cmd), f)
		}
	}
	for f := range kit.Catches {
		if !slices.Contains(faults, f) {
			t.Errorf("the demo kit's Catches names %q, which %s --fault list does not print", f, filepath.Base(m.cmd))
		}
	}

	clean := g.clean(t)
	if testing.Short() {
		t.Log("-short: the fault sweep is skipped")
		return
	}
	// The fault runs go side by side, beyond -parallel (t.Run may be called
	// from several goroutines): a run spends most of its time with the
	// merchant and uatrun waiting on each other, not on a CPU. slots bounds
	// the runs in flight across all gateways.
	var wg sync.WaitGroup
	for _, f := range faults {
		want := kit.Catches[f]
		if want == "" {
			continue // reported above
		}
		wg.Go(func() {
			g.slots <- struct{}{}
			defer func() { <-g.slots }()
			t.Run(f, func(t *testing.T) { g.fault(t, f, want, clean) })
		})
	}
	wg.Wait()
}

// oopGateway is one merchant's matrix, shared by its subtests.
type oopGateway struct {
	oopMerchant
	bin  string   // the built merchant command
	cfg  string   // the shipped config's text
	env  []string // the environment of both processes
	keys string   // a directory holding keys/, or ""
	// slots bounds the runs in flight across gateways (see oopConcurrency).
	slots chan struct{}
	// uatrun is the uatrun binary its clean run uses; "" is raceUatrun, the one
	// built as the tests are (under -race when they are).
	uatrun string
}

// clean runs the conforming merchant: exit 0 and every mandatory scenario
// of the pack PASSED. It returns the verdicts by scenario id.
func (g *oopGateway) clean(t *testing.T) map[string]evidence.Scenario {
	pack, err := scenarios.Load(g.gateway)
	if err != nil {
		t.Fatal(err)
	}
	out, code, run := func() (string, int, *evidence.Run) {
		g.slots <- struct{}{}
		defer func() { <-g.slots }()
		return g.run(t, "clean", nil)
	}()
	byID := map[string]evidence.Scenario{}
	for _, sc := range run.Scenarios {
		byID[sc.ID] = sc
	}
	var bad []string
	passed := 0
	for _, sc := range pack.Scenarios {
		if !sc.Mandatory {
			continue
		}
		got, ok := byID[sc.ID]
		switch {
		case !ok:
			bad = append(bad, sc.ID+" missing from evidence.json")
		case got.Verdict != evidence.Passed:
			bad = append(bad, fmt.Sprintf("%s %s: %s", sc.ID, got.Verdict, oopWhy(got)))
		default:
			passed++
		}
	}
	t.Logf("clean %s: exit %d, %d of %d scenarios, %d mandatory PASSED, verdicts %v",
		g.gateway, code, len(run.Scenarios), len(pack.Scenarios), passed, run.Summary.ByVerdict)
	if code != 0 || len(bad) > 0 || !run.Summary.GoLive {
		t.Errorf("clean %s merchant: exit %d (want 0), go-live %v, %d mandatory scenarios did not pass:\n  %s\n\n%s",
			g.gateway, code, run.Summary.GoLive, len(bad), strings.Join(bad, "\n  "), out)
	}
	return byID
}

// fault runs the merchant with one fault: exit 1 and the scenario the kit
// names FAILED (never ERRORED: a merchant bug is judged, not a stopped
// run; only a scenario whose setup: could not proceed may be ERRORED,
// see oopSetupStopped). A catch counts only when that scenario passes on the clean
// merchant; otherwise the FAILED shows nothing about the fault.
func (g *oopGateway) fault(t *testing.T, fault, want string, clean map[string]evidence.Scenario) {
	// Only the scenario that catches the fault runs: the clean run already
	// showed every other one passes, and a whole pack per fault would spend
	// the CI's time waiting out settle windows.
	out, code, run := g.runWith(t, bin, fault, []string{"--scenario", "^" + want + " "}, fault)
	var got *evidence.Scenario
	var errored []string
	for i, sc := range run.Scenarios {
		if sc.ID == want {
			got = &run.Scenarios[i]
		}
		if sc.Verdict == evidence.Errored && !oopSetupStopped(sc) {
			errored = append(errored, fmt.Sprintf("%s: %s", sc.ID, oopWhy(sc)))
		}
	}
	if got == nil {
		t.Fatalf("fault %s: %s is not in evidence.json (exit %d):\n%s", fault, want, code, out)
	}
	t.Logf("fault %s: exit %d, %s %s: %s", fault, code, want, got.Verdict, oopWhy(*got))
	if code != 1 || got.Verdict != evidence.Failed {
		t.Errorf("fault %s: exit %d and %s %s (%s); want exit 1 and %s FAILED", fault, code, want, got.Verdict, oopWhy(*got), want)
	}
	if len(errored) > 0 {
		t.Errorf("fault %s: scenarios ERRORED; a merchant bug must FAIL, not stop the run:\n  %s", fault, strings.Join(errored, "\n  "))
	}
	if c := clean[want]; got.Verdict == evidence.Failed && c.Verdict != evidence.Passed {
		t.Errorf("fault %s: %s FAILED, but it does not pass on the clean merchant either (%s: %s), so the catch is unproven",
			fault, want, c.Verdict, oopWhy(c))
	}
}

// oopSetupReason starts the reason of a setup: step that could not proceed
// (harness/engine/setup.go).
const oopSetupReason = "setup could not proceed, so the rule under test was not reached: "

// oopSetupStopped reports whether an ERRORED scenario stopped in its
// setup: section (the first step that did not pass is a setup step,
// ERRORED with the engine's setup reason): it never reached its rule, so
// ERRORED is its right verdict under a fault that breaks what it builds
// on. The fault's own scenario must still FAIL.
func oopSetupStopped(sc evidence.Scenario) bool {
	if sc.Verdict != evidence.Errored {
		return false
	}
	for _, st := range sc.Steps {
		if st.Verdict == evidence.Passed {
			continue
		}
		return st.Setup && st.Verdict == evidence.Errored && strings.HasPrefix(st.Reason, oopSetupReason) &&
			strings.Contains(sc.Reason, oopSetupReason)
	}
	return false
}

// run starts the merchant with faults, writes the config with this run's
// ports and runs `uatrun run` against it. A port another process took
// between picking and binding gets fresh ports and another attempt.
func (g *oopGateway) run(t *testing.T, name string, extra []string, faults ...string) (string, int, *evidence.Run) {
	t.Helper()
	return g.runWith(t, cmp.Or(g.uatrun, raceUatrun(t)), name, extra, faults...)
}

// runWith is run with the given uatrun binary.
func (g *oopGateway) runWith(t *testing.T, uatrunBin, name string, extra []string, faults ...string) (string, int, *evidence.Run) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		dir := t.TempDir()
		a := oopFreeAddrs(t)
		g.writeConfig(t, dir, a)
		m, err := oopStartMerchant(t, dir, g.bin, append(g.args(a), oopFaultArgs(faults)...), g.env, a.merchant)
		if err != nil {
			if attempt < 3 && strings.Contains(err.Error(), "address already in use") {
				continue
			}
			t.Fatalf("%s %s: %v", g.gateway, name, err)
		}
		args := append([]string{"run", "--config", "uatrun.yaml", "--no-color"}, extra...)
		out, code := oopRunUatrun(t, uatrunBin, dir, g.env, 2*time.Minute, args...)
		m.stop(t)
		if name == "clean" && code != 0 {
			// What the merchant logged is half the story of a clean run
			// that failed (a queued job it dropped, a call that failed).
			t.Logf("%s merchant's log:\n%s", g.gateway, m.output())
		}
		// Ports are picked free, then bound: another process may take one
		// in between, and the readiness probe may even have reached that
		// process while this merchant was failing to bind. Fresh ports.
		lost := strings.Contains(out, "address already in use") || strings.Contains(m.output(), "address already in use") ||
			(code == 3 && strings.Contains(out, "preflight: the merchant does not answer"))
		if code != 0 && attempt < 3 && lost {
			continue
		}
		if strings.Contains(out, "DATA RACE") {
			t.Errorf("uatrun run reported a data race:\n%s", out)
		}
		assertNoCrash(t, out)
		p := filepath.Join(dir, "uat-evidence", "evidence.json")
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s %s: exit %d and no evidence.json:\n%s", g.gateway, name, code, out)
		}
		return out, code, readEvidence(t, p)
	}
}

// writeConfig copies the shipped config into dir with this run's
// addresses, and the keys beside it when the gateway uses them.
func (g *oopGateway) writeConfig(t testing.TB, dir string, a oopAddrs) {
	t.Helper()
	edits := []string{
		"listen: 127.0.0.1:9080", "listen: " + a.emulator,
		"listen: 127.0.0.1:9081", "listen: " + a.receiver,
		"base_url: http://" + g.addr, "base_url: http://" + a.merchant,
	}
	if strings.Contains(g.cfg, "notify_url:") {
		edits = append(edits, "notify_url: http://"+g.addr+"/", "notify_url: http://"+a.merchant+"/")
	}
	cfg := replaceEach(t, "uatrun.yaml", g.cfg, append(edits, g.edits...)...)
	if err := os.WriteFile(filepath.Join(dir, "uatrun.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if g.keys == "" {
		return
	}
	if err := os.Mkdir(filepath.Join(dir, "keys"), 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := os.ReadDir(filepath.Join(g.keys, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(g.keys, "keys", f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "keys", f.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// listFaults is what `--fault list` prints: one fault name per line.
func (g *oopGateway) listFaults(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, g.bin, "--fault", "list")
	cmd.Env = g.env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s --fault list: %v", g.bin, err)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			names = append(names, f[0])
		}
	}
	if len(names) == 0 {
		t.Fatalf("%s --fault list printed no faults", g.bin)
	}
	return names
}

func oopFaultArgs(faults []string) []string {
	var args []string
	for _, f := range faults {
		args = append(args, "--fault", f)
	}
	return args
}

// oopWhy is a scenario's reason with the answer that failed it, if any.
func oopWhy(sc evidence.Scenario) string {
	if sc.Reason == "" && sc.Verdict == "" {
		return "not run"
	}
	reason := sc.Reason
	for _, st := range sc.Steps {
		if st.Verdict == evidence.Passed || len(st.Exchanges) == 0 {
			continue
		}
		if r := st.Exchanges[len(st.Exchanges)-1].Response; r != nil && r.Body != "" {
			body := strings.Join(strings.Fields(r.Body), " ")
			if len(body) > 240 {
				body = body[:240] + "…"
			}
			reason += fmt.Sprintf(" [answer HTTP %d %s]", r.Status, body)
		}
		break
	}
	return reason
}

// oopModuleRoot is the repository root, two levels above this package.
func oopModuleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	return root
}

// oopBuildMerchants builds every merchant command once and returns the
// binaries by gateway. They are built without the race detector even under
// -race: the merchants are examples (their own packages' tests run them
// under -race in process), and here they only serve the matrix, where an
// instrumented merchant would multiply the CPU every fault run costs.
// They are built once per test process, beside the uatrun binary, for
// every test that runs them.
func oopBuildMerchants(t testing.TB, root string) map[string]string {
	t.Helper()
	merchants.once.Do(func() {
		dir := filepath.Join(filepath.Dir(bin), "merchants")
		args := []string{"build", "-o", dir + string(filepath.Separator)}
		for _, m := range oopMerchants {
			args = append(args, m.cmd)
		}
		if out, err := testbuild.Go(root, 10*time.Minute, args...); err != nil {
			merchants.err = fmt.Errorf("%v\n%s", err, out)
			return
		}
		merchants.bins = map[string]string{}
		for _, m := range oopMerchants {
			merchants.bins[m.gateway] = filepath.Join(dir, filepath.Base(m.cmd))
		}
	})
	if merchants.err != nil {
		t.Fatal(merchants.err)
	}
	return merchants.bins
}

var merchants struct {
	once sync.Once
	bins map[string]string
	err  error
}

// oopChildEnv is this process's environment without anything that would
// change the run behind the test's back: the merchant command's flag
// fallbacks (SHOP_FAULT, …) and the variables the config reads through
// ${…}; then extra.
func oopChildEnv(cfg, prefix string, extra []string) []string {
	refs := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(cfg, -1) {
		refs[m[1]] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if refs[name] || strings.HasPrefix(name, prefix) {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// oopFreeAddrs picks three distinct free loopback ports.
func oopFreeAddrs(t testing.TB) oopAddrs {
	t.Helper()
	var addrs []string
	var lns []net.Listener
	for range 3 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		addrs = append(addrs, ln.Addr().String())
	}
	for _, ln := range lns {
		ln.Close()
	}
	return oopAddrs{emulator: addrs[0], receiver: addrs[1], merchant: addrs[2]}
}

// oopRunUatrun is runBounded with an explicit environment.
func oopRunUatrun(t testing.TB, uatrunBin, dir string, env []string, limit time.Duration, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, uatrunBin, args...)
	cmd.Dir, cmd.Env = dir, env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("uatrun %s did not finish within %s:\n%s", strings.Join(args, " "), limit, out.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

// oopProc is a merchant command running in its own process.
type oopProc struct {
	cmd    *exec.Cmd
	log    string // its stdout and stderr
	exited chan struct{}
	once   sync.Once
}

// oopStartMerchant starts bin in dir and waits (bounded) until addr answers
// HTTP. The process is stopped on cleanup at the latest.
func oopStartMerchant(t testing.TB, dir, bin string, args, env []string, addr string) (*oopProc, error) {
	t.Helper()
	m := &oopProc{log: filepath.Join(dir, "merchant.log"), exited: make(chan struct{})}
	logf, err := os.Create(m.log)
	if err != nil {
		return nil, err
	}
	m.cmd = exec.Command(bin, args...)
	m.cmd.Dir, m.cmd.Env = dir, env
	m.cmd.Stdout, m.cmd.Stderr = logf, logf
	if err := m.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() { m.cmd.Wait(); logf.Close(); close(m.exited) }()
	t.Cleanup(func() { m.stop(t) })

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-m.exited:
			return nil, fmt.Errorf("%s %s exited before it answered: %s", filepath.Base(bin), strings.Join(args, " "), m.output())
		default:
		}
		resp, err := client.Get("http://" + addr + "/orders/uatrun-readiness-probe")
		if err == nil {
			resp.Body.Close()
			select {
			case <-m.exited: // whatever answered, it was not this merchant
				return nil, fmt.Errorf("%s %s exited: %s", filepath.Base(bin), strings.Join(args, " "), m.output())
			default:
				return m, nil
			}
		}
		if time.Now().After(deadline) {
			m.stop(t)
			return nil, fmt.Errorf("%s did not answer on %s within 30s: %v\n%s", filepath.Base(bin), addr, err, m.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the merchant (SIGTERM, then SIGKILL after 5s), waits for it,
// and fails the test when its log shows a data race.
func (m *oopProc) stop(t testing.TB) {
	m.once.Do(func() {
		m.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-m.exited:
		case <-time.After(5 * time.Second):
			m.cmd.Process.Kill()
			<-m.exited
		}
		if out := m.output(); strings.Contains(out, "DATA RACE") {
			t.Errorf("the merchant reported a data race:\n%s", out)
		}
	})
}

func (m *oopProc) output() string {
	b, _ := os.ReadFile(m.log)
	return string(b)
}

// The configs shipped beside the merchants say what the demo kits say:
// the same actions, statuses and gateway identity and secrets (the
// notification URL the kits set on the emulator's dashboard is
// gateway.notify_url in a config file).
func TestOutOfProcess_ConfigsMatchDemoKits(t *testing.T) {
	root := oopModuleRoot(t)
	for _, m := range oopMerchants {
		if m.keys {
			continue // config.example.yaml is the user-facing starter, checked by the matrix
		}
		t.Run(m.gateway, func(t *testing.T) {
			kit, err := demo.KitFor(m.gateway)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []string{"MIDTRANS_SERVER_KEY", "PURWANTARA_API_TOKEN", "PURWANTARA_WEBHOOK_SECRET", "ASTAPA_CLIENT_ID", "ASTAPA_CLIENT_SECRET"} {
				t.Setenv(v, "")
			}
			got, err := config.Load(filepath.Join(root, m.config))
			if err != nil {
				t.Fatal(err)
			}
			want := kit.Config()
			if got.Gateway.Name != want.Gateway.Name || got.Gateway.PartnerID != want.Gateway.PartnerID ||
				got.Gateway.MerchantID != want.Gateway.MerchantID || got.Gateway.ServerKey != want.Gateway.ServerKey ||
				got.Gateway.ClientSecret != want.Gateway.ClientSecret {
				t.Errorf("gateway: got %+v, want the kit's %+v", got.Gateway, want.Gateway)
			}
			if got.Gateway.NotifyURL == "" {
				t.Error("gateway.notify_url is empty: the emulator would not know where to send notifications")
			}
			if !reflect.DeepEqual(got.Merchant.Statuses, want.Merchant.Statuses) {
				t.Errorf("statuses: got %v, want %v", got.Merchant.Statuses, want.Merchant.Statuses)
			}
			names := func(a map[string]config.Action) []string {
				var s []string
				for k := range a {
					s = append(s, k)
				}
				sort.Strings(s)
				return s
			}
			if g, w := names(got.Merchant.Actions), names(want.Merchant.Actions); !slices.Equal(g, w) {
				t.Errorf("actions: got %v, want %v", g, w)
			}
			for name, w := range want.Merchant.Actions {
				g, ok := got.Merchant.Actions[name]
				if !ok {
					continue
				}
				if !strings.EqualFold(g.Method, w.Method) || g.Path != w.Path || !reflect.DeepEqual(g.JSON, w.JSON) || !reflect.DeepEqual(g.Capture, w.Capture) {
					t.Errorf("action %s: got %s %s json %v capture %v; want %s %s json %v capture %v",
						name, g.Method, g.Path, g.JSON, g.Capture, w.Method, w.Path, w.JSON, w.Capture)
				}
			}
			if out, code := uatrun(t, root, "validate", "--config", m.config); code != 0 {
				t.Errorf("uatrun validate --config %s: exit %d:\n%s", m.config, code, out)
			}
		})
	}
}

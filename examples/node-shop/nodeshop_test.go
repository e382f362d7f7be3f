// Package nodeshop_test runs uatrun against the Node.js example shop as a
// user would: the built uatrun binary, the shop as a separate `node`
// process, HTTP between them and nothing shared. It proves the DANA pack
// judges a merchant in another language, and that each of the shop's
// deliberate faults is caught by the scenario about that rule.
package nodeshop_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
	"github.com/uatrun/uatrun/harness/testbuild"
	"github.com/uatrun/uatrun/scenarios"
)

const (
	partnerID  = "uatrun-demo-partner"
	merchantID = "216620000000000000000"
	// Bounds on every wait, generous for a loaded CI machine under -race.
	buildLimit = 5 * time.Minute
	runLimit   = 5 * time.Minute
	readyLimit = 30 * time.Second
	stopLimit  = 10 * time.Second
)

// faults maps each of the shop's deliberate bugs to the mandatory
// scenarios that must FAIL because of it, and only those (the same ones
// examples/shop's faults of the same name break).
var faults = []struct {
	name       string
	mustFail   []string
	customFail bool // NODE-FULFIL-01 fails too
}{
	{"notify-no-verify", []string{"DANA-SIG-01", "DANA-SIG-03", "DANA-SIG-04"}, false},
	{"notify-double-fulfil", []string{"DANA-IDEM-01", "DANA-IDEM-02", "DANA-SIG-07"}, true},
	{"trust-return-redirect", []string{"DANA-PAY-02", "DANA-PAY-07"}, false},
}

func TestNodeShop_PassesTheDanaPackAndEveryFaultIsCaught(t *testing.T) {
	node := requireNode(t)
	root := repoRoot(t)
	work := t.TempDir()
	bin := buildUatrun(t, root, work)
	if out, code := runBounded(t, work, bin, "keys", "--out", "keys"); code != 0 {
		t.Fatalf("uatrun keys: exit %d:\n%s", code, out)
	}

	// Each run has its own shop process, ports, database file and
	// evidence directory, and mostly waits on the two processes, so the
	// runs overlap.
	t.Run("conforming", func(t *testing.T) {
		t.Parallel()
		run, code, out := runAgainstShop(t, node, root, work, bin, "conforming")
		mandatory := mandatoryIDs(t)
		for _, sc := range run.Scenarios {
			if mandatory[sc.ID] && sc.Verdict != evidence.Passed {
				t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
			}
			if sc.ID == "NODE-FULFIL-01" && sc.Verdict != evidence.Passed {
				t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
			}
		}
		if got := ran(run); !containsAll(got, keys(mandatory)) || !slices.Contains(got, "NODE-FULFIL-01") {
			t.Errorf("the run did not judge every mandatory DANA scenario and NODE-FULFIL-01; it ran %v", got)
		}
		if code != 0 || !run.Summary.GoLive {
			t.Errorf("exit %d, go-live %v; want 0 and true:\n%s", code, run.Summary.GoLive, out)
		}
	})

	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			if testing.Short() {
				t.Skip("runs the whole pack once per fault")
			}
			t.Parallel()
			run, code, out := runAgainstShop(t, node, root, work, bin, f.name, "--fault", f.name)
			if code != 1 {
				t.Errorf("exit %d, want 1:\n%s", code, out)
			}
			verdicts := map[string]evidence.Verdict{}
			for _, sc := range run.Scenarios {
				verdicts[sc.ID] = sc.Verdict
				if sc.Verdict == evidence.Errored {
					t.Errorf("%s ERRORED (%s): a merchant bug must FAIL, not stop the judging", sc.ID, sc.Reason)
				}
			}
			want := f.mustFail
			if f.customFail {
				want = append(slices.Clone(want), "NODE-FULFIL-01")
			}
			for _, id := range want {
				if verdicts[id] != evidence.Failed {
					t.Errorf("%s is %q, want FAILED: the fault %s breaks its rule", id, verdicts[id], f.name)
				}
			}
			// A fault is one bug: every other mandatory scenario still passes,
			// as with examples/shop's fault of the same name.
			for id := range mandatoryIDs(t) {
				if !slices.Contains(want, id) && verdicts[id] != evidence.Passed {
					t.Errorf("%s is %q, want PASSED: the fault %s should break only %v", id, verdicts[id], f.name, f.mustFail)
				}
			}
		})
	}
}

// The notify signature covers the minified body. The emulator sends bodies
// already minified, so the pack never exercises the shop's minifier; this
// test does, against the harness's own string to sign.
func TestNodeShop_MinifyMatchesTheHarnessStringToSign(t *testing.T) {
	node := requireNode(t)
	root := repoRoot(t)
	bodies := []string{
		"{ \"a\" : 1 ,\n  \"b\" : [ 1 , 2 , { } ] }\n",
		"{\r\n\t\"amount\": {\"value\": \"15000.00\", \"currency\": \"IDR\"}\r\n}",
		`{"desc": "Paid, thanks", "k": "a: b", "sp": "  two  spaces  "}`,
		`{"q": "say \"hi\" , ok", "bs": "back\\slash", "end": "\\"}`,
		`{"esc": "x\" y", "after": " z "}`,
		`{"u": "\u00e9 é 中文 \ud83d\ude00 \u0022", "html": "<a&b>", "tab": "x\ty"}`,
		`  { "n" : -1.5e+10 , "t" : true , "f" : false , "x" : null }  `,
		"[ ]",
		`{"extendInfo": "{\"closedReason\": \"expired\" , \"x\": 1}"}`,
	}
	ts := "2026-05-12T10:20:30+07:00"
	var in bytes.Buffer
	for _, b := range bodies {
		in.WriteString(base64.StdEncoding.EncodeToString([]byte(b)) + "\n")
	}
	script := `const d = require(process.argv[1]);
let s = ''; process.stdin.on('data', (c) => { s += c; }).on('end', () => {
  for (const l of s.split('\n').filter(Boolean)) {
    console.log(d.stringToSign('POST', '/v1.0/debit/notify', Buffer.from(l, 'base64'), process.argv[2]));
  }
});`
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "-e", script, filepath.Join(root, "examples", "node-shop", "dana.js"), ts)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(got) != len(bodies) {
		t.Fatalf("node printed %d lines for %d bodies:\n%s", len(got), len(bodies), out)
	}
	for i, b := range bodies {
		want, err := snap.AsymmetricStringToSign("POST", "/v1.0/debit/notify", []byte(b), ts)
		if err != nil {
			t.Fatalf("body %d is not JSON: %v", i, err)
		}
		if got[i] != want {
			min, _ := snap.Minify([]byte(b))
			sum := sha256.Sum256(min)
			t.Errorf("body %q:\n node %s\n want %s (minified %q, sha256 %s)", b, got[i], want, min, hex.EncodeToString(sum[:]))
		}
	}
}

// runAgainstShop starts the Node shop on free ports with extra flags, runs
// the DANA pack plus the shop's own scenario against it, and returns the
// evidence, the exit code and the output.
func runAgainstShop(t *testing.T, node, root, work, bin, name string, shopArgs ...string) (*evidence.Run, int, string) {
	t.Helper()
	shopAddr, emuAddr, recvAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	args := append([]string{filepath.Join(root, "examples", "node-shop", "server.js"),
		"--listen", shopAddr,
		"--gateway-url", "http://" + emuAddr,
		"--partner-id", partnerID, "--merchant-id", merchantID,
		"--private-key", filepath.Join(work, "keys", "merchant.pem"),
		"--gateway-public-key", filepath.Join(work, "keys", "gateway.pub.pem"),
		"--db", filepath.Join(work, name+".json"),
		"--fulfilment-webhook", "http://" + recvAddr + "/hooks/fulfilment",
	}, shopArgs...)
	shop := startShop(t, node, args)
	shop.waitReady(t, shopAddr)

	cfg := filepath.Join(work, name+".yaml")
	writeConfig(t, filepath.Join(root, "examples", "node-shop", "uatrun.yaml"), cfg,
		"127.0.0.1:8080", shopAddr, "127.0.0.1:9080", emuAddr, "127.0.0.1:9081", recvAddr)
	outDir := filepath.Join(work, "evidence-"+name)
	out, code := runBounded(t, work, bin, "run", "--config", cfg, "--no-color", "--out", outDir,
		"--scenarios", filepath.Join(root, "examples", "node-shop", "uat"))
	if code != 0 && code != 1 {
		t.Fatalf("uatrun run: exit %d (nothing judged):\n%s\nshop log:\n%s", code, out, shop.output())
	}
	t.Logf("uatrun run against the Node shop (%s): exit %d\n%s", name, code, summaryLines(out))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("shop log:\n%s", shop.output())
		}
	})
	return readEvidence(t, filepath.Join(outDir, "evidence.json")), code, out
}

// requireNode returns the node binary, or skips the test when Node.js 18+
// is missing, unless UATRUN_REQUIRE_NODE=1 makes that a failure (CI).
func requireNode(t *testing.T) string {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("UATRUN_REQUIRE_NODE") == "1" {
			t.Fatalf("%s, and UATRUN_REQUIRE_NODE=1", why)
		}
		t.Skipf("%s: skipping the Node.js shop (install Node.js 18+, or set UATRUN_REQUIRE_NODE=1 to fail instead)", why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		missing(fmt.Sprintf("node --version failed: %v", err))
	}
	m := regexp.MustCompile(`^v(\d+)\.`).FindStringSubmatch(strings.TrimSpace(string(v)))
	if m == nil {
		missing(fmt.Sprintf("node --version printed %q", v))
	}
	if major, _ := strconv.Atoi(m[1]); major < 18 {
		missing(fmt.Sprintf("node %s is older than 18 (global fetch, util.parseArgs)", strings.TrimSpace(string(v))))
	}
	return node
}

// repoRoot is the module root: the test runs in examples/node-shop.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "uatrun")); err != nil {
		t.Fatalf("%s is not the uatrun repository: %v", root, err)
	}
	return root
}

// buildUatrun builds the CLI as a user gets it: without the race
// detector, even under -race. The point here is the Node merchant; the
// same engine runs under -race in cmd/uatrun's and harness/demo's tests,
// and a race build would only make every one of these whole-pack runs
// cost twice the CPU.
func buildUatrun(t *testing.T, root, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "uatrun")
	if out, err := testbuild.Go(root, buildLimit, "build", "-o", bin, "./cmd/uatrun"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return bin
}

// runBounded runs the uatrun binary in dir and fails the test if it
// outlives runLimit, so a hang fails instead of stalling the suite.
func runBounded(t *testing.T, dir, bin string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("uatrun %s did not finish within %s:\n%s", strings.Join(args, " "), runLimit, out.String())
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

// freeAddr is a loopback address that was free a moment ago. The tiny
// window before the shop or uatrun binds it is acceptable for a test.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// shopProcess is the Node shop running as a child process.
type shopProcess struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	mu   sync.Mutex
	log  bytes.Buffer
}

func (p *shopProcess) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.Write(b)
}

func (p *shopProcess) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// startShop starts node with args; t.Cleanup stops it (SIGTERM, then kill).
func startShop(t *testing.T, node string, args []string) *shopProcess {
	t.Helper()
	p := &shopProcess{done: make(chan struct{})}
	p.cmd = exec.Command(node, args...)
	// The shop reads SHOP_* variables for flags not given; a developer's
	// SHOP_FAULT must not turn the conforming run into a faulty one.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SHOP_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start node: %v", err)
	}
	go func() {
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
			return
		default:
		}
		p.cmd.Process.Signal(syscall.SIGTERM) // graceful: queued writes finish
		select {
		case <-p.done:
		case <-time.After(stopLimit):
			t.Errorf("the shop did not stop within %s of SIGTERM; killing it", stopLimit)
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitReady polls the shop until it answers HTTP, bounded by readyLimit; it
// fails at once if the process exits.
func (p *shopProcess) waitReady(t *testing.T, addr string) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyLimit)
	for {
		resp, err := client.Get("http://" + addr + "/orders/ORD-readiness-probe")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusNotFound {
				return
			}
		}
		select {
		case <-p.done:
			t.Fatalf("the shop exited before listening: %v\n%s", p.cmd.ProcessState, p.output())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the shop did not answer on %s within %s:\n%s", addr, readyLimit, p.output())
		}
	}
}

// writeConfig copies the shop's uatrun.yaml with addresses replaced; each
// old address must be present, so a changed config cannot silently make the
// test drive the wrong ports.
func writeConfig(t *testing.T, from, to string, oldNew ...string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(s, oldNew[i]) {
			t.Fatalf("%s has no %q to replace", from, oldNew[i])
		}
		s = strings.ReplaceAll(s, oldNew[i], oldNew[i+1])
	}
	if err := os.WriteFile(to, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readEvidence(t *testing.T, path string) *evidence.Run {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var run evidence.Run
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &run
}

// mandatoryIDs are the mandatory scenarios of the built-in DANA pack.
func mandatoryIDs(t *testing.T) map[string]bool {
	t.Helper()
	pack, err := scenarios.Load("dana-gapura")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, sc := range pack.Scenarios {
		if sc.Mandatory {
			ids[sc.ID] = true
		}
	}
	if len(ids) == 0 {
		t.Fatal("the DANA pack has no mandatory scenarios")
	}
	return ids
}

// ran lists the scenarios the run judged (not SKIPPED).
func ran(run *evidence.Run) []string {
	var ids []string
	for _, sc := range run.Scenarios {
		if sc.Verdict != evidence.Skipped {
			ids = append(ids, sc.ID)
		}
	}
	return ids
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// summaryLines keeps the verdict lines of uatrun's output for the test log.
func summaryLines(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "PASSED") || strings.HasPrefix(l, "FAILED") || strings.HasPrefix(l, "ERRORED") ||
			strings.HasPrefix(l, "REVIEW") || strings.Contains(l, "scenarios:") || strings.Contains(l, "go-live") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

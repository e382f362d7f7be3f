package danawidgetshop_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	danawidgetshop "github.com/uatrun/uatrun/examples/dana-widget-shop"
)

// catches names, per fault, the mandated scenario that must FAIL when the
// shop runs with it (the demo kit holds the same map).
var catches = map[string]string{
	"stores-auth-code": "DANAW-BIND-01", "bind-ignores-token-error": "DANAW-BIND-02", "never-refreshes": "DANAW-TOKEN-01",
	"reuse-ott": "DANAW-OTT-01", "keeps-token-after-unbind": "DANAW-UNBIND-01", "trust-return-redirect": "DANAW-PAY-02",
	"notify-no-verify": "DANAW-SIG-01", "notify-double-fulfil": "DANAW-IDEM-01", "cancel-local-only": "DANAW-CANCEL-01",
	"cancel-ignores-gateway-error": "DANAW-CANCEL-02", "over-refund": "DANAW-REFUND-02", "new-reference-on-retry": "DANAW-IDEM-03",
	"reconcile-ignores-query": "DANAW-PAY-03", "oauth-ignores-state": "DANAW-BIND-05", "notify-ignores-amount": "DANAW-PAY-04",
	"notify-ignores-status": "DANAW-PAY-05", "notify-unsigned-accepted": "DANAW-SIG-03", "echoes-tokens": "DANAW-TOKEN-02",
	"paid-after-cancel": "DANAW-CANCEL-03", "reuse-external-id": "DANAW-IDEM-05", "refund-ignores-gateway-error": "DANAW-REFUND-03",
	"tokens-by-masked-phone": "DANAW-BIND-06", "refund-new-reference-on-retry": "DANAW-IDEM-04",
	"notify-verifies-reserialised": "DANAW-SIG-02", "notify-trusts-seen-signature": "DANAW-SIG-04", "notify-pays-unless-paid": "DANAW-SIG-05",
	"fulfil-check-then-act": "DANAW-IDEM-02", "trust-return-from-cashier": "DANAW-PAY-06", "ship-queue-ignores-cancel": "DANAW-CANCEL-03",
	"timestamp-utc-as-jakarta": "DANAW-BIND-01",
}

// TestOutOfProcess builds uatrun and the shop, starts the shop as its own
// process and runs `uatrun run --config uatrun.yaml` against it: clean it
// exits 0 with every mandatory scenario PASSED; with each fault it exits 1
// with the catching scenario FAILED.
func TestOutOfProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries and runs the pack once per fault")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	uatrun, shop := filepath.Join(bin, "uatrun"), filepath.Join(bin, "dana-widget-shop")
	// Both binaries at once: the builds mostly wait on the compiler
	// and linker of the other.
	builds := map[string]string{uatrun: "./cmd/uatrun", shop: "./examples/dana-widget-shop/cmd/dana-widget-shop"}
	errs := make(chan string, len(builds))
	for out, pkg := range builds {
		go func() {
			cmd := exec.Command("go", "build", "-o", out, pkg)
			cmd.Dir = root
			if b, err := cmd.CombinedOutput(); err != nil {
				errs <- "go build " + pkg + ": " + err.Error() + "\n" + string(b)
				return
			}
			errs <- ""
		}()
	}
	for range builds {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
	dir := t.TempDir()
	if b, err := exec.Command(uatrun, "keys", "--out", filepath.Join(dir, "keys")).CombinedOutput(); err != nil {
		t.Fatalf("uatrun keys: %v\n%s", err, b)
	}
	var names []string
	for _, f := range danawidgetshop.Faults() {
		names = append(names, f.Name)
		if catches[f.Name] == "" {
			t.Errorf("fault %s has no catching scenario in this test", f.Name)
		}
	}
	if len(catches) != len(names) {
		t.Errorf("the test names %d faults, the shop has %d", len(catches), len(names))
	}
	// Every run has its own shop process, ports and evidence directory,
	// and mostly waits on the merchant, so the runs overlap (go test
	// -parallel bounds how many at once).
	t.Run("clean", func(t *testing.T) {
		t.Parallel()
		code, run := runOnce(t, root, dir, uatrun, shop, "", nil)
		if code != 0 {
			t.Fatalf("exit %d, want 0", code)
		}
		for _, sc := range run.Scenarios {
			if sc.Mandatory && sc.Verdict != "PASSED" {
				t.Errorf("%s %s", sc.ID, sc.Verdict)
			}
		}
	})
	sort.Strings(names)
	for _, f := range names {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			want := catches[f]
			code, run := runOnce(t, root, dir, uatrun, shop, f, []string{"--scenario", "^" + want + " "})
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			got := ""
			for _, sc := range run.Scenarios {
				if sc.ID == want {
					got = sc.Verdict
				}
			}
			if got != "FAILED" {
				t.Errorf("%s is %q, want FAILED", want, got)
			}
		})
	}
}

type evidenceRun struct {
	Scenarios []struct {
		ID        string `json:"id"`
		Mandatory bool   `json:"mandatory"`
		Verdict   string `json:"verdict"`
	} `json:"scenarios"`
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// runOnce starts the shop (with fault, if any) on a free port, writes the
// shipped uatrun.yaml with free ports and the test's keys, and runs it.
func runOnce(t *testing.T, root, keysDir, uatrun, shop, fault string, extra []string) (int, evidenceRun) {
	t.Helper()
	emu, rcv, mer := freeAddr(t), freeAddr(t), freeAddr(t)
	cfg, err := os.ReadFile(filepath.Join(root, "examples/dana-widget-shop/uatrun.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer("127.0.0.1:9080", emu, "127.0.0.1:9081", rcv, "127.0.0.1:8085", mer,
		"../../keys/", filepath.Join(keysDir, "keys")+"/").Replace(string(cfg))
	work := t.TempDir()
	cfgPath := filepath.Join(work, "uatrun.yaml")
	if err := os.WriteFile(cfgPath, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--listen", mer, "--gateway-url", "http://" + emu, "--private-key", filepath.Join(keysDir, "keys/merchant.pem"),
		"--gateway-public-key", filepath.Join(keysDir, "keys/gateway.pub.pem"), "--partner-id", "uatrun-demo-partner", "--merchant-id", "216620000000000000000"}
	if fault != "" {
		args = append(args, "--fault", fault)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	m := exec.CommandContext(ctx, shop, args...)
	m.Env = append(os.Environ(), "DANA_WIDGET_SHOP_FAULT=")
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = m.Process.Kill(); _ = m.Wait() }()
	waitUp(t, "http://"+mer+"/healthz")
	out := filepath.Join(work, "ev")
	r := exec.CommandContext(ctx, uatrun, append([]string{"run", "--config", cfgPath, "--out", out, "--no-color"}, extra...)...)
	b, _ := r.CombinedOutput()
	code := r.ProcessState.ExitCode()
	var run evidenceRun
	raw, err := os.ReadFile(filepath.Join(out, "evidence.json"))
	if err != nil {
		t.Fatalf("no evidence (exit %d): %v\n%s", code, err, b)
	}
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatal(err)
	}
	if t.Failed() || testing.Verbose() {
		t.Log(tail(string(b), 2000))
	}
	return code, run
}

func waitUp(t *testing.T, url string) {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the shop did not answer at %s", url)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

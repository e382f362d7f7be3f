package gopayminishop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gopayminishop "github.com/uatrun/uatrun/examples/gopay-miniapp-shop"
)

// The verdicts of uatrun's evidence.json this test reads.
type evidence struct {
	Scenarios []struct {
		ID        string `json:"id"`
		Verdict   string `json:"verdict"`
		Mandatory bool   `json:"mandatory"`
		Reason    string `json:"reason"`
	} `json:"scenarios"`
}

// catches is, per fault, the scenario that must FAIL (the demo kit's map).
var catches = map[string]string{
	gopayminishop.FaultCachesAuthCode: "GPM-AUTH-05", gopayminishop.FaultLoginIgnoresError: "GPM-AUTH-02",
	gopayminishop.FaultWrongCredentials: "GPM-AUTH-01", gopayminishop.FaultTrustLaunchRedirect: "GPM-PAY-02",
	gopayminishop.FaultOmitPopID: "GPM-PAY-03", gopayminishop.FaultStatusAnswerAsPaid: "GPM-PAY-04",
	gopayminishop.FaultNoReconcile: "GPM-PAY-05", gopayminishop.FaultCancelLocalOnly: "GPM-CANCEL-01",
	gopayminishop.FaultCancelIgnoresError: "GPM-CANCEL-02", gopayminishop.FaultRefundLocalOnly: "GPM-REFUND-01",
	gopayminishop.FaultRefundReuseReference: "GPM-REFUND-02", gopayminishop.FaultNotifyNoVerify: "GPM-SIG-01",
	gopayminishop.FaultNotifyDoubleFulfil: "GPM-IDEM-01", gopayminishop.FaultDisburseNewReference: "GPM-DISB-01",
	gopayminishop.FaultDisburseIgnoresError: "GPM-DISB-02", gopayminishop.FaultNotifyIgnoresStatus: "GPM-PAY-06",
	gopayminishop.FaultNotifyNoAmountCheck: "GPM-SIG-05", gopayminishop.FaultLaunchCancelFinal: "GPM-PAY-07",
	gopayminishop.FaultB2BNeverRefreshed: "GPM-PAY-08", gopayminishop.FaultRefundRetryNewRef: "GPM-REFUND-03",
	gopayminishop.FaultRefundIgnoresRefusal: "GPM-REFUND-04", gopayminishop.FaultOneTokenSlot: "GPM-AUTH-07",
	gopayminishop.FaultNotifyReopensOrder: "GPM-SIG-06", gopayminishop.FaultNotifyVerifyOwnBody: "GPM-SIG-02",
	gopayminishop.FaultNotifyUnsigned: "GPM-SIG-03", gopayminishop.FaultCheckThenAct: "GPM-IDEM-02",
	gopayminishop.FaultOverRefund: "GPM-REFUND-05", gopayminishop.FaultEchoesAccessToken: "GPM-AUTH-08",
	gopayminishop.FaultTimestampUTC: "GPM-PAY-09", gopayminishop.FaultSignatureCache: "GPM-SIG-07",
}

// TestOutOfProcess_UatrunRunJudgesTheBackendAsItsOwnProcess builds uatrun
// and the backend, starts the backend as its own process and runs
// `uatrun run --config uatrun.yaml` against it: clean, every mandatory
// scenario PASSED and exit 0; with each fault, exit 1 and its scenario
// FAILED.
func TestOutOfProcess_UatrunRunJudgesTheBackendAsItsOwnProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries and runs the pack out of process")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	work := t.TempDir()
	uatrun := build(t, root, work, "uatrun", "./cmd/uatrun")
	shop := build(t, root, work, "shop", "./examples/gopay-miniapp-shop/cmd/gopay-miniapp-shop")
	if out, err := exec.Command(uatrun, "keys", "--out", filepath.Join(work, "keys")).CombinedOutput(); err != nil {
		t.Fatalf("uatrun keys: %v\n%s", err, out)
	}
	for _, fault := range append([]string{""}, sortedFaults()...) {
		name := fault
		if name == "" {
			name = "clean"
		}
		t.Run(name, func(t *testing.T) {
			if fault != "" && catches[fault] == "" {
				t.Fatalf("fault %s has no catching scenario", fault)
			}
			shopAddr, emuAddr, rcvAddr := freeAddr(t), freeAddr(t), freeAddr(t)
			args := []string{"--listen", shopAddr, "--gateway-url", "http://" + emuAddr,
				"--miniapp-credential", "uatrun-miniapp-client:uatrun-miniapp-secret-7d1f",
				"--client-secret", "uatrun-snap-client-secret-4b9e", "--partner-id", "uatrun-demo-partner",
				"--merchant-id", "G000000001", "--pop-id", "990407c8-7c2b-4998-8ef8-0bc67c0c6c55",
				"--private-key", filepath.Join(work, "keys", "merchant.pem"),
				"--gateway-public-key", filepath.Join(work, "keys", "gateway.pub.pem"),
				"--fulfilment-webhook", "http://" + rcvAddr + "/hooks/fulfilment"}
			if fault != "" {
				args = append(args, "--fault", fault)
			}
			startProcess(t, shop, args, shopAddr)
			cfg, err := os.ReadFile("uatrun.yaml")
			if err != nil {
				t.Fatal(err)
			}
			s := strings.NewReplacer("127.0.0.1:8084", shopAddr, "127.0.0.1:9080", emuAddr, "127.0.0.1:9081", rcvAddr).Replace(string(cfg))
			cfgPath := filepath.Join(work, name+".yaml")
			os.WriteFile(cfgPath, []byte(s), 0o644)
			out := filepath.Join(work, "ev-"+name)
			runArgs := []string{"run", "--config", cfgPath, "--out", out, "--no-color", "--quiet"}
			if fault != "" {
				runArgs = append(runArgs, "--scenario", "^"+catches[fault]+" ")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, uatrun, runArgs...)
			cmd.Dir = work
			log, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			ev := readEvidence(t, filepath.Join(out, "evidence.json"))
			if fault == "" {
				n := 0
				for _, sc := range ev.Scenarios {
					if sc.Mandatory {
						n++
						if sc.Verdict != "PASSED" {
							t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
						}
					}
				}
				if code != 0 || n < 20 {
					t.Fatalf("exit %d with %d mandatory scenarios, want 0 and the whole pack:\n%s", code, n, log)
				}
				return
			}
			if code != 1 {
				t.Fatalf("exit %d, want 1:\n%s", code, log)
			}
			for _, sc := range ev.Scenarios {
				if sc.ID == catches[fault] && sc.Verdict == "FAILED" {
					return
				}
			}
			t.Fatalf("%s did not FAIL:\n%s", catches[fault], log)
		})
	}
}

func sortedFaults() []string {
	var out []string
	for _, f := range gopayminishop.Faults() {
		out = append(out, f.Name)
	}
	return out
}

func build(t *testing.T, root, dir, name, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startProcess starts the backend and waits until it answers; it is
// stopped when the test ends.
func startProcess(t *testing.T, bin string, args []string, addr string) {
	t.Helper()
	var log bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/orders/probe"); err == nil {
			resp.Body.Close()
			return
		}
		select {
		case <-done:
			t.Fatalf("the backend exited: %s", log.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("the backend did not answer on %s", addr)
}

func readEvidence(t *testing.T, path string) evidence {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ev evidence
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

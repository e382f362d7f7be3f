package session_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/harness/snap"
)

// The session is tested from outside, through the bundled demo shop, so
// the runs are real: emulator, receiver, merchant, engine and reports.

func TestExitCode_FollowsMandatoryVerdicts(t *testing.T) {
	sc := func(id string, mandatory bool, v evidence.Verdict, reason string) evidence.Scenario {
		return evidence.Scenario{ID: id, Mandatory: mandatory, Verdict: v, Reason: reason}
	}
	pass := sc("A", true, evidence.Passed, "")
	tests := []struct {
		name string
		scs  []evidence.Scenario
		want int
	}{
		{"all passed", []evidence.Scenario{pass, sc("B", true, evidence.Passed, "")}, session.ExitOK},
		{"no scenarios", nil, session.ExitOK},
		{"mandatory FAILED", []evidence.Scenario{pass, sc("B", true, evidence.Failed, "step 1")}, session.ExitFailed},
		{"mandatory ERRORED", []evidence.Scenario{pass, sc("B", true, evidence.Errored, "merchant unreachable")}, session.ExitFailed},
		{"mandatory REVIEW", []evidence.Scenario{pass, sc("B", true, evidence.Review, "no order_status action")}, session.ExitFailed},
		{"optional FAILED", []evidence.Scenario{pass, sc("B", false, evidence.Failed, "step 1")}, session.ExitOK},
		{"optional ERRORED", []evidence.Scenario{pass, sc("B", false, evidence.Errored, "timeout")}, session.ExitOK},
		{"mandatory filtered out by labels", []evidence.Scenario{pass, sc("B", true, evidence.Skipped, "filtered out by --labels refund")}, session.ExitOK},
		{"mandatory filtered out by scenario", []evidence.Scenario{pass, sc("B", true, evidence.Skipped, "filtered out by --scenario PAY")}, session.ExitOK},
		// A mandatory scenario that should have run but did not (an
		// interrupted run) must never let CI go green.
		{"mandatory not run", []evidence.Scenario{pass, sc("B", true, evidence.Skipped, "not run")}, session.ExitFailed},
		{"filtered out does not hide a failure", []evidence.Scenario{sc("A", true, evidence.Skipped, "filtered out by --labels x"), sc("B", true, evidence.Failed, "")}, session.ExitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := session.ExitCode(&evidence.Run{Scenarios: tt.scs}); got != tt.want {
				t.Fatalf("ExitCode = %d, want %d", got, tt.want)
			}
		})
	}
}

// runDemo runs the demo shop through a session with a label filter and
// returns the outcome and the output directory.
func runDemo(t *testing.T, labels string, faults ...string) (*session.Outcome, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "evidence")
	s, err := demo.Open(demo.Options{Faults: faults, OutDir: out, Version: "test", Filter: engine.Filter{Labels: labels}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s.RunDirect(ctx)
	o, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return o, out
}

func TestFinish_ListsFilteredScenariosAsSkippedWithTheFilter(t *testing.T) {
	o, _ := runDemo(t, "refund")
	ran, filtered := 0, 0
	for _, sc := range o.Run.Scenarios {
		switch {
		case strings.HasPrefix(sc.ID, "DANA-REFUND-"):
			ran++
			if sc.Verdict != evidence.Passed {
				t.Errorf("%s: %s (%s), want PASSED", sc.ID, sc.Verdict, sc.Reason)
			}
		default:
			filtered++
			if sc.Verdict != evidence.Skipped || sc.Reason != "filtered out by --labels refund" {
				t.Errorf("%s: %s %q, want SKIPPED with the filter as reason", sc.ID, sc.Verdict, sc.Reason)
			}
		}
	}
	if ran == 0 || filtered == 0 {
		t.Fatalf("ran %d, filtered %d: the evidence must list both", ran, filtered)
	}
	if o.Run.Summary.Total != len(o.Run.Scenarios) || o.Run.Summary.ByVerdict[evidence.Skipped] != filtered {
		t.Errorf("summary %+v does not count the filtered scenarios", o.Run.Summary)
	}
	if o.Run.Meta.Filter != "labels: refund" {
		t.Errorf("meta.filter = %q, want the filter recorded", o.Run.Meta.Filter)
	}
	if o.ExitCode != session.ExitOK {
		t.Errorf("exit code %d: filtered-out mandatory scenarios must not fail the run", o.ExitCode)
	}
}

func TestFinish_MandatoryFailureExitsOne(t *testing.T) {
	o, _ := runDemo(t, "refund", "refund-new-reference-on-retry")
	var failed []string
	for _, sc := range o.Run.Scenarios {
		if sc.Verdict == evidence.Failed {
			failed = append(failed, sc.ID)
		}
	}
	if !slices.Contains(failed, "DANA-REFUND-04") || o.ExitCode != session.ExitFailed {
		t.Fatalf("exit %d, failed %v: a shop that retries a refund under a new partnerRefundNo must fail the run", o.ExitCode, failed)
	}
}

func TestFinish_WritesJournalAndReportsToOutDir(t *testing.T) {
	o, dir := runDemo(t, "cancel")
	for _, f := range []string{"evidence.json", "evidence.html", "junit.xml", "evidence.md", session.JournalFile} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v (want a non-empty file in OutDir)", f, err)
		}
	}
	if len(o.Files) == 0 {
		t.Error("Outcome.Files lists no reports")
	}
	for _, f := range o.Files {
		if filepath.Dir(f) != dir {
			t.Errorf("report %s written outside OutDir %s", f, dir)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "evidence.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := evidence.Verify(data); err != nil || !res.Intact {
		t.Fatalf("evidence.json not intact: %v %+v", err, res)
	}
	// The journal of a finished run reads back complete, with the same
	// verdicts as the reports.
	back, err := evidence.ReadJournal(filepath.Join(dir, session.JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	if back.Incomplete || back.ID != o.Run.ID {
		t.Fatalf("journal: incomplete=%v id=%s, want a complete run %s", back.Incomplete, back.ID, o.Run.ID)
	}
	want := map[string]evidence.Verdict{}
	for _, sc := range o.Run.Scenarios {
		if sc.Verdict != evidence.Skipped {
			want[sc.ID] = sc.Verdict
		}
	}
	for _, sc := range back.Scenarios {
		if v, ok := want[sc.ID]; ok && v != sc.Verdict {
			t.Errorf("%s: journal says %s, reports say %s", sc.ID, sc.Verdict, v)
		}
		delete(want, sc.ID)
	}
	if len(want) > 0 {
		t.Errorf("scenarios that ran but are missing from the journal: %v", want)
	}
}

func TestFinish_WithoutOutDirWritesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	s, err := demo.Open(demo.Options{Version: "test", Filter: engine.Filter{Scenario: "DANA-CREATE-01"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RunDirect(context.Background())
	o, err := s.Finish()
	if err != nil || len(o.Files) != 0 {
		t.Fatalf("files %v, err %v", o.Files, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a run without OutDir wrote %d entries in the working directory", len(entries))
	}
}

// testKeys are generated once: RSA generation is slow and these protect nothing.
var testKeys = sync.OnceValues(func() (session.Keys, error) {
	m, err := snap.GenerateKey()
	if err != nil {
		return session.Keys{}, err
	}
	g, err := snap.GenerateKey()
	if err != nil {
		return session.Keys{}, err
	}
	return session.Keys{MerchantPublic: &m.PublicKey, GatewayPrivate: g}, nil
})

// freeAddr finds a loopback port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// assertClosed fails unless addr can be bound again: whatever Open started
// there was stopped.
func assertClosed(t *testing.T, what, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Errorf("%s %s is still in use after Open failed: %v", what, addr, err)
		return
	}
	ln.Close()
}

// fakeMerchant is a merchant server the test starts from StartMerchant, so
// it can check that Open stops it again.
type fakeMerchant struct {
	addr    string
	stopped bool
}

func (m *fakeMerchant) start(session.Env) (string, func() error, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}
	go srv.Serve(ln)
	m.addr = ln.Addr().String()
	stop := func() error {
		m.stopped = true
		err := srv.Close()
		ln.Close() // srv.Close misses a listener Serve has not registered yet
		return err
	}
	return "http://" + m.addr, stop, nil
}

func TestOpen_ErrorStopsEverythingItStarted(t *testing.T) {
	keys, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, o *session.Options, m *fakeMerchant)
		want    string
	}{
		{"missing merchant public key file", func(t *testing.T, o *session.Options, _ *fakeMerchant) {
			o.Keys = nil
			o.Config.Gateway.MerchantPublicKey = filepath.Join(t.TempDir(), "missing.pub.pem")
		}, "gateway.merchant_public_key"},
		{"gateway key file is not a key", func(t *testing.T, o *session.Options, _ *fakeMerchant) {
			dir := t.TempDir()
			pub := filepath.Join(dir, "m.pub.pem")
			b, err := snap.MarshalPublicKeyPEM(keys.MerchantPublic)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(pub, b, 0o600)
			bad := filepath.Join(dir, "g.pem")
			os.WriteFile(bad, []byte("not a key\n"), 0o600)
			o.Keys = nil
			o.Config.Gateway.MerchantPublicKey, o.Config.Gateway.GatewayPrivateKey = pub, bad
		}, "gateway.gateway_private_key"},
		{"unknown gateway", func(_ *testing.T, o *session.Options, _ *fakeMerchant) {
			o.Config.Gateway.Name = "dana-gapuraa"
		}, "dana-gapura"},
		{"emulator port in use", func(t *testing.T, o *session.Options, _ *fakeMerchant) {
			o.Config.Emulator.Listen = occupy(t)
		}, "listen"},
		{"receiver port in use", func(t *testing.T, o *session.Options, _ *fakeMerchant) {
			o.Config.Receiver.Listen = occupy(t)
		}, "listen"},
		{"merchant does not start", func(_ *testing.T, o *session.Options, _ *fakeMerchant) {
			o.StartMerchant = func(session.Env) (string, func() error, error) {
				return "", nil, errors.New("shop exploded")
			}
		}, "shop exploded"},
		{"merchant action does not compile", func(_ *testing.T, o *session.Options, m *fakeMerchant) {
			o.StartMerchant = m.start
			o.Config.Merchant.Actions["checkout"] = config.Action{Method: "POST", Path: "/checkout/{{.amount"}
		}, "checkout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kit, err := demo.KitFor("dana-gapura")
			if err != nil {
				t.Fatal(err)
			}
			cfg := kit.Config()
			cfg.Merchant.BaseURL = "http://" + freeAddr(t)
			cfg.Emulator.Listen, cfg.Receiver.Listen = freeAddr(t), freeAddr(t)
			k := keys
			o := session.Options{Config: cfg, Keys: &k, OutDir: filepath.Join(t.TempDir(), "out"), Version: "test"}
			m := &fakeMerchant{}
			tt.prepare(t, &o, m)
			emu, rcv := cfg.Emulator.Listen, cfg.Receiver.Listen
			s, err := session.Open(o)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if !isOccupied(emu) {
				assertClosed(t, "emulator", emu)
			}
			if !isOccupied(rcv) {
				assertClosed(t, "receiver", rcv)
			}
			if m.addr != "" {
				if !m.stopped {
					t.Error("the merchant Open started was not stopped")
				}
				assertClosed(t, "merchant", m.addr)
			}
		})
	}
}

// occupied records the addresses the test itself holds open.
var occupied sync.Map

// occupy holds a loopback port open until the test ends.
func occupy(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	occupied.Store(addr, true)
	t.Cleanup(func() { occupied.Delete(addr); ln.Close() })
	return addr
}

func isOccupied(addr string) bool { _, ok := occupied.Load(addr); return ok }

func TestOpen_NoConfigIsAnError(t *testing.T) {
	if _, err := session.Open(session.Options{}); err == nil {
		t.Fatal("Open without a config succeeded")
	}
}

// A run into a directory holding an earlier run clears that run's files
// before anything starts, so a run killed part-way never leaves the old
// sealed evidence beside its own journal. Other files are left alone.
func TestOpen_ClearsTheEarlierRunFromOutDir(t *testing.T) {
	dir := t.TempDir()
	stale := []string{"evidence.json", "evidence.html", "junit.xml", "evidence.md", session.JournalFile, session.CallbacksFile}
	for _, f := range append(stale, "notes.txt") {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("from an earlier run"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := demo.Open(demo.Options{OutDir: dir, Version: "test", Filter: engine.Filter{Scenario: "^DANA-CANCEL-01 "}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, f := range []string{"evidence.json", "evidence.html", "junit.xml", "evidence.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s of the earlier run is still there once the new run has started", f)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, session.JournalFile)); string(b) == "from an earlier run" {
		t.Error("the earlier journal was not replaced")
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("a file that is not uatrun's was removed: %v", err)
	}
}

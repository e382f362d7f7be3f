package session_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
)

// withRunner sets the runner's decisions for one test.
func withRunner(t *testing.T, r config.Runner) {
	t.Helper()
	config.SetRunner(r)
	t.Cleanup(func() { config.SetRunner(config.Runner{}) })
}

func writeSigningKey(t *testing.T, path string) ed25519.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := evidence.MarshalSigningKeyPEM(priv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return pub
}

func withCommand(signingKey string) func(*config.Config) {
	return func(c *config.Config) {
		c.File = "uatrun.yaml"
		c.Merchant.Actions["peek"] = config.Action{Command: []string{"cat", "{{.file}}"}, Line: 12, Col: 5}
		c.Report.SigningKey = signingKey
	}
}

// Attack: a command action in a merchant's config ran on the reviewer's
// machine without the reviewer's say. Without the runner's opt-in the
// session refuses before anything runs, naming the action's position.
func TestOpen_CommandActionsNeedTheRunnersOptIn(t *testing.T) {
	withRunner(t, config.Runner{})
	s, err := demo.Open(demo.Options{Version: "test", Configure: withCommand("")})
	if err == nil {
		s.Close()
		t.Fatal("a config with a command action opened without --allow-commands")
	}
	if !strings.Contains(err.Error(), "uatrun.yaml:12:5") || !strings.Contains(err.Error(), "--allow-commands") {
		t.Errorf("error %q does not name the action's position and the opt-in", err)
	}
}

// Attack: a command action copied report.signing_key and a NO-GO run was
// re-signed with it. A command beside a signing key is refused unless
// the runner allowed exactly that.
func TestOpen_CommandsBesideASigningKeyAreRefused(t *testing.T) {
	withRunner(t, config.Runner{AllowCommands: true})
	key := filepath.Join(t.TempDir(), "evidence-signing.pem")
	writeSigningKey(t, key)
	s, err := demo.Open(demo.Options{Version: "test", Configure: withCommand(key)})
	if err == nil {
		s.Close()
		t.Fatal("commands and a signing key together were allowed with --allow-commands alone")
	}
	if !strings.Contains(err.Error(), "signing") {
		t.Errorf("error %q does not say why", err)
	}
}

// The signing key is read before anything runs: a key file replaced
// during the run does not change who signs the evidence.
func TestFinish_SignsWithTheKeyReadBeforeTheRun(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "evidence-signing.pem")
	want := writeSigningKey(t, key)
	s, err := demo.Open(demo.Options{OutDir: filepath.Join(dir, "out"), Version: "test", Filter: engine.Filter{Scenario: "^DANA-CANCEL-01 "},
		Configure: func(c *config.Config) { c.Report.SigningKey = key }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writeSigningKey(t, key) // what a program run mid-run could do
	s.RunDirect(context.Background())
	o, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", "evidence.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := evidence.VerifyWith(data, evidence.VerifyOptions{Key: want})
	if !res.Intact {
		t.Fatalf("evidence not signed by the key read at the start: %s", res.Reason)
	}
	if len(o.Run.Meta.Packs) == 0 || len(o.Run.Meta.Packs[0].Mandated) != o.Run.Summary.MandatoryTotal {
		t.Errorf("packs %+v do not bind the %d mandated scenarios", o.Run.Meta.Packs, o.Run.Summary.MandatoryTotal)
	}
}

// Attack: a run stopped with Ctrl-C after its passing scenarios was
// re-rendered from its journal as complete and GO. The journal now says
// the run was interrupted and what it planned, so the re-render is
// INTERRUPTED, lists every scenario, and is never GO.
func TestFinishInterrupted_JournalReRendersInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	withRunner(t, config.Runner{MerchantVersion: "shop 1.4.2"})
	s, err := demo.Open(demo.Options{OutDir: out, Version: "test", Filter: engine.Filter{Scenario: "^DANA-CANCEL-01 "}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RunDirect(context.Background())
	o, err := s.FinishInterrupted()
	if err != nil {
		t.Fatal(err)
	}
	back, err := evidence.ReadJournal(filepath.Join(out, session.JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	if !back.Interrupted || back.Summary.GoLive {
		t.Fatalf("re-rendered: interrupted=%v go-live=%v", back.Interrupted, back.Summary.GoLive)
	}
	if len(back.Scenarios) != len(o.Run.Scenarios) {
		t.Errorf("re-render lists %d scenarios, the run %d", len(back.Scenarios), len(o.Run.Scenarios))
	}
	if back.Meta.MerchantVersion != "shop 1.4.2" {
		t.Errorf("merchant version %q", back.Meta.MerchantVersion)
	}
}

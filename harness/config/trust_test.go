package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// Attack: a config error used to print the ${ENV} value it expanded, a
// secret in clear in a CI log. Every field that takes a value prints the
// reference instead.
func TestParse_ErrorsNeverPrintEnvValues(t *testing.T) {
	const secret = "s3cr3t-Tok3n-9f8e7d"
	yaml := `version: 1
merchant:
  base_url: "${S}"
  timeout: "${S}"
  actions:
    checkout: {method: "${S}", path: /checkout, capture: {order: order_id}}
  statuses: {PAID: "${S}"}
gateway:
  name: "${S}"
  external_id_reuse: "${S}"
  timestamp_skew: "${S}"
emulator: {listen: "${S}"}
receiver: {listen: "x${S}", max_body: "${S}"}
run: {fail_fast: "${S}", step_timeout: "${S}", labels: "${S}"}
report: {formats: ["${S}"]}
`
	_, err := Parse("uatrun.yaml", []byte(yaml), mapEnv(map[string]string{"S": secret}))
	if err == nil {
		t.Fatal("config with bad values accepted")
	}
	var es Errors
	if !errors.As(err, &es) || len(es) < 8 {
		t.Fatalf("want at least 8 errors, got %v", err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), secret[:10]) {
		t.Fatalf("an error prints the ${ENV} value:\n%s", err)
	}
	if !strings.Contains(err.Error(), "${S}") {
		t.Errorf("errors do not name the reference:\n%s", err)
	}
}

func parseCommandConfig(t *testing.T, extra string) *Config {
	t.Helper()
	yaml := action(`    status: {command: [./bin/status, "{{.order}}"], env: [SHOP_DB_URL], capture: {status: status}}
`) + extra
	c, err := Parse("uatrun.yaml", []byte(yaml), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Attack: a merchant's config run by a reviewer started programs without
// the reviewer knowing. Programs run only with the runner's opt-in, and
// never beside a signing key unless that too is allowed.
func TestCheckRunner_CommandsNeedTheRunnersOptIn(t *testing.T) {
	c := parseCommandConfig(t, "")
	if got := c.Commands(); len(got) != 1 || got[0].Action != "status" || got[0].Program != "./bin/status" || got[0].Env[0] != "SHOP_DB_URL" || got[0].Line == 0 {
		t.Fatalf("Commands() = %+v", got)
	}
	err := c.CheckRunner(Runner{})
	if err == nil || !strings.Contains(err.Error(), "--allow-commands") || !strings.Contains(err.Error(), "uatrun.yaml:") {
		t.Fatalf("no opt-in: %v", err)
	}
	if err := c.CheckRunner(Runner{AllowCommands: true}); err != nil {
		t.Errorf("--allow-commands: %v", err)
	}
	if err := c.CheckRunner(Runner{AllowConfig: "sha256:" + c.Digest()}); err != nil {
		t.Errorf("--allow-config with the reviewed digest: %v", err)
	}
	if err := c.CheckRunner(Runner{AllowConfig: "sha256:" + strings.Repeat("0", 64)}); err == nil {
		t.Error("--allow-config with another digest allowed the commands")
	}

	signed := parseCommandConfig(t, "report: {signing_key: keys/evidence-signing.pem}\n")
	if err := signed.CheckRunner(Runner{AllowCommands: true}); err == nil || !strings.Contains(err.Error(), "signing") {
		t.Errorf("commands beside a signing key: %v", err)
	}
	if err := signed.CheckRunner(Runner{AllowCommands: true, AllowCommandsWithSigningKey: true}); err != nil {
		t.Errorf("both allowed: %v", err)
	}
	if err := parseCommandConfigNoCommands(t).CheckRunner(Runner{}); err != nil {
		t.Errorf("a config without commands needs no opt-in: %v", err)
	}
}

func parseCommandConfigNoCommands(t *testing.T) *Config {
	c, err := Parse("uatrun.yaml", []byte(base), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A command receives PATH and what its action declares, nothing else of
// the runner's environment.
func TestCommandEnv_OnlyPathAndDeclared(t *testing.T) {
	env := mapEnv(map[string]string{"PATH": "/bin", "SHOP_DB_URL": "db", "GITHUB_TOKEN": "ghp_x", "AWS_SECRET_ACCESS_KEY": "k"})
	got := strings.Join(CommandEnv([]string{"SHOP_DB_URL", "UNSET"}, env), " ")
	if got != "PATH=/bin SHOP_DB_URL=db" {
		t.Errorf("CommandEnv = %q", got)
	}
}

func TestParse_EnvIsForCommandsAndNamesVariables(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"    s: {path: /s, env: [HOME]}\n", "env is for command actions"},
		{"    s: {command: [./x], env: [\"A B\"]}\n", "is not an environment variable name"},
		{"    s: {command: [./x], env: [PATH]}\n", "PATH is always passed"},
	} {
		_, err := Parse("uatrun.yaml", []byte(action(tc.line)), noEnv)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "uatrun.yaml:6:") {
			t.Errorf("%q: %v", tc.line, err)
		}
	}
}

// Attack: a key path naming /dev/zero or a FIFO grew memory or hung the
// load. Both are refused at once, at the line that names them.
func TestLoad_KeyFilesMustBeRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs:", err)
	}
	for _, path := range []string{"/dev/zero", fifo} {
		for _, setting := range []string{"merchant_public_key", "gateway_private_key"} {
			yaml := strings.Replace(base, setting+": keys/", setting+": "+path+"#", 1)
			yaml = strings.Replace(yaml, path+"#merchant.pub.pem", path, 1)
			yaml = strings.Replace(yaml, path+"#gateway.pem", path, 1)
			cfg := filepath.Join(dir, "uatrun.yaml")
			if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := Load(cfg); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") {
					t.Errorf("%s = %s: %v", setting, path, err)
				}
			case <-time.After(20 * time.Second): // a hang, not a timing assertion
				t.Fatalf("%s = %s: Load hangs", setting, path)
			}
		}
	}
	yaml := base + "report: {signing_key: /dev/zero}\n"
	cfg := filepath.Join(dir, "signed.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(cfg); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("signing_key = /dev/zero: %v", err)
	}
}

// The signing key is read once, by Load; sealing later never opens the
// file again, so replacing or removing it mid-run changes nothing.
func TestSigningKey_ReadOnceAtLoad(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "signing.pem")
	writeEd25519Key(t, key)
	c := &Config{Report: Report{SigningKey: key}}
	first, err := c.SigningKey()
	if err != nil || len(first) == 0 {
		t.Fatalf("SigningKey = %d bytes, %v", len(first), err)
	}
	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}
	again, err := c.SigningKey()
	if err != nil || string(again) != string(first) {
		t.Errorf("second read: %v", err)
	}
	if _, err := evidence.ParseSigningKey(key, again); err != nil {
		t.Error(err)
	}
}

func writeEd25519Key(t *testing.T, path string) {
	t.Helper()
	_, k, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// An empty environment is an empty list, never nil: os/exec reads a nil
// Env as "inherit everything".
func TestCommandEnv_NeverNil(t *testing.T) {
	if env := CommandEnv(nil, noEnv); env == nil || len(env) != 0 {
		t.Errorf("CommandEnv with nothing set = %#v", env)
	}
}

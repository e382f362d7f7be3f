package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/keys"
)

// uatrun init writes Starter; it must stay the documented example.
func TestStarter_IsTheRepositoryExample(t *testing.T) {
	example, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(example, Starter) {
		t.Fatal("harness/config/starter.yaml differs from config.example.yaml; copy the example over it")
	}
}

// Every gateway's starter loads as written (keys made the way the header
// says), names its own gateway, mentions no file of uatrun's repository,
// and offers the evidence signing key.
func TestStarterFor_EveryGatewayLoadsAndStandsAlone(t *testing.T) {
	for _, g := range StarterGateways() {
		t.Run(g, func(t *testing.T) {
			b, err := StarterFor(g)
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			for _, repoOnly := range []string{"examples/", "config.example.yaml", "go run ./", "repository root"} {
				if strings.Contains(text, repoOnly) {
					t.Errorf("starter mentions %q, which an installed binary's user does not have", repoOnly)
				}
			}
			for _, want := range []string{"name: " + g, "signing_key", "notify_retry", "step_timeout"} {
				if !strings.Contains(text, want) {
					t.Errorf("starter lacks %q", want)
				}
			}
			dir := t.TempDir()
			if _, err := keys.Generate(filepath.Join(dir, "keys")); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "uatrun.yaml")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(path)
			if err != nil {
				t.Fatalf("starter does not load: %v", err)
			}
			if cfg.Gateway.Name != g {
				t.Errorf("gateway %q, want %q", cfg.Gateway.Name, g)
			}
		})
	}
	if _, err := StarterFor("paypal"); err == nil || !strings.Contains(err.Error(), "midtrans-snap") {
		t.Errorf("unknown gateway: %v", err)
	}
}

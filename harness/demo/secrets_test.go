package demo

import (
	"context"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// TestSecrets_NeverReachAnyWrittenFile runs scenarios whose traffic really
// carries secrets — a bearer token and a client secret in the merchant
// action's headers and body — plus the private keys the run holds, then
// scans every file the run wrote for them, raw and base64-encoded.
func TestSecrets_NeverReachAnyWrittenFile(t *testing.T) {
	const clientSecret = "cs-Sup3rSecret-9f1c2e"
	out := t.TempDir()
	s, err := Open(Options{
		OutDir: out, Version: "test", Filter: engine.Filter{Labels: "create || pay"},
		Configure: func(c *config.Config) {
			c.Gateway.ClientSecret = clientSecret
			a := c.Merchant.Actions["checkout"]
			a.Headers = map[string]string{"Authorization": "Bearer " + clientSecret, "X-Api-Key": clientSecret}
			a.JSON = map[string]any{"amount": "{{.amount}}", "client_secret": clientSecret}
			c.Merchant.Actions["checkout"] = a
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.RunDirect(context.Background())
	_, err = s.Finish() // verdicts do not matter here; the files written do
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	ks, _ := keyPair()
	secrets := []string{clientSecret, base64.StdEncoding.EncodeToString([]byte(clientSecret))}
	for _, k := range ks {
		pem, _ := snap.MarshalPrivateKeyPEM(k)
		for _, line := range strings.Split(string(pem), "\n") {
			if len(line) >= 32 && !strings.HasPrefix(line, "-----") {
				secrets = append(secrets, line)
			}
		}
	}
	files := 0
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, sec := range secrets {
			if strings.Contains(string(b), sec) {
				t.Errorf("%s contains a secret (%.12s…)", filepath.Base(p), sec)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 5 {
		t.Fatalf("only %d files written", files)
	}
	// The secret did travel: the evidence shows where it was redacted.
	b, _ := os.ReadFile(filepath.Join(out, "evidence.json"))
	if !strings.Contains(string(b), "[REDACTED]") {
		t.Fatal("no redaction marker in evidence.json: the secret never travelled, so this test proves nothing")
	}
}

// Tokens and codes the emulators issue at run time (access and refresh
// tokens, auth codes, one-time tokens) never reach the evidence in clear.
func TestSecrets_IssuedTokensNeverReachTheEvidence(t *testing.T) {
	// Parallel at the top too: its runs mostly wait, and the package's
	// longest test should not wait for them to start.
	t.Parallel()
	field := regexp.MustCompile(`(?i)\\?"(access_?token|refresh_?token|auth_?code|ott)\\?"\s*:\s*\\?"([^"\\]+)`)
	for _, gw := range []string{"gopay-miniapp", "dana-widget"} {
		t.Run(gw, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			s, err := Open(Options{Gateway: gw, OutDir: out, Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			s.RunDirect(context.Background())
			_, err = s.Finish()
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(out, "evidence.json"))
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, m := range field.FindAllStringSubmatch(string(b), -1) {
				seen++
				if m[2] != evidence.Redacted {
					t.Errorf("%s %q reached the evidence in clear", m[1], m[2])
				}
			}
			if seen == 0 {
				t.Fatal("no token field in the evidence: the test no longer looks where tokens travel")
			}
		})
	}
}

package keys

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/snap"
)

// needOpenSSL returns the openssl binary or skips; CI sets
// UATRUN_REQUIRE_OPENSSL=1 so the cross-check can never be skipped there.
func needOpenSSL(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("UATRUN_REQUIRE_OPENSSL") == "1" {
			t.Fatal("openssl not found and UATRUN_REQUIRE_OPENSSL=1")
		}
		t.Skip("openssl not installed; set UATRUN_REQUIRE_OPENSSL=1 to make this a failure")
	}
	return bin
}

func TestGenerate_WritesFourFilesWithPurposes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	files, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, role, purpose string }{
		{"merchant.pem", "merchant", "your integration signs its requests with this (keep it secret)"},
		{"merchant.pub.pem", "merchant", "uatrun verifies your X-SIGNATURE with this (gateway.merchant_public_key)"},
		{"gateway.pem", "gateway", "uatrun's emulator signs notifies with this (gateway.gateway_private_key)"},
		{"gateway.pub.pem", "gateway", "your integration verifies notifies with this instead of DANA's public key"},
	}
	if len(files) != len(want) {
		t.Fatalf("got %d files, want %d", len(files), len(want))
	}
	for i, w := range want {
		f := files[i]
		if f.Path != filepath.Join(dir, w.name) || f.Role != w.role || f.Purpose != w.purpose {
			t.Errorf("file %d = %+v, want %s %s %q", i, f, w.name, w.role, w.purpose)
		}
	}
}

func TestGenerate_ModesAndDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "keys")
	if _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != DirMode {
		t.Errorf("dir mode %v, want %v", st.Mode().Perm(), DirMode)
	}
	for name, mode := range map[string]os.FileMode{
		"merchant.pem": 0o600, "gateway.pem": 0o600,
		"merchant.pub.pem": 0o644, "gateway.pub.pem": 0o644,
	} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s mode %v, want %v", name, st.Mode().Perm(), mode)
		}
	}
}

func TestGenerate_PairsMatchAndParse(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	var mods []string
	for _, role := range []string{"merchant", "gateway"} {
		priv, err := snap.LoadPrivateKey(filepath.Join(dir, role+".pem"))
		if err != nil {
			t.Fatal(err)
		}
		pub, err := snap.LoadPublicKey(filepath.Join(dir, role+".pub.pem"))
		if err != nil {
			t.Fatal(err)
		}
		if priv.N.BitLen() != 2048 {
			t.Errorf("%s key has %d bits, want 2048", role, priv.N.BitLen())
		}
		sig, err := snap.SignRSA(priv, "POST:/v1.0/debit/notify:abc:2026-11-21T10:20:00+07:00")
		if err != nil {
			t.Fatal(err)
		}
		if err := snap.VerifyRSA(pub, "POST:/v1.0/debit/notify:abc:2026-11-21T10:20:00+07:00", sig); err != nil {
			t.Errorf("%s.pub.pem is not the public half of %s.pem: %v", role, role, err)
		}
		mods = append(mods, priv.N.String())
	}
	if mods[0] == mods[1] {
		t.Error("merchant and gateway share one key")
	}
	head, _ := os.ReadFile(filepath.Join(dir, "merchant.pem"))
	if !strings.HasPrefix(string(head), "-----BEGIN PRIVATE KEY-----") {
		t.Errorf("merchant.pem is not PKCS#8: %.40q", head)
	}
}

func TestGenerate_RefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "merchant.pem"))
	_, err := Generate(dir)
	if err == nil {
		t.Fatal("second Generate succeeded")
	}
	if !strings.Contains(err.Error(), filepath.Join(dir, "merchant.pem")) {
		t.Errorf("error does not name the file: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "merchant.pem"))
	if string(before) != string(after) {
		t.Error("existing key was overwritten")
	}
}

func TestGenerate_OneExistingFileWritesNothing(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "gateway.pub.pem")
	if err := os.WriteFile(existing, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Generate(dir)
	if err == nil || !strings.Contains(err.Error(), existing) {
		t.Fatalf("want an error naming %s, got %v", existing, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("refused Generate left %d files, want only the existing one", len(entries))
	}
}

func TestGenerate_FilesReadByOpenSSL(t *testing.T) {
	bin := needOpenSSL(t)
	dir := t.TempDir()
	files, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		args := []string{"pkey", "-in", f.Path, "-noout"}
		if strings.HasSuffix(f.Path, ".pub.pem") {
			args = append(args, "-pubin")
		}
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

package keys

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

// The evidence pair is what report.signing_key and verify --key read, and
// signs evidence that verifies pinned to its public half.
func TestGenerateEvidence_WritesAPairThatSignsAndPins(t *testing.T) {
	dir := t.TempDir()
	files, err := GenerateEvidence(dir)
	if err != nil || len(files) != 2 {
		t.Fatalf("GenerateEvidence = %v, %v", files, err)
	}
	if st, err := os.Stat(filepath.Join(dir, EvidenceKeyFile)); err != nil || st.Mode().Perm() != PrivateMode {
		t.Errorf("private key mode: %v %v", st, err)
	}
	sk, err := evidence.LoadSigningKey(filepath.Join(dir, EvidenceKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	pk, err := evidence.LoadPublicKey(filepath.Join(dir, EvidencePubKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if !pk.Equal(sk.Public().(ed25519.PublicKey)) {
		t.Error("the public file is not the private key's half")
	}
	if _, err := GenerateEvidence(dir); err == nil {
		t.Error("a second GenerateEvidence overwrote the pair")
	}
}

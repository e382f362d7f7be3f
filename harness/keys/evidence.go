package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"

	"github.com/uatrun/uatrun/harness/evidence"
)

// The evidence signing pair: report.signing_key signs evidence.json with
// the private half; a reviewer pins the public half with
// `uatrun verify --key`.
const (
	EvidenceKeyFile    = "evidence-signing.pem"
	EvidencePubKeyFile = "evidence-signing.pub.pem"
)

// GenerateEvidence writes a fresh Ed25519 pair into dir:
// evidence-signing.pem (PKCS#8, mode 0600) and evidence-signing.pub.pem
// (PKIX). Like Generate it never overwrites: if either file exists it
// writes nothing.
func GenerateEvidence(dir string) ([]File, error) {
	priv := filepath.Join(dir, EvidenceKeyFile)
	pub := filepath.Join(dir, EvidencePubKeyFile)
	for _, p := range []string{priv, pub} {
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("%s already exists; uatrun keys never overwrites a key: move it away or choose another --out directory", p)
		}
	}
	pk, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate evidence key: %w", err)
	}
	privPEM, err := evidence.MarshalSigningKeyPEM(sk)
	if err != nil {
		return nil, err
	}
	pubPEM, err := evidence.MarshalPublicKeyPEM(pk)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	if err := writeNew(priv, privPEM, PrivateMode); err != nil {
		return nil, err
	}
	if err := writeNew(pub, pubPEM, PublicMode); err != nil {
		os.Remove(priv)
		return nil, err
	}
	id := evidence.KeyID(pk)
	return []File{
		{Path: priv, Role: "evidence", Purpose: "signs evidence.json (report.signing_key; keep it with whoever operates the run) — " + id},
		{Path: pub, Role: "evidence", Purpose: "pins the signer: uatrun verify --key " + EvidencePubKeyFile + " evidence.json"},
	}, nil
}

package evidence

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"time"
)

// JournalHead names the end of a journal's hash chain: how many records
// it holds and the SHA-256 of the last one. Each record carries the
// SHA-256 of the record before it, so the head pins every record: a
// sealed run that records the head pins its whole journal.
type JournalHead struct {
	Records int    `json:"records"`
	SHA256  string `json:"sha256"` // lowercase hex of the last record's bytes
}

// Rerendered records that the reports were rebuilt from journal.jsonl
// after the run, by `uatrun report`, rather than written when it ended.
type Rerendered struct {
	At      time.Time `json:"at"`
	From    string    `json:"from"`    // the journal's file name
	Version string    `json:"version"` // the uatrun that rebuilt it
	// Sealed says what the journal was checked against: "evidence.json
	// sealed at the end of the run" or "" when there was none (a killed
	// run).
	Sealed string `json:"sealed,omitempty"`
}

// KeyID is a short, stable name for an Ed25519 public key: "ed25519:"
// and the first 16 hex digits of the SHA-256 of its 32 raw bytes. Reports
// and `uatrun verify` show it so a key can be compared by eye.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519:" + hex.EncodeToString(sum[:8])
}

// keyIDOf is KeyID of a base64 public key as the integrity block holds
// it; "" when it does not decode.
func keyIDOf(b64pub string) string {
	raw, err := b64.DecodeString(b64pub)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return ""
	}
	return KeyID(raw)
}

// LoadPublicKey reads the Ed25519 public key a reviewer pins: a PKIX PEM
// file ("PUBLIC KEY", as `uatrun keys --evidence` or `openssl pkey
// -pubout` write it), a PKCS#8 private key file (its public half), or a
// file holding the base64 raw key that `uatrun verify` prints.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := ReadFileBounded(path, MaxKeyFile)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	if block, _ := pem.Decode(data); block != nil {
		switch block.Type {
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("public key %s: %v", path, err)
			}
			if pub, ok := k.(ed25519.PublicKey); ok {
				return pub, nil
			}
			return nil, fmt.Errorf("public key %s: the key is %T; evidence is signed with Ed25519", path, k)
		case "PRIVATE KEY":
			priv, err := LoadSigningKey(path)
			if err != nil {
				return nil, err
			}
			return priv.Public().(ed25519.PublicKey), nil
		}
		return nil, fmt.Errorf("public key %s: PEM block %q, want \"PUBLIC KEY\"", path, block.Type)
	}
	raw, err := b64.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public key %s: want a PEM \"PUBLIC KEY\" (uatrun keys --evidence) or the base64 key uatrun verify prints", path)
	}
	return ed25519.PublicKey(raw), nil
}

// MarshalPublicKeyPEM encodes an Ed25519 public key as PKIX PEM.
func MarshalPublicKeyPEM(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// MarshalSigningKeyPEM encodes an Ed25519 private key as PKCS#8 PEM, the
// form report.signing_key reads.
func MarshalSigningKeyPEM(key ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// inconsistency says how a run's verdicts contradict themselves: a
// summary that is not the one its scenarios support, or a PASSED
// scenario with a step that did not pass. "" when consistent. A digest
// recomputed after such an edit still matches, so Verify checks this too.
func inconsistency(run *Run) string {
	want := SummaryOf(run)
	got := run.Summary
	switch {
	case len(want.Missing) > 0 && strings.Join(got.Missing, ",") != strings.Join(want.Missing, ","):
		return fmt.Sprintf("the document does not hold %d scenario(s) its pack mandates (%s), yet its summary does not say so", len(want.Missing), strings.Join(want.Missing, ", "))
	case got.GoLive != want.GoLive:
		return fmt.Sprintf("the summary says go-live %v but its scenarios support go-live %v", got.GoLive, want.GoLive)
	case got.Total != want.Total || got.MandatoryTotal != want.MandatoryTotal || got.MandatoryPass != want.MandatoryPass:
		return fmt.Sprintf("the summary counts %d scenarios (%d of %d mandatory passed) but the document holds %d (%d of %d)",
			got.Total, got.MandatoryPass, got.MandatoryTotal, want.Total, want.MandatoryPass, want.MandatoryTotal)
	}
	// Every other field (verdict counts included) compared as encoded, so
	// a field added to Summary is checked too.
	if g, w := summaryJSON(got), summaryJSON(want); g != w {
		return fmt.Sprintf("the summary %s is not the one its scenarios support, %s", g, w)
	}
	for _, sc := range run.Scenarios {
		if sc.Verdict != Passed {
			continue
		}
		for _, st := range sc.Steps {
			if st.Verdict != Passed && !strings.HasPrefix(st.Name, "teardown: ") {
				return fmt.Sprintf("scenario %s is PASSED but its step %d (%s) is %s", sc.ID, st.Index+1, st.Name, st.Verdict)
			}
		}
	}
	return ""
}

func summaryJSON(s Summary) string {
	counts := map[Verdict]int{}
	for v, n := range s.ByVerdict {
		if n != 0 { // a zero count and a missing one say the same
			counts[v] = n
		}
	}
	s.ByVerdict = counts
	b, _ := json.Marshal(s)
	return string(b)
}

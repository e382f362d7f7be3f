package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
)

// ErrNotEvidence is returned by Verify for data that is not an evidence
// document this package can read.
var ErrNotEvidence = errors.New("not a uatrun evidence document")

// b64 is strict so that no two spellings decode to the same signature:
// otherwise a changed padding bit would pass verification.
var b64 = base64.StdEncoding.Strict()

// canonical is the byte form the digest covers: the run with Integrity nil
// (and the schema filled in), encoded by encoding/json, which is
// deterministic. The encoding is decoded and encoded once more so the
// bytes are a fixed point: invalid UTF-8 becomes U+FFFD and named zones
// become offsets on the first pass, so the file Verify decodes encodes to
// exactly these bytes again.
func canonical(run *Run) ([]byte, error) {
	if run == nil {
		return nil, errors.New("evidence: nil run")
	}
	first, err := json.Marshal(normalised(run))
	if err != nil {
		return nil, fmt.Errorf("evidence: encode run: %w", err)
	}
	var again Run
	if err := json.Unmarshal(first, &again); err != nil {
		return nil, fmt.Errorf("evidence: re-read run: %w", err)
	}
	return json.Marshal(&again)
}

// normalised is a shallow copy of run without its seal and with a schema.
func normalised(run *Run) *Run {
	cp := *run
	cp.Integrity = nil
	if cp.Schema == "" {
		cp.Schema = Schema
	}
	return &cp
}

// Digest is the lowercase hex SHA-256 of the run's canonical bytes: the
// value Seal records and Verify recomputes.
func Digest(run *Run) (string, error) {
	sum, err := digest(run)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(sum[:]), nil
}

func digest(run *Run) ([sha256.Size]byte, error) {
	b, err := canonical(run)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(b), nil
}

// Seal computes the run's digest and records it in run.Integrity, signing
// the 32 raw digest bytes with key when key is not nil.
func Seal(run *Run, key ed25519.PrivateKey) error {
	if key != nil && len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("evidence: signing key is %d bytes, want an Ed25519 private key of %d", len(key), ed25519.PrivateKeySize)
	}
	sum, err := digest(run)
	if err != nil {
		return err
	}
	in := &Integrity{SHA256: hex.EncodeToString(sum[:])}
	if key != nil {
		in.Ed25519 = b64.EncodeToString(ed25519.Sign(key, sum[:]))
		in.PublicKey = b64.EncodeToString(key.Public().(ed25519.PublicKey))
	}
	run.Integrity = in
	return nil
}

// MarshalEvidence encodes the run in the one exact form evidence.json is
// written in: its canonical content indented by two spaces, the integrity
// block as it stands, and a final newline.
func MarshalEvidence(run *Run) ([]byte, error) {
	b, err := canonical(run)
	if err != nil {
		return nil, err
	}
	var again Run
	if err := json.Unmarshal(b, &again); err != nil {
		return nil, fmt.Errorf("evidence: re-read run: %w", err)
	}
	again.Integrity = run.Integrity
	out, err := json.MarshalIndent(&again, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: encode run: %w", err)
	}
	return append(out, '\n'), nil
}

// LoadSigningKey reads an Ed25519 private key from a PKCS#8 PEM file
// ("openssl genpkey -algorithm ed25519").
func LoadSigningKey(path string) (ed25519.PrivateKey, error) {
	data, err := ReadFileBounded(path, MaxKeyFile)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return ParseSigningKey(path, data)
}

// ParseSigningKey parses the PKCS#8 PEM Ed25519 private key held in data;
// name is the file it came from, for messages.
func ParseSigningKey(path string, data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("signing key %s: want a PKCS#8 PEM block \"PRIVATE KEY\" (openssl genpkey -algorithm ed25519 -out %s)", path, path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %v", path, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: the key is %T; evidence is signed with Ed25519 (openssl genpkey -algorithm ed25519)", path, k)
	}
	return ek, nil
}

// decodeEvidence parses an evidence file strictly: unknown fields and
// trailing data are refused.
func decodeEvidence(data []byte) (*Run, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var run Run
	if err := dec.Decode(&run); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotEvidence, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the document", ErrNotEvidence)
	}
	if run.Schema != Schema {
		return nil, fmt.Errorf("%w: schema %q, this uatrun reads %q", ErrNotEvidence, run.Schema, Schema)
	}
	return &run, nil
}

package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"time"
)

// VerifyResult is what Verify found.
type VerifyResult struct {
	// Intact holds when the recorded digest matches the content, the file
	// is byte for byte the form MarshalEvidence writes, and a signature,
	// when there is one, checks.
	Intact bool
	// Reason says why the evidence is not intact ("" when it is).
	Reason string
	// SHA256 is the digest recomputed from the content; Recorded is the
	// one the file claims.
	SHA256   string
	Recorded string
	// Signed is set when the file carries an Ed25519 signature;
	// SignatureValid when it checks against PublicKey (base64). The key
	// travels in the file, so a valid signature proves who signed only
	// once PublicKey is compared with the signer's published key
	// (see SignedBy).
	Signed         bool
	SignatureValid bool
	PublicKey      string
	// KeyID names the signing key (KeyID), "" when unsigned.
	KeyID string
	// Pinned is set when VerifyOptions.Key was given and the evidence is
	// signed by exactly that key.
	Pinned bool
	// SealedAt is when the run was sealed: the end of the run, or the
	// time it was re-rendered from its journal.
	SealedAt time.Time
	// Run is the parsed evidence, whether intact or not.
	Run *Run
}

// VerifyOptions tune VerifyWith.
type VerifyOptions struct {
	// Key pins the signer: the evidence is intact only when it carries a
	// valid signature by this key (a reviewer's key the merchant does not
	// hold). Without it, any signature that checks against the key inside
	// the file is accepted, and anyone can make one.
	Key ed25519.PublicKey
}

// Statement says exactly what an intact result proves, in one sentence.
func (r VerifyResult) Statement() string {
	if !r.Intact {
		return "not intact: " + r.Reason
	}
	at := "sealed"
	if !r.SealedAt.IsZero() {
		at = "sealed at " + r.SealedAt.UTC().Format(time.RFC3339)
	}
	switch {
	case r.Pinned:
		return fmt.Sprintf("unchanged since %s by the holder of the pinned key %s", at, r.KeyID)
	case r.Signed:
		return fmt.Sprintf("unchanged since %s by the holder of key %s, a key carried in the file itself: anyone can re-seal a changed document with a key of their own, so pin the signer's key with --key", at, r.KeyID)
	}
	return fmt.Sprintf("content matches its own digest (%s), unsigned: anyone holding the file can change it and recompute the digest, so it proves nothing unless you received the digest separately or the run was signed by a key you pin", at)
}

// SignedBy reports whether the evidence carries a valid signature made by
// the holder of pub.
func (r VerifyResult) SignedBy(pub ed25519.PublicKey) bool {
	return r.SignatureValid && r.PublicKey == b64.EncodeToString(pub)
}

// Verify checks an evidence.json offline. Any change to a file written by
// MarshalEvidence, down to a single byte, makes it not Intact. The error
// is non-nil only when data is not an evidence document at all (the
// result then says so too).
func Verify(data []byte) (VerifyResult, error) {
	return VerifyWith(data, VerifyOptions{})
}

// VerifyWith is Verify with a pinned signer key: with o.Key set, evidence
// that is unsigned, or signed by any other key, is not intact.
func VerifyWith(data []byte, o VerifyOptions) (VerifyResult, error) {
	run, err := decodeEvidence(data)
	if err != nil {
		return VerifyResult{Reason: err.Error()}, err
	}
	res := VerifyResult{Run: run}
	sum, err := digest(run)
	if err != nil {
		res.Reason = err.Error()
		return res, err
	}
	res.SHA256 = hex.EncodeToString(sum[:])
	res.SealedAt = run.Meta.Finished.Real
	if run.Rerendered != nil {
		res.SealedAt = run.Rerendered.At
	}
	res.Reason = res.check(run, sum[:], data)
	if res.Reason == "" {
		res.Reason = inconsistency(run)
	}
	if res.Reason == "" && o.Key != nil {
		res.Reason = res.pin(o.Key)
	}
	res.Intact = res.Reason == ""
	return res, nil
}

// pin checks the signer against the reviewer's key.
func (r *VerifyResult) pin(key ed25519.PublicKey) string {
	if len(key) != ed25519.PublicKeySize {
		return "the pinned key is not an Ed25519 public key"
	}
	switch {
	case !r.Signed:
		return fmt.Sprintf("not signed, and the pinned key %s is required", KeyID(key))
	case !r.SignedBy(key):
		return fmt.Sprintf("signed by %s, not by the pinned key %s", r.KeyID, KeyID(key))
	}
	r.Pinned = true
	return ""
}

// check runs the checks in the order that gives the most useful reason: a
// content change is reported as such before a formatting change.
func (r *VerifyResult) check(run *Run, sum, data []byte) string {
	in := run.Integrity
	if in == nil {
		return "the evidence carries no integrity block (it was never sealed)"
	}
	r.Recorded = in.SHA256
	if in.SHA256 != r.SHA256 {
		return fmt.Sprintf("content changed: its SHA-256 is %s but the file records %s", r.SHA256, in.SHA256)
	}
	if reason := r.checkSignature(in, sum); reason != "" {
		return reason
	}
	want, err := MarshalEvidence(run)
	if err != nil {
		return err.Error()
	}
	if !bytes.Equal(want, data) {
		return fmt.Sprintf("the file differs from the form uatrun writes at byte %d (edited after it was written?)", firstDiff(want, data))
	}
	return ""
}

func (r *VerifyResult) checkSignature(in *Integrity, sum []byte) string {
	if in.Ed25519 == "" && in.PublicKey == "" {
		return ""
	}
	r.Signed = true
	r.PublicKey = in.PublicKey
	r.KeyID = keyIDOf(in.PublicKey)
	sig, serr := b64.DecodeString(in.Ed25519)
	pub, perr := b64.DecodeString(in.PublicKey)
	switch {
	case serr != nil || len(sig) != ed25519.SignatureSize:
		return "the Ed25519 signature is malformed"
	case perr != nil || len(pub) != ed25519.PublicKeySize:
		return "the Ed25519 public key is malformed"
	case !ed25519.Verify(ed25519.PublicKey(pub), sum, sig):
		return "the Ed25519 signature does not match the digest and public key"
	}
	r.SignatureValid = true
	return ""
}

// firstDiff is the offset of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

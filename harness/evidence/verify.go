package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
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
	// Run is the parsed evidence, whether intact or not.
	Run *Run
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
	res.Reason = res.check(run, sum[:], data)
	res.Intact = res.Reason == ""
	return res, nil
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

package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sealed returns the evidence.json bytes of testRun, signed with key when
// key is not nil.
func sealed(t testing.TB, run *Run, key ed25519.PrivateKey) []byte {
	t.Helper()
	if err := Seal(run, key); err != nil {
		t.Fatal(err)
	}
	b, err := MarshalEvidence(run)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerify_PassesIntactEvidence(t *testing.T) {
	for _, tc := range []struct {
		name   string
		key    ed25519.PrivateKey
		signed bool
	}{
		{"digest only", nil, false},
		{"signed", testKey(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := testRun()
			data := sealed(t, run, tc.key)
			res, err := Verify(data)
			if err != nil || !res.Intact {
				t.Fatalf("Verify = %+v, %v; want intact", res, err)
			}
			if res.SHA256 != run.Integrity.SHA256 || res.Recorded != res.SHA256 {
				t.Errorf("digest %q recorded %q, sealed %q", res.SHA256, res.Recorded, run.Integrity.SHA256)
			}
			if res.Signed != tc.signed || res.SignatureValid != tc.signed {
				t.Errorf("Signed=%v SignatureValid=%v, want %v", res.Signed, res.SignatureValid, tc.signed)
			}
			if res.Run == nil || res.Run.ID != "run-1" {
				t.Errorf("Run not returned: %+v", res.Run)
			}
		})
	}
}

// Every byte of a written file is covered: content by the digest, the
// integrity block by the signature or the digest, and layout by the
// canonical-form comparison.
func TestVerify_FailsOnEverySingleByteChange(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  ed25519.PrivateKey
	}{{"digest only", nil}, {"signed", testKey()}} {
		t.Run(tc.name, func(t *testing.T) {
			data := sealed(t, testRun(), tc.key)
			for i := range data {
				for _, flip := range []byte{0x01, 0x20} {
					mut := bytes.Clone(data)
					mut[i] ^= flip
					if res, _ := Verify(mut); res.Intact {
						t.Fatalf("byte %d (%q→%q) changed yet Verify says intact", i, data[i], mut[i])
					}
				}
			}
		})
	}
}

func TestVerify_SaysWhy(t *testing.T) {
	good := sealed(t, testRun(), nil)
	var reindented bytes.Buffer
	if err := json.Indent(&reindented, bytes.TrimSpace(good), "", "    "); err != nil {
		t.Fatal(err)
	}
	unsealed, _ := MarshalEvidence(testRun())
	for _, tc := range []struct {
		name    string
		data    []byte
		reason  string
		notEvid bool
	}{
		{"never sealed", unsealed, "never sealed", false},
		{"verdict edited", bytes.Replace(good, []byte(`"PASSED"`), []byte(`"FAILED"`), 1), "content changed", false},
		{"reformatted", reindented.Bytes(), "differs from the form uatrun writes", false},
		{"not json", []byte("<html>"), "not a uatrun evidence document", true},
		{"unknown field", bytes.Replace(good, []byte(`"id": "run-1"`), []byte(`"idx": "run-1"`), 1), "unknown field", true},
		{"other schema", bytes.Replace(good, []byte(Schema), []byte("uatrun.evidence/v9"), 1), "schema", true},
		{"trailing data", append(bytes.Clone(good), "{}"...), "data after the document", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Verify(tc.data)
			if res.Intact {
				t.Fatal("Verify says intact")
			}
			if !strings.Contains(res.Reason, tc.reason) {
				t.Errorf("reason %q, want it to mention %q", res.Reason, tc.reason)
			}
			if gotNE := errors.Is(err, ErrNotEvidence); gotNE != tc.notEvid {
				t.Errorf("err = %v, want ErrNotEvidence: %v", err, tc.notEvid)
			}
		})
	}
}

func TestVerify_ChecksTheSigner(t *testing.T) {
	key := testKey()
	data := sealed(t, testRun(), key)
	res, err := Verify(data)
	if err != nil || !res.Intact {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	if !res.SignedBy(key.Public().(ed25519.PublicKey)) {
		t.Error("SignedBy(signer) = false")
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if res.SignedBy(other) {
		t.Error("SignedBy(another key) = true")
	}

	// A signature by another key over the same digest, with the first key
	// left in place, must not check.
	run := testRun()
	_ = Seal(run, key)
	forged := testRun()
	_ = Seal(forged, ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32)))
	run.Integrity.Ed25519 = forged.Integrity.Ed25519
	b, _ := MarshalEvidence(run)
	if res, _ := Verify(b); res.Intact || res.SignatureValid || !res.Signed {
		t.Errorf("forged signature: %+v", res)
	}

	// A second spelling of the same signature (a padding bit set in its
	// last base64 digit) is a changed byte and must not verify.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	resealed := testRun()
	_ = Seal(resealed, key)
	sig := []byte(resealed.Integrity.Ed25519) // 64 bytes: "…Xy==", y carries 4 padding bits
	sig[85] = alphabet[strings.IndexByte(alphabet, sig[85])^1]
	resealed.Integrity.Ed25519 = string(sig)
	b, _ = MarshalEvidence(resealed)
	if res, _ := Verify(b); res.Intact {
		t.Error("signature with non-zero padding bits accepted")
	}
}

func TestMarshalEvidence_WritesOneExactForm(t *testing.T) {
	run := testRun()
	run.Scenarios[0].Steps[0].Exchanges[0].Request.Body = "bad utf-8 \xff\xfe and <script>&"
	run.Schema = ""
	data := sealed(t, run, testKey())
	again, _ := MarshalEvidence(run)
	if !bytes.Equal(data, again) {
		t.Fatal("two encodings of one run differ")
	}
	if !bytes.HasSuffix(data, []byte("}\n")) || !bytes.HasPrefix(data, []byte("{\n  \"schema\": \""+Schema)) {
		t.Errorf("unexpected layout:\n%.80s", data)
	}
	if res, err := Verify(data); err != nil || !res.Intact {
		t.Fatalf("evidence with invalid UTF-8 and a named zone does not verify: %+v %v", res, err)
	}
}

func TestDigest_IgnoresIntegrityBlock(t *testing.T) {
	run := testRun()
	before, err := Digest(run)
	if err != nil {
		t.Fatal(err)
	}
	_ = Seal(run, testKey())
	after, _ := Digest(run)
	if before != after || after != run.Integrity.SHA256 {
		t.Errorf("digest before %s, after %s, sealed %s", before, after, run.Integrity.SHA256)
	}
	run.Scenarios[0].Title += "!"
	if changed, _ := Digest(run); changed == after {
		t.Error("digest did not change with the content")
	}
}

func TestSeal_RefusesBadInput(t *testing.T) {
	if err := Seal(testRun(), ed25519.PrivateKey("short")); err == nil {
		t.Error("short key accepted")
	}
	if err := Seal(nil, nil); err == nil {
		t.Error("nil run accepted")
	}
	run := testRun()
	run.Scenarios[0].DurationMS = math.NaN()
	if err := Seal(run, nil); err == nil {
		t.Error("NaN duration accepted")
	}
}

func TestLoadSigningKey_ReadsOnlyEd25519PKCS8(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, der []byte, typ string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	edDER, _ := x509.MarshalPKCS8PrivateKey(testKey())
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaDER, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	for _, tc := range []struct {
		name, path, wantErr string
	}{
		{"ed25519", write("ed.pem", edDER, "PRIVATE KEY"), ""},
		{"rsa", write("rsa.pem", rsaDER, "PRIVATE KEY"), "Ed25519"},
		{"wrong block", write("pub.pem", edDER, "PUBLIC KEY"), "PKCS#8"},
		{"garbage", write("junk.pem", []byte("junk"), "PRIVATE KEY"), "signing key"},
		{"missing", filepath.Join(dir, "nope.pem"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := LoadSigningKey(tc.path)
			if tc.wantErr == "" {
				if err != nil || !k.Equal(testKey()) {
					t.Fatalf("LoadSigningKey = %v, %v", k, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

// Whatever a merchant's app sends ends up in bodies: every such run must
// seal and verify.
func FuzzSeal_VerifiesAnyRecordedBody(f *testing.F) {
	f.Add("<script>&", "Content-Type", 1.5)
	f.Add("\xff\x00\u2028", "X-\u00e9", -0.0)
	f.Fuzz(func(t *testing.T, body, header string, ms float64) {
		if math.IsNaN(ms) || math.IsInf(ms, 0) {
			t.Skip()
		}
		run := testRun()
		ex := &run.Scenarios[0].Steps[0].Exchanges[0]
		ex.Request.Body, ex.DurationMS = body, ms
		ex.Request.Headers = map[string][]string{header: {body}}
		data := sealed(t, run, testKey())
		if res, err := Verify(data); err != nil || !res.Intact {
			t.Fatalf("Verify = %+v, %v", res, err)
		}
	})
}

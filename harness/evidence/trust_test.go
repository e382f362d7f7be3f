package evidence

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// failingRun has one mandated FAILED scenario: NO-GO.
func failingRun() *Run {
	run := testRun()
	run.Scenarios[0].Verdict = Failed
	run.Scenarios[0].Steps[0].Verdict = Failed
	run.Summary = Summarise(run.Scenarios)
	return run
}

// A digest is recomputable by anyone, so re-sealing an edited run keeps
// the digest consistent; Verify must still refuse what contradicts itself.
func TestVerify_RecomputesTheSummaryAndVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		forge  func(*Run)
		reason string
	}{
		{"go-live flipped alone", func(r *Run) { r.Summary.GoLive = true }, "the summary says go-live true"},
		{"verdict flipped, summary recomputed", func(r *Run) {
			r.Scenarios[0].Verdict = Passed
			r.Summary = Summarise(r.Scenarios)
		}, "scenario DANA-PAY-01 is PASSED but its step 1"},
		{"verdict counts edited", func(r *Run) { r.Summary.ByVerdict = map[Verdict]int{Passed: 1} }, "is not the one its scenarios support"},
		{"interrupted run claims go-live", func(r *Run) {
			*r = *testRun()
			r.Interrupted = true
			r.Summary = Summarise(r.Scenarios)
		}, "the summary says go-live true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := failingRun()
			tc.forge(run)
			data := sealed(t, run, nil) // re-sealed after the edit
			res, err := Verify(data)
			if err != nil || res.Intact || !strings.Contains(res.Reason, tc.reason) {
				t.Fatalf("Verify = intact %v, %q, %v; want not intact saying %q", res.Intact, res.Reason, err, tc.reason)
			}
		})
	}
	if res, _ := Verify(sealed(t, failingRun(), nil)); !res.Intact {
		t.Fatalf("an honest NO-GO run does not verify: %s", res.Reason)
	}
}

// The reviewer pins the key: unsigned, re-signed by another key or
// stripped of its signature, the document fails; only the reviewer's
// signature passes.
func TestVerifyWith_PinnedKeyAcceptsOnlyThatSigner(t *testing.T) {
	reviewer := testKey()
	merchant := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	pin := VerifyOptions{Key: reviewer.Public().(ed25519.PublicKey)}

	res, err := VerifyWith(sealed(t, testRun(), reviewer), pin)
	if err != nil || !res.Intact || !res.Pinned {
		t.Fatalf("signed by the pinned key: %+v, %v", res, err)
	}
	if s := res.Statement(); !strings.Contains(s, "pinned key "+KeyID(pin.Key)) || !strings.Contains(s, "unchanged since sealed at 2026-03-02T03:00:05Z") {
		t.Errorf("statement %q", s)
	}

	for _, tc := range []struct {
		name   string
		data   []byte
		reason string
	}{
		{"unsigned", sealed(t, testRun(), nil), "not signed, and the pinned key"},
		{"re-sealed by another key", sealed(t, failingRunPassed(), merchant), "signed by " + KeyID(merchant.Public().(ed25519.PublicKey)) + ", not by the pinned key"},
		{"signature stripped", stripped(t, sealed(t, testRun(), reviewer)), "not signed, and the pinned key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := VerifyWith(tc.data, pin)
			if err != nil || res.Intact || !strings.Contains(res.Reason, tc.reason) {
				t.Fatalf("VerifyWith = intact %v, %q, %v; want %q", res.Intact, res.Reason, err, tc.reason)
			}
			// Unpinned, the same files are intact: that is why --key exists.
			if res, _ := Verify(tc.data); !res.Intact || res.Pinned {
				t.Errorf("unpinned: intact %v pinned %v (%s)", res.Intact, res.Pinned, res.Reason)
			}
		})
	}
}

// failingRunPassed is what a forger makes of a failing run: the verdict
// and its step both passed, consistently.
func failingRunPassed() *Run {
	run := failingRun()
	run.Scenarios[0].Verdict = Passed
	run.Scenarios[0].Steps[0].Verdict = Passed
	run.Summary = Summarise(run.Scenarios)
	return run
}

func stripped(t *testing.T, data []byte) []byte {
	t.Helper()
	run, err := decodeEvidence(data)
	if err != nil {
		t.Fatal(err)
	}
	run.Integrity.Ed25519, run.Integrity.PublicKey = "", ""
	b, err := MarshalEvidence(run)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyResult_StatementSaysWhatIsProven(t *testing.T) {
	unsigned, _ := Verify(sealed(t, testRun(), nil))
	signed, _ := Verify(sealed(t, testRun(), testKey()))
	for _, tc := range []struct {
		res  VerifyResult
		want string
	}{
		{unsigned, "unsigned: anyone holding the file can change it"},
		{signed, "a key carried in the file itself"},
	} {
		if s := tc.res.Statement(); !strings.Contains(s, tc.want) {
			t.Errorf("statement %q lacks %q", s, tc.want)
		}
	}
}

func TestLoadPublicKey_ReadsPEMPrivatePEMAndBase64(t *testing.T) {
	key := testKey()
	pub := key.Public().(ed25519.PublicKey)
	dir := t.TempDir()
	pubPEM, err := MarshalPublicKeyPEM(pub)
	must(t, err)
	privPEM, err := MarshalSigningKeyPEM(key)
	must(t, err)
	files := map[string][]byte{
		"pub.pem":  pubPEM,
		"priv.pem": privPEM,
		"pub.txt":  []byte(b64.EncodeToString(pub) + "\n"),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, data, 0o600))
		got, err := LoadPublicKey(p)
		if err != nil || !got.Equal(pub) {
			t.Errorf("%s: %v, %v", name, got, err)
		}
	}
	bad := filepath.Join(dir, "bad")
	must(t, os.WriteFile(bad, []byte("not a key"), 0o600))
	if _, err := LoadPublicKey(bad); err == nil {
		t.Error("garbage accepted as a public key")
	}
}

// Journal.Head pins every record: the rebuilt run carries the same head.
func TestJournalHead_IsWhatReadJournalSees(t *testing.T) {
	j, path := newJournal(t)
	journalRun(t, j, testRun(), true)
	must(t, j.Close())
	got, err := ReadJournal(path)
	must(t, err)
	if h := j.Head(); got.Journal == nil || *got.Journal != h {
		t.Fatalf("ReadJournal head %+v, journal wrote %+v", got.Journal, h)
	}
}

package reporters

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

// findingsFormats are the rendered reports of findingsRun kept as golden
// files (its evidence.json is the model itself, covered by its own tests).
var findingsFormats = []string{FormatJUnit, FormatHTML, FormatMarkdown}

func TestWrite_FindingsMatchGoldenFiles(t *testing.T) {
	dir := t.TempDir()
	paths, err := Write(dir, findingsRun(), Options{Now: fixedNow, SigningKey: fixtureKey(), Formats: findingsFormats})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", "findings", filepath.Base(p))
		if *update {
			must(t, os.MkdirAll(filepath.Dir(golden), 0o755))
			must(t, os.WriteFile(golden, got, 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run `go test ./reporters -update` to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s at byte %d (run `go test ./reporters -update` and review the diff)",
				filepath.Base(p), golden, firstDiff(got, want))
		}
	}
}

// section is the HTML of one scenario's transcript.
func section(t *testing.T, page, anchor string) string {
	t.Helper()
	i := strings.Index(page, `id="`+anchor+`"`)
	if i < 0 {
		t.Fatalf("no scenario #%s", anchor)
	}
	s := page[i:]
	if j := strings.Index(s, "</details>\n  \n"); j > 0 {
		s = s[:j]
	}
	if j := strings.Index(s[1:], `<details class="scenario"`); j > 0 {
		s = s[:j+1]
	}
	return s
}

func TestHTML_ShowsOutcomeSetupAfterFailureAndFixes(t *testing.T) {
	page := renderHTMLString(t, findingsRun())

	wrong := section(t, page, "sc-dana-sig-04")
	for _, want := range []string{
		`<span class="badge v-fail">FAILED</span> <span class="tag outcome-wrong">outcome also wrong</span>`,
		`<span class="tag tag-setup">setup</span>`,
		`class="step v-fail problem after-failure"`,
		`<span class="tag tag-after">judged after the failure, informational</span>`,
		`<tr class="fix"><td colspan="4"><strong>What to fix:</strong> Answer the finish_notify with responseCode 4015600`,
	} {
		if !strings.Contains(wrong, want) {
			t.Errorf("DANA-SIG-04 lacks %q", want)
		}
	}
	// Every failed check of the notify step has its own fix: the step's
	// remedy, built from them, is not printed a second time.
	if n := strings.Count(wrong, "Answer the finish_notify"); n != 1 {
		t.Errorf("the notify fix shows %d times, want once beside its check", n)
	}

	held := section(t, page, "sc-dana-refund-04")
	for _, want := range []string{
		`<span class="tag outcome-held">outcome held: acknowledgement only</span>`,
		`class="step v-pass after-failure"`,
		// No check of this step has a fix: the scenario's remedy stands.
		`<div class="remedy"><h4>What to fix</h4><p>Refuse a refund whose amount exceeds`,
	} {
		if !strings.Contains(held, want) {
			t.Errorf("DANA-REFUND-04 lacks %q", want)
		}
	}
	if strings.Contains(held, `<tr class="fix">`) {
		t.Error("a check without a fix of its own shows a fix line")
	}

	setup := section(t, page, "sc-dana-cancel-02")
	for _, want := range []string{
		`<span class="badge v-error">ERRORED</span> <span class="tag tag-setup">rule not reached: setup could not proceed</span>`,
		`class="step v-error problem setup"`,
		"Make checkout succeed",
	} {
		if !strings.Contains(setup, want) {
			t.Errorf("DANA-CANCEL-02 lacks %q", want)
		}
	}

	mixed := section(t, page, "sc-dana-pay-07")
	if !strings.Contains(mixed, `<tr class="fix">`) || !strings.Contains(mixed, `<div class="remedy">`) {
		t.Error("a step with one check fixed and one not must show the fix beside the check and the remedy below")
	}

	// The blocking list and the scenario table carry the findings too.
	summary := page[strings.Index(page, `id="summary"`):strings.Index(page, `id="digest"`)]
	for _, want := range []string{"outcome also wrong", "outcome held: acknowledgement only", "rule not reached: setup could not proceed"} {
		if n := strings.Count(summary, want); n != 2 {
			t.Errorf("%q shows %d times in the decision and the scenario table, want 2", want, n)
		}
	}
	if m := externalRef.FindString(page); m != "" {
		t.Errorf("page references the network: %q", m)
	}
}

func TestHTML_RunHeaderSaysHowTheRunWasProduced(t *testing.T) {
	page := renderHTMLString(t, findingsRun())
	head := page[:strings.Index(page, `<nav class="toc"`)]
	for _, want := range []string{
		`<h2 class="run-head-title" id="run-head">How this run was produced</h2>`,
		`<dl class="head-facts run-facts" aria-labelledby="run-head">`,
		"<dt>Merchant build</dt><dd>v2.3.1 (commit 4e5f6a7)</dd>",
		"<dt>uatrun version</dt><dd>v0.3.0</dd>",
		"<dt>Gateway</dt><dd>dana-gapura</dd>",
		"<dt>Scenario order</dt><dd>shuffled, seed 42</dd>",
		"<dt>Config SHA-256</dt><dd>9e8d7c6b5a493827…</dd>",
		"<dt>Programs the config runs</dt><dd>2 (section 4)</dd>",
	} {
		if !strings.Contains(head, want) {
			t.Errorf("header lacks %q", want)
		}
	}
	env := page[strings.Index(page, `id="environment"`):strings.Index(page, `id="signoff"`)]
	for _, want := range []string{
		"v2.3.1 (commit 4e5f6a7)", "shuffled, seed 42",
		"checkout → php (env: SHOP_DB_URL) at uatrun.yaml:12:5", "order_status → ./bin/status",
	} {
		if !strings.Contains(env, want) {
			t.Errorf("section 4 lacks %q", want)
		}
	}
}

func TestMarkdown_ShowsOutcomeSetupAfterFailureAndFixes(t *testing.T) {
	md := renderMD(t, findingsRun())
	for _, want := range []string{
		"merchant build `v2.3.1 (commit 4e5f6a7)` · uatrun `v0.3.0` · order: shuffled, seed 42 · config SHA-256 `9e8d7c6b5a49",
		"<summary>Programs the config runs (2)</summary>",
		"- checkout → php (env: SHOP\\_DB\\_URL) at uatrun.yaml:12:5",
		"- ❌ `DANA-SIG-04` — **outcome also wrong** step 2 `notify: forged`",
		"    - What to fix: Answer the finish\\_notify with responseCode 4015600",
		"- ❌ `DANA-SIG-04` step 3 `merchant: order_status` (**judged after the failure, informational**)",
		"- ❌ `DANA-REFUND-04` — **outcome held: acknowledgement only** step 2 `merchant: refund`",
		"  - What to fix: Refuse a refund whose amount exceeds",
		"- ⚠️ `DANA-CANCEL-02` — **rule not reached: setup could not proceed** step 1 `merchant: checkout` (**setup**)",
		"| **outcome also wrong** — notify\\_answered:",
		"| **outcome held: acknowledgement only** — the merchant answered",
		"| **rule not reached: setup could not proceed** — setup could not proceed",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n%s", want, md)
		}
	}
	if n := strings.Count(md, "Answer the finish\\_notify"); n != 1 {
		t.Errorf("the notify fix shows %d times, want once beside its check", n)
	}
	// One check with a fix of its own, one without: the first fix shows
	// beside its check, the step's remedy below says only the rest.
	if n := strings.Count(md, "maps to no state"); n != 1 {
		t.Errorf("the status-word fix shows %d times, want once beside its check", n)
	}
	if !strings.Contains(md, "  - fulfilments: expected `1`, got `0`\n  - What to fix: Mark the order paid when the finish notify says 00.\n") {
		t.Error("the remedy of the check without a fix is missing below the step")
	}
}

func TestJUnit_FailureMessageNamesTheOutcome(t *testing.T) {
	suites := decodeJUnit(t, findingsRun())
	for id, want := range map[string]string{
		"DANA-SIG-04":    "outcome also wrong — step 2 (notify: forged)",
		"DANA-REFUND-04": "outcome held: acknowledgement only — step 2 (merchant: refund)",
	} {
		c := caseNamed(t, suites, id)
		if c.Failure == nil || !strings.HasPrefix(c.Failure.Message, want) {
			t.Errorf("%s: failure %+v, want a message starting %q", id, c.Failure, want)
		}
	}
	c := caseNamed(t, suites, "DANA-CANCEL-02")
	if c.Error == nil || !strings.HasPrefix(c.Error.Message, "rule not reached: setup could not proceed — step 1") {
		t.Errorf("setup ERRORED: %+v", c.Error)
	}
	if c := caseNamed(t, suites, "DANA-SIG-04"); !strings.Contains(c.Failure.Text, "(judged after the failure, informational)") ||
		!strings.Contains(c.Failure.Text, "    what to fix: Answer the finish_notify") {
		t.Errorf("failure text lacks the after-failure mark or the check's fix:\n%s", c.Failure.Text)
	}
}

// A merchant base URL may be configured with a password or a token in its
// query: the reports show the URL without them.
func TestReports_NeverShowCredentialsOfTheTarget(t *testing.T) {
	dir := t.TempDir()
	paths, err := Write(dir, findingsRun(), Options{Now: fixedNow, Formats: findingsFormats})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{targetSecret, querySecret} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s shows %q", filepath.Base(p), secret)
			}
		}
	}
	// evidence.SafeURL's own cases are in harness/evidence.
}

// An evidence.json written before the newer fields (no outcome, setup,
// after_failure or per-check fix; no merchant version, order or commands)
// still verifies, re-encodes byte for byte, and renders exactly the golden
// reports, with none of the newer labels.
func TestReports_OldEvidenceRendersUnchanged(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "legacy", "evidence.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"outcome"`, `"setup"`, `"after_failure"`, `"fix"`, `"merchant_version"`, `"commands"`} {
		if bytes.Contains(data, []byte(field)) {
			t.Fatalf("the legacy document holds %s: it no longer stands for an old one", field)
		}
	}
	if _, err := evidence.Verify(data); err != nil {
		t.Fatalf("legacy evidence.json does not verify: %v", err)
	}
	var run evidence.Run
	must(t, json.Unmarshal(data, &run))
	var again bytes.Buffer
	must(t, JSON(&again, &run))
	if !bytes.Equal(again.Bytes(), data) {
		t.Fatalf("legacy evidence.json re-encodes differently at byte %d", firstDiff(again.Bytes(), data))
	}
	gen := fixedNow()
	for _, f := range []string{FormatJUnit, FormatHTML, FormatMarkdown} {
		var got bytes.Buffer
		must(t, renderers[f](&got, &run, gen))
		want, err := os.ReadFile(filepath.Join("testdata", "golden", fileNames[f]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("legacy %s differs from the golden file at byte %d", fileNames[f], firstDiff(got.Bytes(), want))
		}
		for _, label := range []string{labelOutcomeWrong, labelOutcomeHeld, labelSetupErrored, labelAfterFailure, `class="tag `, `<tr class="fix">`, "(setup)", `name="outcome"`} {
			if bytes.Contains(got.Bytes(), []byte(label)) {
				t.Errorf("legacy %s shows %q", fileNames[f], label)
			}
		}
	}
}

package reporters

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

func decodeJUnit(t *testing.T, run *evidence.Run) junitSuites {
	t.Helper()
	var buf bytes.Buffer
	if err := JUnit(&buf, run); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	// encoding/xml refuses characters XML 1.0 forbids: decoding proves the
	// file is well formed.
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("junit.xml is not valid XML: %v\n%s", err, buf.String())
	}
	return doc
}

func caseNamed(t *testing.T, doc junitSuites, id string) junitCase {
	t.Helper()
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if strings.HasPrefix(c.Name, id+" ") {
				return c
			}
		}
	}
	t.Fatalf("no testcase for %s", id)
	return junitCase{}
}

func TestJUnit_MapsVerdictsToJUnitOutcomes(t *testing.T) {
	doc := decodeJUnit(t, fixtureRun())
	if doc.Tests != 6 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 2 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d, want 6/1/1/2", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	for _, tc := range []struct {
		id                          string
		failure, err, skip, passing bool
		text                        string
	}{
		{id: "DANA-PAY-01", passing: true},
		{id: "DANA-PAY-03", failure: true, text: "scenarios/dana-gapura/pay.yaml:52:5"},
		{id: "DANA-CREATE-05", err: true, text: "connection refused"},
		{id: "DANA-REFUND-02", skip: true, text: "defines no refund action"},
		{id: "DANA-IDEM-01", skip: true, text: "REVIEW: the merchant exposes"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			c := caseNamed(t, doc, tc.id)
			if (c.Failure != nil) != tc.failure || (c.Error != nil) != tc.err || (c.Skipped != nil) != tc.skip {
				t.Fatalf("failure=%v error=%v skipped=%v", c.Failure != nil, c.Error != nil, c.Skipped != nil)
			}
			var msg string
			switch {
			case c.Failure != nil:
				msg = c.Failure.Message
			case c.Error != nil:
				msg = c.Error.Message
			case c.Skipped != nil:
				msg = c.Skipped.Message
			}
			if !strings.Contains(msg, tc.text) {
				t.Errorf("message %q lacks %q", msg, tc.text)
			}
		})
	}
}

func TestJUnit_FailureCarriesExpectedActualAndPosition(t *testing.T) {
	c := caseNamed(t, decodeJUnit(t, fixtureRun()), "DANA-PAY-03")
	if c.Failure.Type != "FAILED" || c.File != packFile || c.Line != 40 {
		t.Errorf("type=%q file=%q line=%d", c.Failure.Type, c.File, c.Line)
	}
	for _, want := range []string{`expected: EXPIRED (merchant: "expired")`, `actual:   PAID (merchant: "paid")`, "what to fix: Treat"} {
		if !strings.Contains(c.Failure.Text, want) {
			t.Errorf("failure text lacks %q:\n%s", want, c.Failure.Text)
		}
	}
	if strings.ContainsRune(c.Failure.Text, '\x01') {
		t.Error("control character survived")
	}
}

func TestJUnit_RecordsRunSettingsAndReview(t *testing.T) {
	doc := decodeJUnit(t, fixtureRun())
	props := map[string]string{}
	for _, p := range doc.Suites[0].Properties {
		props[p.Name] = p.Value
	}
	for name, want := range map[string]string{
		"merchant": "Warung Bu Sari & Sons <Jakarta>", "gateway": "dana-gapura", "target": "http://127.0.0.1:8080",
		"version": "v0.3.0", "filter": "labels: pay, notify, create", "go_live": "false",
		"pack.dana-gapura": fixtureRun().Meta.Packs[0].Digest,
	} {
		if props[name] != want {
			t.Errorf("property %s = %q, want %q", name, props[name], want)
		}
	}
	review := caseNamed(t, doc, "DANA-IDEM-01")
	found := false
	for _, p := range review.Properties {
		found = found || (p.Name == "review" && strings.Contains(p.Value, "no order_status action"))
	}
	if !found {
		t.Error("REVIEW testcase lacks its review property")
	}
}

func TestJUnit_OneSuitePerGateway(t *testing.T) {
	run := fixtureRun()
	run.Scenarios[1].Gateway = "midtrans"
	run.Scenarios[4].Gateway = "midtrans"
	doc := decodeJUnit(t, run)
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "dana-gapura" || doc.Suites[1].Name != "midtrans" {
		t.Fatalf("suites %+v", doc.Suites)
	}
	if doc.Suites[0].Tests != 4 || doc.Suites[1].Tests != 2 {
		t.Errorf("tests per suite %d/%d, want 4/2", doc.Suites[0].Tests, doc.Suites[1].Tests)
	}
}

func TestXMLText_DropsForbiddenCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"a\x00b\x08c\x1fd":       "abcd",
		"tab\tnl\ncr\r":          "tab\tnl\ncr\r",
		"\ufffe\uffffok":         "ok",
		"bad\xffutf8":            "bad\ufffdutf8",
		"]]> <x> & \u00e9\u2028": "]]> <x> & \u00e9\u2028",
	} {
		if got := xmlText(in); got != want {
			t.Errorf("xmlText(%q) = %q, want %q", in, got, want)
		}
	}
}

package reporters

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

// Whatever the merchant's app answers ends up in titles, reasons, checks
// and bodies: junit.xml must stay well-formed XML and no format may fail.
func FuzzReports_AcceptAnyRecordedText(f *testing.F) {
	f.Add("<script>&amp;]]>", "\x00\x01\ufffe\xff")
	f.Add("`|*_", "\r\n\t")
	f.Fuzz(func(t *testing.T, title, body string) {
		run := fixtureRun()
		sc := &run.Scenarios[1]
		sc.Title, sc.Reason = title, body
		st := &sc.Steps[1]
		st.Reason, st.Checks[1].Actual = title, body
		st.Exchanges[0].Response.Body = body
		var buf bytes.Buffer
		if err := JUnit(&buf, run); err != nil {
			t.Fatal(err)
		}
		var doc junitSuites
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("invalid XML for %q / %q: %v", title, body, err)
		}
		if err := HTML(io.Discard, run); err != nil {
			t.Fatal(err)
		}
		if err := Markdown(io.Discard, run); err != nil {
			t.Fatal(err)
		}
	})
}

package snap

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// FuzzMinify checks the properties the signature check relies on: Minify
// never panics, and whenever it succeeds its output is valid JSON with no
// insignificant whitespace, is a fixed point, and means the same as the
// input. Run with: go test ./harness/snap -run '^$' -fuzz FuzzMinify
func FuzzMinify(f *testing.F) {
	for _, s := range []string{
		"{\"a\":1,\"b\":\"x, y\"}\n",
		`{"originalPartnerReferenceNo":"2020102900000000000001","serviceCode":"54","merchantId":"23489182303312"}`,
		"{ \"z\" : \"a\\u0026b\",\n\t\"a\" : 10000.00 }",
		`[1, 2, {"k": [true, false, null]}]`,
		`"\u2028 \ud800"`, "\xff", "\u00a0", " \r\n\t", `{"a":1e400}`, `{"a":"\"\\"}`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Minify(in)
		if err != nil {
			return
		}
		if len(out) == 0 {
			if len(bytes.Trim(in, jsonSpace)) != 0 {
				t.Fatalf("non-blank input %q minified to empty", in)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("output %q is not valid JSON", out)
		}
		if hasInsignificantSpace(out) {
			t.Fatalf("output %q keeps insignificant whitespace", out)
		}
		again, err := Minify(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Minify is not idempotent: %q -> %q (%v)", out, again, err)
		}
		if a, b := decodeNumbers(t, in), decodeNumbers(t, out); !reflect.DeepEqual(a, b) {
			t.Fatalf("meaning changed: %#v != %#v", a, b)
		}
	})
}

// hasInsignificantSpace reports whitespace outside string literals.
func hasInsignificantSpace(b []byte) bool {
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && bytes.IndexByte([]byte(jsonSpace), c) >= 0:
			return true
		}
	}
	return false
}

// decodeNumbers decodes with json.Number so 10000.00 and 10000 stay
// distinct: the hash is over the text, and so is the meaning we compare.
func decodeNumbers(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// FuzzParseTimestamp checks that ParseTimestamp never panics and accepts
// only the one canonical spelling: whatever it accepts, FormatTimestamp
// writes back byte for byte. Run with:
// go test ./harness/snap -run '^$' -fuzz FuzzParseTimestamp
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2026-11-21T10:20:00+07:00", "2020-12-23T08:31:11+07:00", "2026-11-21T03:20:00Z",
		"2026-11-21 10:20:00+07:00", "2026-02-30T10:20:00+07:00", "2026-11-21T24:00:00+07:00",
		"2026-11-21T1:20:00.+07:00", "0000-01-01T00:00:00+07:00", "", "  ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		if got := FormatTimestamp(ts); got != s {
			t.Fatalf("ParseTimestamp accepted %q but it formats back as %q", s, got)
		}
		if ts.Location() != Jakarta {
			t.Fatalf("parsed into %v, want Jakarta", ts.Location())
		}
		if !ts.Equal(ts.In(time.UTC)) {
			t.Fatal("instant changed between zones")
		}
	})
}

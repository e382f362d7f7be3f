package emulator

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckJSONDepth(t *testing.T) {
	deep := strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth)
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{`{"a":[1,{"b":"c"}]}`, true},
		{deep, true},
		{"[" + deep + "]", false},
		{strings.Repeat(`{"a":`, MaxJSONDepth+1), false},
		{`"` + strings.Repeat("[", 1000) + `"`, true},               // brackets in a string are text
		{`"\"` + strings.Repeat("[", 1000) + `"`, true},             // an escaped quote does not end it
		{`"\\"` + strings.Repeat("[", MaxJSONDepth+1), false},       // an escaped backslash does
		{strings.Repeat("]", 1000) + strings.Repeat("[", 10), true}, // malformed but shallow: for the parser to refuse
		{"", true},
	} {
		err := CheckJSONDepth([]byte(tc.body), 0)
		var de *JSONDepthError
		if (err == nil) != tc.ok || (err != nil && !errors.As(err, &de)) {
			t.Errorf("CheckJSONDepth(%.40q…) = %v; want ok=%v", tc.body, err, tc.ok)
		}
	}
}

func TestControlParams_RefusesANestingBomb(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/_uatrun/respond_next", bytes.NewReader(bytes.Repeat([]byte("["), MaxControlBody)))
	req.Header.Set("Content-Type", "application/json")
	if _, err := ControlParams(req); err == nil || !strings.Contains(err.Error(), "deeper than") {
		t.Fatalf("err = %v; want the nesting named", err)
	}
}

// FuzzControlParams feeds arbitrary control bodies, JSON or form: nothing
// panics, and params come back only with no error.
func FuzzControlParams(f *testing.F) {
	for _, s := range []string{`{"api":"create_order","code":"5005401","count":2}`, `api=x&code=y`, `[]`, `{"a":{"b":[1]}}`,
		"{\"a\":\"\xff\"}", strings.Repeat("[", 200), ``} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, body string, form bool) {
		req := httptest.NewRequest(http.MethodPost, "/_uatrun/respond_next?x=1", strings.NewReader(body))
		if form {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		p, err := ControlParams(req)
		if (err == nil) != (p != nil) {
			t.Fatalf("params %v with error %v", p, err)
		}
	})
}

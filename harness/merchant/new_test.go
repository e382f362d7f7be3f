package merchant

import (
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/config"
)

func TestNew_RejectsBadActionsWithNameAndPosition(t *testing.T) {
	for _, tc := range []struct {
		name   string
		action config.Action
		base   string
		want   string
	}{
		{"unparsable path", config.Action{Path: "/orders/{{.order}", Line: 12, Col: 5}, "http://h", `uatrun.yaml:12:5: merchant action "bad": path`},
		{"unparsable json leaf", config.Action{Path: "/x", JSON: map[string]any{"a": []any{"{{if}}"}}}, "http://h", "json.a[0]"},
		{"unparsable header", config.Action{Path: "/x", Headers: map[string]string{"X-A": "{{"}}, "http://h", "headers.X-A"},
		{"unparsable argument", config.Action{Command: []string{"shop", "{{.x"}}, "", "command[1]"},
		{"neither path nor command", config.Action{Line: 3, Col: 7}, "http://h", `uatrun.yaml:3:7: merchant action "bad": needs a path (HTTP) or a command`},
		{"both path and command", config.Action{Path: "/x", Command: []string{"a"}}, "http://h", "both a path and a command"},
		{"command with http fields", config.Action{Command: []string{"a"}, Method: "POST"}, "", "command action takes no method"},
		{"json and form", config.Action{Path: "/x", JSON: map[string]any{}, Form: map[string]string{"a": "b"}}, "http://h", "both json and form"},
		{"bad method", config.Action{Path: "/x", Method: "PO ST"}, "http://h", `method "PO ST"`},
		{"empty capture path", config.Action{Path: "/x", Capture: map[string]string{"o": " "}}, "http://h", `capture "o" has an empty JSON path`},
		{"refused_when with a bad regexp", config.Action{Path: "/x", RefusedWhen: map[string]string{"status": "~("}}, "http://h", `refused_when "status"`},
		{"refused_when with no value", config.Action{Path: "/x", RefusedWhen: map[string]string{"success": ""}}, "http://h", `refused_when "success"`},
		{"empty program", config.Action{Command: []string{""}}, "", "command[0] (the program) is empty"},
		{"no base url", config.Action{Path: "/x"}, "", "base_url is not set"},
		{"base url without scheme", config.Action{Path: "/x"}, "127.0.0.1:8080", "want http://host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(map[string]config.Action{"bad": tc.action}, Options{BaseURL: tc.base, File: "uatrun.yaml"})
			if err == nil {
				t.Fatal("New accepted a bad action")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestNew_AcceptsCommandsWithoutBaseURL(t *testing.T) {
	d, err := New(map[string]config.Action{"c": {Command: []string{"shop", "status", "{{.order}}"}}}, Options{})
	if err != nil || !d.Has("c") {
		t.Fatalf("New: %v", err)
	}
}

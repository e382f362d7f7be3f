package config

import (
	"strings"
	"testing"
)

func TestParse_RefusedWhen(t *testing.T) {
	c, err := Parse("uatrun.yaml", []byte(action("    refund: {method: POST, path: /r, refused_when: {success: false, code: \"~^E\"}}\n")), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Merchant.Actions["refund"].RefusedWhen
	if got["success"] != "false" || got["code"] != "~^E" {
		t.Fatalf("refused_when %v, want success: false and code: ~^E", got)
	}
}

// A refused_when that could never be read right is refused at load, at
// the line and column of the value.
func TestParse_RefusedWhenErrorsPointAtTheCondition(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"bad regexp", action("    refund: {path: /r, refused_when: {status: \"~(\"}}\n"),
			`uatrun.yaml:6:47: action "refund": refused_when.status: bad regular expression "(": `},
		{"no value", action("    refund: {path: /r, refused_when: {success: \"\"}}\n"),
			`uatrun.yaml:6:48: action "refund": refused_when.success has no value; write the value that means a refusal`},
		{"no field", action("    refund: {path: /r, refused_when: {}}\n"),
			`uatrun.yaml:6:38: action "refund": refused_when names no field; write the answer fields that mean a refusal`},
		{"not a mapping", action("    refund: {path: /r, refused_when: false}\n"),
			`uatrun.yaml:6:38: merchant.actions.refund.refused_when must be a mapping`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("uatrun.yaml", []byte(tc.yaml), noEnv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
		})
	}
}

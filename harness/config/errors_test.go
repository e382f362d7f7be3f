package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// base is a valid config that the error cases below break one line at a
// time. Line numbers matter: the cases assert exact positions.
const base = `version: 1
merchant:
  base_url: http://127.0.0.1:8080
  actions:
    checkout: {method: POST, path: /checkout, json: {amount: "{{.amount}}"}, capture: {order: order_id}}
gateway:
  merchant_public_key: keys/merchant.pub.pem
  gateway_private_key: keys/gateway.pem
`

// insert adds lines to base after its line number after (1-based).
func insert(after int, lines string) string {
	ls := strings.SplitAfter(base, "\n")
	return strings.Join(ls[:after], "") + lines + strings.Join(ls[after:], "")
}

// action adds an action after checkout, as line 6.
func action(line string) string { return insert(5, line) }

func noEnv(string) (string, bool) { return "", false }

func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParse_BaseIsValid(t *testing.T) {
	if _, err := Parse("uatrun.yaml", []byte(base), noEnv); err != nil {
		t.Fatal(err)
	}
}

func TestParse_WaitsDefaultAndHoldMayBeOff(t *testing.T) {
	c, err := Parse("uatrun.yaml", []byte(base), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Run.Settle.D() != DefaultSettle || c.Run.Hold.D() != DefaultHold {
		t.Fatalf("settle %s, hold %s; want the defaults %s, %s", c.Run.Settle.D(), c.Run.Hold.D(), DefaultSettle, DefaultHold)
	}
	c, err = Parse("uatrun.yaml", []byte(base+"run: {hold: 0s, settle: 2s}\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Run.Settle.D() != 2*time.Second || c.Run.Hold.D() != 0 {
		t.Fatalf("settle %s, hold %s; want 2s and 0s (off)", c.Run.Settle.D(), c.Run.Hold.D())
	}
}

// TestParse_ErrorsPointAtTheProblem checks the exact first error line a
// user sees for each kind of mistake: file:line:col, message and remedy.
func TestParse_ErrorsPointAtTheProblem(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"misspelt merchant key", insert(2, "  bse_url: http://x\n"),
			`uatrun.yaml:3:3: unknown key "bse_url" in merchant; did you mean "base_url"?`},
		{"misspelt top-level key", base + "reprot: {dir: out}\n",
			`uatrun.yaml:9:1: unknown key "reprot" at the top level; did you mean "report"?`},
		{"misspelt action key", action("    cancel: {methd: POST, path: /c}\n"),
			`uatrun.yaml:6:14: unknown key "methd" in merchant.actions.cancel; did you mean "method"?`},
		{"unknown key far from any", base + "run: {colour: blue}\n",
			`uatrun.yaml:9:7: unknown key "colour" in run; valid keys: packs, scenario_dir, labels, step_timeout, settle, wait, hold, fail_fast, parallel`},
		{"settle beyond the ceiling", base + "run: {settle: 100000h}\n",
			`uatrun.yaml:9:15: run.settle 100000h0m0s is longer than the 10m0s ceiling; write at most 10m0s, e.g. 5s`},
		{"step timeout beyond the ceiling", base + "run: {step_timeout: 11m}\n",
			`uatrun.yaml:9:21: run.step_timeout 11m0s is longer than the 10m0s ceiling; write at most 10m0s, e.g. 15s`},
		{"duration not a duration", base + "run: {step_timeout: abc}\n",
			`uatrun.yaml:9:21: run.step_timeout: "abc" is not a duration; write a Go duration such as 10s, 1m30s or 500ms`},
		{"duration without unit", insert(2, "  timeout: 10\n"),
			`uatrun.yaml:3:12: merchant.timeout: "10" is not a duration; add a unit: 10s for seconds, or 1m30s, 500ms`},
		{"negative duration", base + "  notify_retry: [1m, -5m]\n",
			`uatrun.yaml:9:22: gateway.notify_retry[1]: "-5m" is negative; write a positive duration such as 5m`},
		{"size not a size", base + "receiver:\n  max_body: big\n",
			`uatrun.yaml:10:13: receiver.max_body: "big" is not a positive size in bytes; write e.g. max_body: 1MiB (or a byte count such as 1048576)`},
		{"bool not a bool", base + "run:\n  fail_fast: maybe\n",
			`uatrun.yaml:10:14: run.fail_fast: "maybe" is not true or false; write e.g. fail_fast: true`},
		{"version", strings.Replace(base, "version: 1", "version: 2", 1),
			`uatrun.yaml:1:10: unsupported config version 2; write version: 1`},
		{"version not a number", strings.Replace(base, "version: 1", "version: one", 1),
			`uatrun.yaml:1:10: version: "one" is not a whole number; write e.g. version: 1`},
		{"base_url not absolute", strings.Replace(base, "http://127.0.0.1:8080", "127.0.0.1:8080", 1),
			`uatrun.yaml:3:13: merchant.base_url "127.0.0.1:8080" is not an absolute http(s) URL; write an absolute http(s) URL without query, e.g. http://127.0.0.1:8080 or https://shop.test/api`},
		{"base_url missing", strings.Replace(base, "  base_url: http://127.0.0.1:8080\n", "", 1),
			`uatrun.yaml:2:1: merchant.base_url is missing, and HTTP actions need it; add base_url: http://127.0.0.1:8080 (where your app listens) under merchant:`},
		{"gateway name typo", base + "  name: dana-gapra\n",
			`uatrun.yaml:9:9: gateway.name: unknown value "dana-gapra"; did you mean "dana-gapura"?`},
		{"external id reuse", base + "  external_id_reuse: ignore\n",
			`uatrun.yaml:9:22: gateway.external_id_reuse: unknown value "ignore"; choose one of record, reject`},
		{"format not known", base + "report: {formats: [html, pdf]}\n",
			`uatrun.yaml:9:26: report.formats: unknown value "pdf"; choose one of html, json, junit, markdown`},
		{"formats not a list", base + "report:\n  formats: html\n",
			`uatrun.yaml:10:12: report.formats must be a list, not the value "html"; write a list such as [html, json, junit, markdown]`},
		{"section not a mapping", base + "emulator: 127.0.0.1:9080\n",
			`uatrun.yaml:9:11: emulator must be a mapping, not the value "127.0.0.1:9080"; write a mapping of key: value lines`},
		{"both path and command", action("    cancel: {path: /c, command: [./c]}\n"),
			`uatrun.yaml:6:5: action "cancel" has both path and command; keep one: path for an HTTP request, command for a program`},
		{"neither path nor command", action("    cancel: {method: POST}\n"),
			`uatrun.yaml:6:5: action "cancel" has neither path nor command; add path: /checkout (an HTTP request to your app) or command: [./bin/checkout] (a program that prints JSON)`},
		{"command with http fields", action("    cancel: {command: [./c], method: POST}\n"),
			`uatrun.yaml:6:5: action "cancel" is a command but also sets HTTP fields; a command gets its input as templated arguments; drop method, headers, query, json and form`},
		{"json and form", action("    cancel: {path: /c, json: {a: 1}, form: {b: \"2\"}}\n"),
			`uatrun.yaml:6:5: action "cancel" has both json and form bodies; keep one body: json or form`},
		{"bad method", action("    cancel: {path: /c, method: \"PO ST\"}\n"),
			`uatrun.yaml:6:32: action "cancel": method "PO ST" is not an HTTP method; write GET, POST, PUT, PATCH or DELETE`},
		{"broken template", action("    cancel: {path: \"/orders/{{.order}/cancel\"}\n"),
			`uatrun.yaml:6:20: merchant.actions.cancel.path is not a valid template: bad character U+007D '}'; write variables as {{.name}}, e.g. "/orders/{{.order}}"`},
		{"status typo", insert(5, "  statuses: {CANCELED: batal}\n"),
			`uatrun.yaml:6:14: unknown status "CANCELED" in merchant.statuses; did you mean "CANCELLED"?`},
		{"listen without host", base + "emulator: {listen: \"9080\"}\n",
			`uatrun.yaml:9:20: emulator.listen "9080" is not a host:port address; write host:port, e.g. 127.0.0.1:9080 (or 127.0.0.1:0 for any free port)`},
		{"same port twice", base + "emulator: {listen: \"127.0.0.1:9080\"}\nreceiver: {listen: \"127.0.0.1:9080\"}\n",
			`uatrun.yaml:10:20: emulator.listen and receiver.listen are both 127.0.0.1:9080; give the receiver its own port, e.g. 127.0.0.1:9081`},
		{"dana without private key", strings.Replace(base, "  gateway_private_key: keys/gateway.pem\n", "", 1),
			`uatrun.yaml:6:1: gateway.gateway_private_key is missing; dana-gapura needs it; run uatrun keys --out keys and set gateway_private_key: keys/gateway.pem under gateway:`},
		{"repeated key", base + "  merchant_public_key: other.pem\n",
			`uatrun.yaml:9:3: key "merchant_public_key" repeated in gateway (first at line 7); remove one of them`},
		{"unset env var", base + "  partner_id: \"id-${DANA_PARTNER_ID}\"\n",
			`uatrun.yaml:9:19: gateway.partner_id: environment variable DANA_PARTNER_ID is not set; export DANA_PARTNER_ID=… before running uatrun, or write ${DANA_PARTNER_ID:-default}`},
		{"unclosed env reference", base + "  partner_id: ${DANA\n",
			`uatrun.yaml:9:15: gateway.partner_id: unclosed ${ in value; close it as ${VAR}, or write $$ for a literal dollar sign`},
		{"bad variable name", base + "  partner_id: ${1X}\n",
			`uatrun.yaml:9:15: gateway.partner_id: ${1X} is not a variable reference; write ${NAME} or ${NAME:-default} with NAME made of letters, digits and _ (and $$ for a literal dollar sign)`},
		{"json body infinity", action("    cancel: {path: /c, json: {n: .inf}}\n"),
			`uatrun.yaml:6:34: merchant.actions.cancel.json.n: .inf is not a JSON number; quote it (".inf") to send a string`},
		{"json body is only infinity", action("    cancel: {path: /c, json: .inf}\n"),
			`uatrun.yaml:6:30: merchant.actions.cancel.json: .inf is not a JSON number; quote it (".inf") to send a string`},
		{"YAML syntax", base + "  partner_id: [a, b\n",
			`uatrun.yaml:9: YAML syntax: did not find expected ',' or ']'; a list, mapping or quoted value that starts on this line is not closed or not indented consistently`},
		{"tab indentation", insert(2, "\tname: x\n"),
			`uatrun.yaml:3: YAML syntax: found character that cannot start any token; check the indentation (spaces, not tabs) and quoting around this line`},
		{"empty file", "# nothing here\n",
			`uatrun.yaml: the config file is empty; start from config.example.yaml`},
		{"two documents", base + "---\nversion: 1\n",
			`uatrun.yaml:9:1: the file holds more than one YAML document; keep one document; remove the --- line`},
		{"not a mapping", "- a\n- b\n",
			`uatrun.yaml:1:1: the config must be a mapping of sections (merchant:, gateway:, …); start from config.example.yaml`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("uatrun.yaml", []byte(tc.yaml), noEnv)
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v (%T), want Errors", err, err)
			}
			if got := errs[0].Error(); got != tc.want {
				t.Errorf("first error\n got: %s\nwant: %s\n all:\n%v", got, tc.want, err)
			}
		})
	}
}

func TestParse_ReportsEveryProblemSortedByPosition(t *testing.T) {
	yaml := `merchant:
  bse_url: http://x
  timeout: abc
gateway:
  name: dana-gapra
report: {formats: [pdf]}
`
	_, err := Parse("c.yaml", []byte(yaml), noEnv)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error()[:strings.Index(e.Error(), ": ")])
	}
	want := []string{"c.yaml:2:3", "c.yaml:3:12", "c.yaml:5:9", "c.yaml:6:20"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("positions %v, want %v\n%v", got, want, err)
	}
	if lines := strings.Count(err.Error(), "\n") + 1; lines != len(want) {
		t.Errorf("Error() has %d lines, want one per problem", lines)
	}
}

func TestError_Format(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "a.yaml", Line: 3, Col: 7, Msg: "bad", Fix: "do this"}, "a.yaml:3:7: bad; do this"},
		{Error{File: "a.yaml", Line: 3, Msg: "bad"}, "a.yaml:3: bad"},
		{Error{File: "a.yaml", Msg: "unreadable", Fix: "check it"}, "a.yaml: unreadable; check it"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got %q want %q", got, tc.want)
		}
	}
	var one Error
	if !errors.As(Errors{{File: "x", Msg: "m"}}.orNil(), &one) || one.Msg != "m" {
		t.Error("errors.As cannot reach an Error inside Errors")
	}
	if (Errors{}).orNil() != nil {
		t.Error("no errors must be a nil error")
	}
}

func TestParse_TypoIsReportedOnceNotAlsoAsMissing(t *testing.T) {
	for _, yaml := range []string{
		strings.Replace(base, "base_url:", "bse_url:", 1),
		strings.Replace(base, "gateway_private_key:", "gateway_privat_key:", 1),
	} {
		_, err := Parse("uatrun.yaml", []byte(yaml), noEnv)
		var errs Errors
		if !errors.As(err, &errs) || len(errs) != 1 || !strings.Contains(errs[0].Fix, "did you mean") {
			t.Errorf("want only the typo reported, got:\n%v", err)
		}
	}
}

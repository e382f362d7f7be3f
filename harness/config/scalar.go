package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"
)

// examples of right values, by the setting's last path element, for type
// errors: an error that shows a right value is fixed on the first try.
var examples = map[string]string{
	"version": "version: 1", "max_body": "max_body: 1MiB (or a byte count such as 1048576)",
	"fail_fast": "fail_fast: true", "command": `command: [./bin/checkout, "{{.amount}}"]`,
	"formats": "formats: [html, json, junit, markdown]", "notify_retry": "notify_retry: [1m, 5m, 15m]",
	"packs": "packs: [dana-gapura]", "sign_off": "sign_off: [{name: Sari, role: QA lead}]",
}

func listExample(path string) string {
	if ex, ok := examples[lastElem(path)]; ok {
		_, v, _ := strings.Cut(ex, ": ")
		return v
	}
	return "[a, b]"
}

func lastElem(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return path
}

// str returns a scalar's value with ${ENV} expanded; ok is false when it is
// not a scalar or a reference could not be expanded (already reported).
func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.wrongKind(n, path, "a single value")
		return "", false
	}
	out, subs, probs := expandEnv(n.Value, d.env)
	for _, p := range probs {
		line, col := d.locate(n, n.Value[p.at:])
		d.errorAt(line, col, p.fix, "%s: %s", path, p.msg)
	}
	for _, s := range subs {
		if s.fromEnv {
			d.secrets = append(d.secrets, s.value)
			if s.value != "" {
				d.fromEnv[s.value] = "${" + s.name + "}"
			}
		}
	}
	if len(probs) > 0 {
		return "", false
	}
	if isTemplated(path) {
		d.checkTemplate(n, path, out)
	}
	return out, true
}

// locate finds the exact line:col of text inside a scalar when the scalar
// sits on one source line, so an error points at the ${VAR} itself rather
// than at the start of a long value.
func (d *decoder) locate(n *yaml.Node, text string) (int, int) {
	if n.Line < 1 || n.Line > len(d.lines) || n.Column < 1 {
		return n.Line, n.Column
	}
	token := text
	if end := strings.IndexByte(token, '}'); end >= 0 {
		token = token[:end+1]
	}
	src := d.lines[n.Line-1]
	if n.Column-1 <= len(src) {
		if i := strings.Index(src[n.Column-1:], token); i >= 0 {
			return n.Line, n.Column + i
		}
	}
	return n.Line, n.Column
}

// isTemplated says whether an action setting is a text/template the
// merchant driver fills per call (captures are gjson paths, not templates).
func isTemplated(path string) bool {
	rest, ok := strings.CutPrefix(path, "merchant.actions.")
	if !ok {
		return false
	}
	_, field, ok := strings.Cut(rest, ".")
	if !ok {
		return false
	}
	switch f := strings.SplitN(field, ".", 2)[0]; lastElem(f) {
	case "path", "headers", "query", "form", "command", "json":
		return true
	}
	return false
}

// checkTemplate parses a template the way the merchant driver will, so a
// broken one fails at load time with its position instead of mid-run.
func (d *decoder) checkTemplate(n *yaml.Node, path, s string) {
	if !strings.Contains(s, "{{") {
		return
	}
	if _, err := template.New(path).Option("missingkey=error").Parse(s); err != nil {
		msg := templatePrefix.ReplaceAllString(err.Error(), "")
		d.errorf(n, `write variables as {{.name}}, e.g. "/orders/{{.order}}"`, "%s is not a valid template: %s", path, msg)
	}
}

// templatePrefix is text/template's "template: NAME:LINE: " lead-in; the
// error already carries the position and the setting's name.
var templatePrefix = regexp.MustCompile(`^template: .*?:\d+: `)

// scalar decodes strings, integers and booleans.
func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.str(n, path)
	if !ok {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int64:
		d.size(n, v, path, s)
	case reflect.Int:
		i, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			d.typeError(n, path, s, "a whole number")
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		b, ok := parseBool(s)
		if !ok {
			d.typeError(n, path, s, "true or false")
			return
		}
		v.SetBool(b)
	default:
		d.errorf(n, "", "%s cannot be set from the file", path)
	}
}

func (d *decoder) typeError(n *yaml.Node, path, s, want string) {
	fix := "write e.g. " + or(examples[lastElem(path)], lastElem(path)+": …")
	d.errorf(n, fix, "%s: %q is not %s", path, clip(s), want)
}

func parseBool(s string) (bool, bool) {
	switch strings.TrimSpace(s) {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"kB", 1e3}, {"B", 1}}

// size reads a byte count, optionally with a unit (1MiB, 512KiB, 2MB).
func (d *decoder) size(n *yaml.Node, v reflect.Value, path, s string) {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	i, err := strconv.ParseInt(num, 10, 64)
	if err != nil || i <= 0 || i > (1<<40)/mult {
		d.typeError(n, path, s, "a positive size in bytes")
		return
	}
	v.SetInt(i * mult)
}

// duration reads a Go duration ("10s", "1m30s"); negative is refused
// because every duration here is a timeout, a delay or a tolerance.
func (d *decoder) duration(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.str(n, path)
	if !ok {
		return
	}
	t, err := time.ParseDuration(strings.TrimSpace(s))
	if err == nil && t < 0 {
		d.errorf(n, "write a positive duration such as "+strings.TrimPrefix(strings.TrimSpace(s), "-"), "%s: %q is negative", path, clip(s))
		return
	}
	if err != nil {
		fix := "write a Go duration such as 10s, 1m30s or 500ms"
		if _, nerr := strconv.ParseFloat(strings.TrimSpace(s), 64); nerr == nil && s != "0" {
			fix = "add a unit: " + strings.TrimSpace(s) + "s for seconds, or 1m30s, 500ms"
		}
		d.errorf(n, fix, "%s: %q is not a duration", path, clip(s))
		return
	}
	v.SetInt(int64(t))
}

// jsonNumber matches a number written the way JSON writes it; such
// numbers are kept as their text so 216620000000000000000 and 15000.00
// reach the merchant unchanged.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// free decodes an action's json: body, whose keys are the merchant's own.
func (d *decoder) free(n *yaml.Node, path string) any {
	n = d.follow(n)
	if n == nil || d.overBudget {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for _, p := range d.pairs(n, path) {
			m[p.key.Value] = d.free(p.val, join(path, p.key.Value))
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			l = append(l, d.free(item, fmt.Sprintf("%s[%d]", path, i)))
		}
		return l
	}
	return d.freeScalar(n, path)
}

func (d *decoder) freeScalar(n *yaml.Node, path string) any {
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		b, _ := parseBool(n.Value)
		return b
	case "!!int", "!!float":
		if jsonNumber.MatchString(n.Value) {
			return json.Number(n.Value)
		}
		var f float64
		if err := n.Decode(&f); err == nil && !isSpecial(f) {
			return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		}
		d.errorf(n, `quote it ("`+n.Value+`") to send a string`, "%s: %s is not a JSON number", path, clip(n.Value))
		return nil
	}
	s, _ := d.str(n, path)
	return s
}

func isSpecial(f float64) bool { return f != f || f > 1e308 || f < -1e308 }

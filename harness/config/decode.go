package config

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/uatrun/uatrun/harness/suggest"
)

// maxNodes bounds the work an alias-heavy file (a "billion laughs") can
// cause: aliases are followed, so a small file can name a huge tree.
const maxNodes = 100_000

// decoder walks a yaml.Node tree into a value by reflection, strictly:
// every key is checked against the struct's yaml tags (yaml.v3's
// KnownFields is lost inside custom unmarshalers, go-yaml/yaml#460), every
// scalar is type-checked with an example of a right value, and ${ENV}
// references are expanded. It never stops at the first problem.
type decoder struct {
	file    string
	lines   []string
	env     func(string) (string, bool)
	errs    Errors
	secrets []string
	// fromEnv maps each value expanded from the environment to the
	// reference it came from, so no error message ever prints the value.
	fromEnv map[string]string
	// keys and vals locate each setting by dotted path (merchant.base_url,
	// merchant.actions.checkout) for the checks that run after decoding.
	keys, vals map[string]*yaml.Node
	budget     int
	overBudget bool
	// blamed holds every line:col already reported; dropped counts
	// problems past maxErrors.
	blamed  map[[2]int]bool
	dropped int
	// merging holds the mappings being merged, to stop <<: cycles.
	merging map[*yaml.Node]bool
	// misspelt holds settings a typo was meant to set: "base_url is
	// missing" would only repeat "did you mean base_url?".
	misspelt map[string]bool
}

// maxErrors bounds the report: past a hundred problems the file is not
// a config with typos, and listing more helps no one.
const maxErrors = 100

func newDecoder(file string, data []byte, env func(string) (string, bool)) *decoder {
	return &decoder{
		file: file, lines: strings.Split(string(data), "\n"), env: env,
		keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}, budget: maxNodes,
		blamed: map[[2]int]bool{}, merging: map[*yaml.Node]bool{},
		misspelt: map[string]bool{}, fromEnv: map[string]string{},
	}
}

func (d *decoder) errorAt(line, col int, fix, format string, args ...any) {
	d.blamed[[2]int{line, col}] = true
	if len(d.errs) >= maxErrors {
		d.dropped++
		return
	}
	d.errs = append(d.errs, Error{File: d.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Fix: fix})
}

// result returns the errors found, sorted, with a last line counting any
// that were dropped.
func (d *decoder) result() error {
	d.hideEnvValues()
	if d.dropped > 0 {
		errs := append(d.errs.sorted(), Error{File: d.file, Msg: fmt.Sprintf("… and %d more problems", d.dropped),
			Fix: "fix the ones above first; is this really a uatrun config?"})
		return errs
	}
	return d.errs.orNil()
}

func (d *decoder) errorf(n *yaml.Node, fix, format string, args ...any) {
	d.errorAt(n.Line, n.Column, fix, format, args...)
}

// follow resolves aliases and charges the node budget.
func (d *decoder) follow(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return nil
	}
	d.budget--
	if d.budget < 0 && !d.overBudget {
		d.overBudget = true
		d.errorf(n, "use fewer anchors and aliases", "the file expands to more than %d YAML nodes", maxNodes)
	}
	return n
}

var durationType = reflect.TypeOf(Duration(0))

// decode fills v from n; path names the setting in messages.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = d.follow(n)
	if n == nil || d.overBudget || isNull(n) {
		return
	}
	switch {
	case v.Type() == durationType:
		d.duration(n, v, path)
	case v.Type() == wordsType && n.Kind == yaml.ScalarNode:
		d.scalarWord(n, v, path)
	case v.Kind() == reflect.Pointer: // optional values where 0 means something (run.hold)
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case v.Kind() == reflect.Struct:
		d.structure(n, v, path)
	case v.Kind() == reflect.Map:
		d.mapping(n, v, path)
	case v.Kind() == reflect.Slice:
		d.sequence(n, v, path)
	case v.Kind() == reflect.Interface:
		if x := d.free(n, path); x != nil { // nil: refused, already reported
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.scalar(n, v, path)
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// pair is one key: value of a mapping.
type pair struct{ key, val *yaml.Node }

// pairs lists a mapping's entries with YAML merge keys (<<: *base) applied:
// merged entries first, then the mapping's own, which win. Repeated keys
// are an error rather than a silent last-one-wins.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	var merged, own []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "write a plain word before the colon", "a key in %s is not a plain word", where(path))
			continue
		}
		if k.Tag == "!!merge" {
			merged = append(merged, d.mergeSources(v, path)...)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorf(k, "remove one of them", "key %q repeated in %s (first at line %d)", k.Value, where(path), first.Line)
			continue
		}
		seen[k.Value] = k
		own = append(own, pair{k, v})
	}
	out := make([]pair, 0, len(merged)+len(own))
	for _, p := range merged {
		if seen[p.key.Value] == nil {
			seen[p.key.Value] = p.key
			out = append(out, p)
		}
	}
	return append(out, own...)
}

// mergeSources reads the value of a << key: one mapping or a list of them.
func (d *decoder) mergeSources(v *yaml.Node, path string) []pair {
	v = d.follow(v)
	if d.overBudget {
		return nil // a mapping merged into itself ends here
	}
	var srcs []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		srcs = []*yaml.Node{v}
	case yaml.SequenceNode:
		srcs = v.Content
	default:
		d.errorf(v, "merge a mapping, e.g. <<: *defaults", "the << merge key in %s needs a mapping", where(path))
	}
	var out []pair
	for _, s := range srcs {
		if s = d.follow(s); s.Kind != yaml.MappingNode {
			d.errorf(s, "merge a mapping, e.g. <<: *defaults", "the << merge key in %s needs a mapping", where(path))
			continue
		}
		if d.merging[s] {
			d.errorf(v, "merge another mapping, not one that contains this one", "the << merge key in %s merges a mapping into itself", where(path))
			continue
		}
		d.merging[s] = true
		out = append(out, d.pairs(s, path)...)
		delete(d.merging, s)
	}
	return out
}

// structure decodes a mapping into a struct, refusing unknown keys.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.wrongKind(n, path, "a mapping of key: value lines")
		return
	}
	names, index := yamlFields(v.Type())
	for _, p := range d.pairs(n, path) {
		i, ok := index[p.key.Value]
		if !ok {
			d.unknownKey(p.key, names, path)
			continue
		}
		child := join(path, p.key.Value)
		d.keys[child], d.vals[child] = p.key, p.val
		d.decode(p.val, v.Field(i), child)
	}
}

// yamlFields lists a struct's yaml keys in declaration order and their
// field indexes. Fields tagged "-" (File, Line, Col) are not settable
// from the file.
func yamlFields(t reflect.Type) ([]string, map[string]int) {
	var names []string
	index := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		names = append(names, name)
		index[name] = i
	}
	return names, index
}

func (d *decoder) unknownKey(k *yaml.Node, valid []string, path string) {
	fix := suggest.DidYouMean(k.Value, valid)
	if fix == "" {
		fix = "valid keys: " + strings.Join(valid, ", ")
	} else {
		d.misspelt[join(path, suggest.Nearest(k.Value, valid))] = true
	}
	d.errorf(k, fix, "unknown key %q %s", k.Value, inWhere(path))
}

// mapping decodes a mapping with free-form keys (action names, headers).
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.wrongKind(n, path, "a mapping of name: value lines")
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for _, p := range d.pairs(n, path) {
		child := join(path, p.key.Value)
		d.keys[child], d.vals[child] = p.key, p.val
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(p.val, elem, child)
		if a, ok := elem.Addr().Interface().(*Action); ok {
			a.Line, a.Col = p.key.Line, p.key.Column
		}
		v.SetMapIndex(reflect.ValueOf(p.key.Value), elem)
	}
}

// sequence decodes a list.
func (d *decoder) sequence(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.wrongKind(n, path, "a list such as "+listExample(path))
		return
	}
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	for i, item := range n.Content {
		elem := reflect.New(v.Type().Elem()).Elem()
		child := fmt.Sprintf("%s[%d]", path, i)
		d.vals[child] = item
		d.decode(item, elem, child)
		out = reflect.Append(out, elem)
	}
	v.Set(out)
}

func (d *decoder) wrongKind(n *yaml.Node, path, want string) {
	d.errorf(n, "write "+want, "%s must be %s, not %s", path, article(want), kindName(n))
}

// article drops an example ("a list such as …") down to its noun for the
// message; the example goes in the fix.
func article(want string) string {
	noun, _, _ := strings.Cut(want, " such as ")
	noun, _, _ = strings.Cut(noun, " of ")
	return noun
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("the value %q", clip(n.Value))
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func where(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

func inWhere(path string) string {
	if path == "" {
		return "at the top level"
	}
	return "in " + path
}

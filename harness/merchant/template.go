package merchant

import (
	"fmt"
	"sort"
	"strings"
	"text/template"
)

// text is one templated string. Literal strings skip text/template entirely
// so the common case costs nothing at run time.
type text struct {
	where   string // "path", "json.amount.value", "command[2]", for errors
	literal string
	tmpl    *template.Template
}

// parseText compiles s; where names the field in error messages.
func parseText(where, s string) (text, error) {
	if !strings.Contains(s, "{{") {
		return text{where: where, literal: s}, nil
	}
	t, err := template.New(where).Option("missingkey=error").Parse(s)
	if err != nil {
		return text{}, fmt.Errorf("%s: %w", where, err)
	}
	return text{where: where, tmpl: t}, nil
}

// render fills the template from vars. A missing variable is reported by
// name together with the variables that do exist, which is usually enough
// to spot a capture that was spelt differently.
func (t text) render(vars map[string]any) (string, error) {
	if t.tmpl == nil {
		return t.literal, nil
	}
	var b strings.Builder
	if err := t.tmpl.Execute(&b, vars); err != nil {
		return "", fmt.Errorf("%w: %s: %v (variables set: %s)", ErrTemplate, t.where, err, varNames(vars))
	}
	return b.String(), nil
}

// varNames lists the variable names for an error message.
func varNames(vars map[string]any) string {
	if len(vars) == 0 {
		return "none"
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// textMap is a map whose values are templates (headers, query, form).
type textMap map[string]text

func parseTextMap(where string, m map[string]string) (textMap, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(textMap, len(m))
	for k, v := range m {
		t, err := parseText(where+"."+k, v)
		if err != nil {
			return nil, err
		}
		out[k] = t
	}
	return out, nil
}

// render fills every value, in key order so errors are deterministic.
func (m textMap) render(vars map[string]any) (map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]string, len(m))
	for _, k := range keys {
		v, err := m[k].render(vars)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// parseTree compiles every string leaf of a decoded JSON/YAML value. Maps
// and lists are walked recursively; numbers, booleans and null are kept as
// they are. A leaf such as "{{.amount}}" renders to a string, never to a
// number: the config author decides the JSON type by quoting.
func parseTree(where string, v any) (any, error) {
	switch x := v.(type) {
	case string:
		return parseText(where, x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := parseTree(where+"."+k, e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	case map[any]any: // YAML mappings with non-string keys
		out := make(map[string]any, len(x))
		for k, e := range x {
			ks := fmt.Sprint(k)
			n, err := parseTree(where+"."+ks, e)
			if err != nil {
				return nil, err
			}
			out[ks] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := parseTree(fmt.Sprintf("%s[%d]", where, i), e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	default:
		return v, nil
	}
}

// renderTree fills a tree built by parseTree.
func renderTree(v any, vars map[string]any) (any, error) {
	switch x := v.(type) {
	case text:
		return x.render(vars)
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			n, err := renderTree(x[k], vars)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := renderTree(e, vars)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	default:
		return v, nil
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package scenario

import (
	"fmt"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/uatrun/uatrun/harness/suggest"
)

// Builtins are variables every scenario may use without setting them.
var Builtins = []string{"scenario_id", "run_id"}

// Funcs are the template functions scenarios may call. The engine binds
// the real implementations; these stubs exist so validation can parse.
var Funcs = template.FuncMap{
	"unique": func(prefix string) string { return prefix },
}

// checkVars verifies every template parses and uses only variables that
// are set before use: scenario vars, builtins, and earlier captures.
func checkVars(sc *Scenario) Errors {
	known := map[string]bool{}
	for _, b := range Builtins {
		known[b] = true
	}
	for k := range sc.Vars {
		known[k] = true
	}
	var errs Errors
	walk := func(steps []Step) {
		for _, st := range steps {
			for _, t := range stepTemplates(st) {
				errs = append(errs, checkTemplate(t.text, st.Pos, known)...)
			}
			for name := range st.Capture {
				known[name] = true
			}
		}
	}
	walk(sc.Steps)
	walk(sc.Teardown)
	return errs
}

type tmpl struct{ text string }

func stepTemplates(st Step) []tmpl {
	out := []tmpl{{st.Order}, {st.Target}}
	for _, k := range sortedKeys(st.With) {
		out = append(out, tmpl{st.With[k]})
	}
	for _, e := range st.Expect {
		out = append(out, tmpl{e.Matcher})
	}
	return out
}

func checkTemplate(text string, pos Pos, known map[string]bool) Errors {
	if !strings.Contains(text, "{{") {
		return nil
	}
	trees, err := parse.Parse("t", text, "{{", "}}", Funcs, template.FuncMap{})
	if err != nil {
		return Errors{{Pos: pos, Msg: fmt.Sprintf("bad template %q: %v", text, err), Fix: "write variables as {{.name}}"}}
	}
	var errs Errors
	for _, tree := range trees {
		for _, name := range fields(tree.Root) {
			if known[name] {
				continue
			}
			fix := suggest.DidYouMean(name, keysOf(known))
			if fix == "" {
				fix = "set it in vars: or capture it in an earlier step"
			}
			errs = append(errs, Error{Pos: pos, Msg: fmt.Sprintf("variable %q is used before any step sets it", name), Fix: fix})
		}
	}
	return errs
}

// fields lists the top-level field names (.name) a template reads.
func fields(n parse.Node) []string {
	var out []string
	var visit func(parse.Node)
	visit = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				visit(c)
			}
		case *parse.ActionNode:
			visit(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				visit(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				visit(a)
			}
		case *parse.FieldNode:
			out = append(out, n.Ident[0])
		case *parse.IfNode:
			visit(n.Pipe)
			visit(n.List)
			visit(n.ElseList)
		}
	}
	visit(n)
	return out
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

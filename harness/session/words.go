package session

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/suggest"
)

// check returns what is wrong with one step's gateway words.
func (v Vocabulary) check(st scenario.Step) []string {
	switch st.Kind {
	case scenario.KindGatewayReceived:
		return v.word("API", st.Target, v.APIs)
	case scenario.KindNotify:
		if msgs := v.variant(st.Target); len(msgs) > 0 {
			return msgs
		}
		// The step's own variant: key fills that param.
		if takes, ok := v.VariantParams[st.Target]; ok {
			return v.paramsOf("notify "+st.Target, takes, st.With, "variant")
		}
		return v.params("notify", st.With, "variant")
	case scenario.KindGateway:
		if msgs := v.word("gateway action", st.Target, v.Actions); len(msgs) > 0 {
			return msgs
		}
		msgs := v.params(st.Target, st.With)
		// gateway: notify names its variant in with: {variant: …}.
		if name, ok := st.With["variant"]; ok && st.Target == "notify" && !templated(name) {
			msgs = append(msgs, v.variant(name)...)
		}
		return msgs
	}
	return nil
}

// word refuses a name that is not among known, suggesting the nearest.
func (v Vocabulary) word(what, name string, known []string) []string {
	if slices.Contains(known, name) {
		return nil
	}
	fix := suggest.DidYouMean(name, known)
	if fix == "" {
		fix = "the gateway has: " + strings.Join(known, ", ")
	}
	return []string{fmt.Sprintf("unknown %s %q; %s", what, name, fix)}
}

// variant refuses a notify variant the gateway does not send, and always
// lists the ones it does: a near miss may not be the variant meant.
func (v Vocabulary) variant(name string) []string {
	if slices.Contains(v.Notify, name) {
		return nil
	}
	msg := fmt.Sprintf("unknown notify variant %q for %s", name, v.Gateway)
	if fix := suggest.DidYouMean(name, v.Notify); fix != "" {
		msg += "; " + fix
	}
	return []string{msg + "; its variants: " + strings.Join(v.Notify, ", ")}
}

// params refuses with: keys the action does not take (besides those the
// step itself fills, named in filled), which the emulator would refuse
// mid-run.
func (v Vocabulary) params(action string, with map[string]string, filled ...string) []string {
	takes, ok := v.Params[action]
	if !ok {
		return nil
	}
	return v.paramsOf(action, takes, with, filled...)
}

// paramsOf refuses with: keys not among takes (or among filled).
func (v Vocabulary) paramsOf(what string, takes []string, with map[string]string, filled ...string) []string {
	var unknown []string
	for k := range with {
		if !slices.Contains(takes, k) || slices.Contains(filled, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	allowed := slices.DeleteFunc(slices.Clone(takes), func(p string) bool { return slices.Contains(filled, p) })
	want := "it takes none"
	if len(allowed) > 0 {
		want = "it takes: " + strings.Join(allowed, ", ")
	}
	var out []string
	for _, k := range unknown {
		msg := fmt.Sprintf("%s does not take %q (with: %s)", what, k, k)
		if fix := suggest.DidYouMean(k, allowed); fix != "" {
			msg += "; " + fix
		}
		out = append(out, msg+"; "+want)
	}
	return out
}

// templated reports whether a value is only known at run time.
func templated(s string) bool { return strings.Contains(s, "{{") }

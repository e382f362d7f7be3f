package config

import (
	"strings"
	"unicode/utf8"
)

// substitution is one ${…} reference found in a value.
type substitution struct {
	at      int    // byte offset of "${" in the raw value
	name    string // variable name
	value   string // what it expanded to
	fromEnv bool   // the value came from the environment, not a :- default
}

// envProblem is a reference that could not be expanded.
type envProblem struct {
	at       int
	msg, fix string
}

// expandEnv replaces ${VAR} and ${VAR:-default} in s; $$ is a literal $
// and any other $ is left alone, so prices and regexes survive. As in the
// shell, :- also applies when the variable is set but empty. Every problem
// is returned, not just the first, so one run reports them all.
func expandEnv(s string, env func(string) (string, bool)) (string, []substitution, []envProblem) {
	var (
		b     strings.Builder
		subs  []substitution
		probs []envProblem
	)
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "$$"):
			b.WriteByte('$')
			i += 2
		case strings.HasPrefix(s[i:], "${"):
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				probs = append(probs, envProblem{at: i, msg: "unclosed ${ in value",
					fix: "close it as ${VAR}, or write $$ for a literal dollar sign"})
				return b.String(), subs, probs
			}
			sub, prob := lookup(s[i+2:i+end], i, env)
			if prob != nil {
				probs = append(probs, *prob)
			} else {
				b.WriteString(sub.value)
				subs = append(subs, sub)
			}
			i += end + 1
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String(), subs, probs
}

// lookup resolves the inside of one ${…}.
func lookup(inner string, at int, env func(string) (string, bool)) (substitution, *envProblem) {
	name, def, hasDef := strings.Cut(inner, ":-")
	if !validName(name) {
		return substitution{}, &envProblem{at: at, msg: "${" + clip(inner) + "} is not a variable reference",
			fix: "write ${NAME} or ${NAME:-default} with NAME made of letters, digits and _ (and $$ for a literal dollar sign)"}
	}
	val, ok := env(name)
	switch {
	case ok && (val != "" || !hasDef):
		return substitution{at: at, name: name, value: val, fromEnv: true}, nil
	case hasDef:
		return substitution{at: at, name: name, value: def}, nil
	}
	return substitution{}, &envProblem{at: at, msg: "environment variable " + name + " is not set",
		fix: "export " + name + "=… before running uatrun, or write ${" + name + ":-default}"}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// clip keeps a hostile value from flooding an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

package config

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a config file, located at file:line:col, with a
// remedy. Line or Col are 0 when the problem has no narrower position
// (an unreadable file, a YAML syntax error yaml.v3 reports by line only).
type Error struct {
	File      string
	Line, Col int
	Msg, Fix  string
}

// position renders "file:line:col" (as much of it as is known).
func (e Error) position() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	return b.String()
}

// Error renders "file:line:col: msg; fix".
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.position())
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Errors is every problem found in one pass, sorted by position, so a user
// fixes the whole file at once instead of one error per run.
type Errors []Error

// Error joins the errors with newlines.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find an individual Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// sorted orders by file, line and column; problems at one position keep
// the order they were found in.
func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return es
}

// orNil returns nil for no errors, so callers can compare err == nil.
func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es.sorted()
}

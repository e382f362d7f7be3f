package reporters

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/uatrun/uatrun/harness/evidence"
)

// requestLine is "METHOD URL".
func requestLine(m *evidence.Message) string {
	return strings.TrimSpace(m.Method + " " + m.URL)
}

// statusLine is "HTTP 200 OK".
func statusLine(code int) string {
	return strings.TrimSpace(fmt.Sprintf("HTTP %d %s", code, http.StatusText(code)))
}

// transcript renders a message the way it went over the wire: first line,
// headers in sorted order, a blank line, the body byte for byte (bodies
// are signed, so they are never reformatted).
func transcript(first string, m *evidence.Message) string {
	var b strings.Builder
	b.WriteString(first)
	b.WriteByte('\n')
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range m.Headers[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	if m.Body != "" {
		b.WriteByte('\n')
		b.WriteString(m.Body)
		if !strings.HasSuffix(m.Body, "\n") {
			b.WriteByte('\n')
		}
	}
	if m.Truncated {
		b.WriteString("[body cut at the recording limit]\n")
	}
	return b.String()
}

// anchors hands out stable, unique element ids for scenarios.
type anchors struct{ used map[string]int }

func newAnchors() *anchors { return &anchors{used: map[string]int{}} }

// next is "sc-" plus a slug of the id; a repeated id gets a counter.
func (a *anchors) next(id string) string {
	base := "sc-" + slug(id)
	a.used[base]++
	if n := a.used[base]; n > 1 {
		return fmt.Sprintf("%s-%d", base, n)
	}
	return base
}

// slug keeps ASCII letters and digits, lowercased, joined by dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "scenario"
	}
	return b.String()
}

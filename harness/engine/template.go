package engine

import (
	"fmt"
	"strings"
	"sync/atomic"
	"text/template"
)

// newUnique returns the template function behind {{unique "ORD"}}: a
// reference unique within the run, e.g. ORD-3f2a-0007.
func newUnique(runID string) func(string) string {
	var n atomic.Int64
	short := runID
	if len(short) > 8 {
		short = short[len(short)-8:]
	}
	return func(prefix string) string {
		return fmt.Sprintf("%s-%s-%04d", prefix, short, n.Add(1))
	}
}

// render executes a template over vars; text without "{{" is returned as is.
func (e *Engine) render(text string, vars map[string]any) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	t, err := template.New("v").Option("missingkey=error").
		Funcs(template.FuncMap{"unique": e.unique}).Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, vars); err != nil {
		return "", fmt.Errorf("template %q: %w", text, err)
	}
	return b.String(), nil
}

func (e *Engine) renderMap(m map[string]string, vars map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(m))
	for k, v := range m {
		r, err := e.render(v, vars)
		if err != nil {
			return nil, err
		}
		out[k] = r
	}
	return out, nil
}

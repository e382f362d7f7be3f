package merchant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/scenario"
)

// action is a config.Action with every template parsed.
type action struct {
	name    string
	method  string
	path    text
	query   textMap
	headers textMap
	json    any // tree from parseTree; nil when the action sends no JSON
	form    textMap
	command []text   // nil for HTTP actions
	env     []string // the variables a command declares (env:), besides PATH
	capture map[string]string
	// refusedWhen: answer fields that, all holding, make a 2xx answer a
	// refusal (config refused_when).
	refusedWhen map[string]string
	timeout     time.Duration
}

// compile checks the action's shape and parses its templates.
func compile(name string, c config.Action, def time.Duration) (*action, error) {
	if err := checkShape(c); err != nil {
		return nil, err
	}
	a := &action{name: name, capture: c.Capture, refusedWhen: c.RefusedWhen, timeout: def, env: c.Env}
	if c.Timeout < 0 {
		return nil, fmt.Errorf("timeout %s is negative", c.Timeout.D())
	}
	if c.Timeout > 0 {
		a.timeout = c.Timeout.D()
	}
	for v, p := range c.Capture {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("capture %q has an empty JSON path", v)
		}
	}
	for p, m := range c.RefusedWhen {
		if err := scenario.CheckMatcher(m); strings.TrimSpace(p) == "" || m == "" || err != nil {
			return nil, fmt.Errorf("refused_when %q: %q is not a field and a matcher (%v)", p, m, err)
		}
	}
	if len(c.Command) > 0 {
		return a, a.parseCommand(c.Command)
	}
	return a, a.parseHTTP(c)
}

// checkShape rejects actions that mix a command with HTTP fields or give
// two bodies, since one of them would be silently ignored.
func checkShape(c config.Action) error {
	switch {
	case c.Path == "" && len(c.Command) == 0:
		return errors.New("needs a path (HTTP) or a command")
	case c.Path != "" && len(c.Command) > 0:
		return errors.New("has both a path and a command; keep one")
	case len(c.Command) > 0 && (c.Method != "" || len(c.Headers) > 0 || len(c.Query) > 0 || c.JSON != nil || len(c.Form) > 0):
		return errors.New("a command action takes no method, headers, query, json or form")
	case c.JSON != nil && len(c.Form) > 0:
		return errors.New("has both json and form bodies; keep one")
	}
	return nil
}

func (a *action) parseCommand(argv []string) error {
	a.command = make([]text, len(argv))
	for i, arg := range argv {
		t, err := parseText(fmt.Sprintf("command[%d]", i), arg)
		if err != nil {
			return err
		}
		a.command[i] = t
	}
	if a.command[0].tmpl == nil && strings.TrimSpace(a.command[0].literal) == "" {
		return errors.New("command[0] (the program) is empty")
	}
	return nil
}

func (a *action) parseHTTP(c config.Action) error {
	var err error
	if a.method, err = methodFor(c); err != nil {
		return err
	}
	if a.path, err = parseText("path", c.Path); err != nil {
		return err
	}
	if a.query, err = parseTextMap("query", c.Query); err != nil {
		return err
	}
	if a.headers, err = parseTextMap("headers", c.Headers); err != nil {
		return err
	}
	if a.form, err = parseTextMap("form", c.Form); err != nil {
		return err
	}
	if c.JSON != nil {
		a.json, err = parseTree("json", c.JSON)
	}
	return err
}

// methodFor applies the default: GET, or POST when a body is given.
func methodFor(c config.Action) (string, error) {
	m := strings.ToUpper(strings.TrimSpace(c.Method))
	if m == "" {
		if c.JSON != nil || len(c.Form) > 0 {
			return http.MethodPost, nil
		}
		return http.MethodGet, nil
	}
	for _, r := range m {
		if r < 'A' || r > 'Z' {
			return "", fmt.Errorf("method %q is not an HTTP method", c.Method)
		}
	}
	return m, nil
}

// request fills the templates and builds the HTTP request.
func (a *action) request(ctx context.Context, base *url.URL, vars map[string]any) (*http.Request, []byte, error) {
	target, err := a.url(base, vars)
	if err != nil {
		return nil, nil, err
	}
	body, ctype, err := a.body(vars)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, a.method, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: request %s %s: %v", ErrTemplate, a.method, target, err)
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	headers, err := a.headers.render(vars)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range headers {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return req, body, nil
}

// url joins the rendered path to the base URL (an absolute rendered path,
// e.g. a captured redirect_url, is used as it is) and adds the query.
func (a *action) url(base *url.URL, vars map[string]any) (string, error) {
	p, err := a.path.render(vars)
	if err != nil {
		return "", err
	}
	var u *url.URL
	if looksAbsolute(p) {
		u, err = url.Parse(p)
	} else if base == nil {
		err = errors.New("merchant base_url is not set")
	} else {
		u, err = url.Parse(strings.TrimRight(base.String(), "/") + "/" + strings.TrimLeft(p, "/"))
	}
	if err != nil {
		return "", fmt.Errorf("%w: path %q: %v", ErrTemplate, p, err)
	}
	query, err := a.query.render(vars)
	if err != nil {
		return "", err
	}
	if len(query) > 0 {
		q := u.Query()
		for k, v := range query {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// body renders the JSON or form body, with its content type.
func (a *action) body(vars map[string]any) ([]byte, string, error) {
	switch {
	case a.json != nil:
		v, err := renderTree(a.json, vars)
		if err != nil {
			return nil, "", err
		}
		b, err := marshalJSON(v)
		if err != nil {
			return nil, "", fmt.Errorf("%w: json body: %v", ErrTemplate, err)
		}
		return b, "application/json", nil
	case len(a.form) > 0:
		vals, err := a.form.render(vars)
		if err != nil {
			return nil, "", err
		}
		f := url.Values{}
		for k, v := range vals {
			f.Set(k, v)
		}
		return []byte(f.Encode()), "application/x-www-form-urlencoded", nil
	}
	return nil, "", nil
}

// marshalJSON encodes without HTML escaping, so a URL's "&" reaches the
// merchant as "&" rather than "\u0026".
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// argv renders each command argument.
func (a *action) argv(vars map[string]any) ([]string, error) {
	out := make([]string, len(a.command))
	for i, t := range a.command {
		s, err := t.render(vars)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	if strings.TrimSpace(out[0]) == "" {
		return nil, fmt.Errorf("%w: command[0] rendered empty", ErrTemplate)
	}
	return out, nil
}

// readBounded reads at most max bytes and reports whether more followed.
func readBounded(r io.Reader, max int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(b)) > max {
		return b[:max], true, err
	}
	return b, false, err
}

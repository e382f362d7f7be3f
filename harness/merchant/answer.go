package merchant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// finish parses the answer as JSON and applies the captures. It is shared
// by HTTP and command actions.
func (d *Driver) finish(a *action, res Result, rec *record) (Result, error) {
	res.JSON = parseJSON(res.Body)
	if len(a.capture) == 0 {
		return rec.done(res), nil
	}
	if res.JSON == nil {
		err := fmt.Errorf("%w: %s cannot be captured from %s: %s", ErrNotJSON,
			strings.Join(sortedNames(a.capture), ", "), answerName(res, rec), quoteBody(rec, res.Body))
		return rec.fail(res, err)
	}
	caps, missing := capture(a.capture, res.Body)
	res.Captures = caps
	if len(missing) > 0 {
		err := fmt.Errorf("%w: %s in %s: %s", ErrCapture, strings.Join(missing, "; "), answerName(res, rec), quoteBody(rec, res.Body))
		return rec.fail(res, err)
	}
	return rec.done(res), nil
}

// parseJSON decodes a JSON answer; anything else (HTML, empty) is nil.
func parseJSON(b []byte) any {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || !json.Valid(b) {
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil
	}
	return v
}

// capture evaluates each gjson path; missing lists the ones that matched
// nothing, as `var (path "p")`, sorted by variable.
func capture(paths map[string]string, body []byte) (map[string]string, []string) {
	caps := make(map[string]string, len(paths))
	var missing []string
	for _, v := range sortedNames(paths) {
		r := gjson.GetBytes(body, paths[v])
		if !r.Exists() {
			missing = append(missing, fmt.Sprintf("%s (path %q) not found", v, paths[v]))
			continue
		}
		caps[v] = r.String()
	}
	return caps, missing
}

func answerName(res Result, rec *record) string {
	if rec.ex.Request.Method == "EXEC" {
		return "the command's stdout"
	}
	return fmt.Sprintf("the HTTP %d answer to %s %s", res.Status, rec.ex.Request.Method, rec.ex.Request.URL)
}

func quoteBody(rec *record, b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return "(empty body)"
	}
	return clip(rec.red.String(string(b)), clipLen)
}

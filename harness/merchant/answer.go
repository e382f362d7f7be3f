package merchant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
	"github.com/uatrun/uatrun/harness/scenario"
)

// finish parses the answer as JSON and applies the captures. It is shared
// by HTTP and command actions.
func (d *Driver) finish(a *action, res Result, rec *record) (Result, error) {
	res.JSON = parseJSON(res.Body)
	refusal(a, &res, rec)
	if len(a.capture) == 0 {
		return rec.done(res), nil
	}
	if res.JSON == nil {
		err := fmt.Errorf("%w: %s is not JSON (%s; %s), so %s cannot be read from it; the action's path or the app's answer is wrong, not the config's capture",
			ErrNotJSON, answerName(res, rec), contentTypeOf(rec), firstBytes(rec, res.Body), strings.Join(sortedNames(a.capture), ", "))
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

// refusal applies the action's refused_when: a 2xx JSON answer in which
// every listed field matches is the merchant refusing the request (an app
// that answers HTTP 200 {"success": false}), so it is judged as a
// StatusRefused answer. The recorded exchange keeps what was answered and
// notes the reading.
func refusal(a *action, res *Result, rec *record) {
	if len(a.refusedWhen) == 0 || res.JSON == nil || res.Status < 200 || res.Status > 299 {
		return
	}
	var held []string
	for _, p := range sortedNames(a.refusedWhen) {
		v := gjson.GetBytes(res.Body, p)
		if !scenario.Match(a.refusedWhen[p], v.String(), v.Exists()) {
			return
		}
		held = append(held, fmt.Sprintf("%s is %s", p, clip(firstNonEmpty(v.Raw, "absent"), 80)))
	}
	rec.note(fmt.Sprintf("refused_when holds (%s): the %d answer is a refusal, judged as a %d answer",
		strings.Join(held, ", "), res.Status, StatusRefused))
	res.Status = StatusRefused
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
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

// firstBytesLen bounds how much of a non-JSON answer its error quotes.
const firstBytesLen = 120

// contentTypeOf names the answer's Content-Type as the merchant sent it.
func contentTypeOf(rec *record) string {
	if rec.ex.Request.Method == "EXEC" {
		return "command stdout"
	}
	if rec.ex.Response != nil {
		if ct := rec.ex.Response.Headers["Content-Type"]; len(ct) > 0 && ct[0] != "" {
			return "Content-Type: " + ct[0]
		}
	}
	return "no Content-Type"
}

// firstBytes quotes the start of a body, redacted before it is cut so a
// secret is never left half-shown.
func firstBytes(rec *record, b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return "empty body"
	}
	text := rec.red.String(string(b))
	if len(text) <= firstBytesLen {
		return fmt.Sprintf("%d bytes: %q", len(b), text)
	}
	return fmt.Sprintf("%d bytes, first %d: %q", len(b), firstBytesLen, clipRunes(text, firstBytesLen))
}

// clipRunes cuts s at most n bytes in, on a rune boundary.
func clipRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

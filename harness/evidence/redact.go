package evidence

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"unicode/utf16"
)

// Redacted replaces every secret in recorded evidence.
const Redacted = "[REDACTED]"

// sensitiveHeaders are replaced wholesale whatever their value: they carry
// credentials or tokens.
var sensitiveHeaders = map[string]bool{
	"Authorization":          true,
	"Authorization-Customer": true,
	"Proxy-Authorization":    true,
	"Cookie":                 true,
	"Set-Cookie":             true,
	"X-Client-Secret":        true,
}

// ShortSecret is the length below which a secret is redacted only where
// it stands as a whole token: not next to a letter or a digit. A short
// secret such as "a1b2" is still scrubbed from "token=a1b2&x" or
// {"pin":"a1b2"}, but never cut out of a longer word.
const ShortSecret = 6

// minBase64Core is the shortest piece of a secret's base64 form, cut out
// of a longer base64 text, that is scrubbed: shorter pieces would shred
// ordinary base64.
const minBase64Core = 8

// Redactor scrubs known secret values (client secrets, server keys, PEM
// bodies) and credential headers from anything recorded. Each secret is
// scrubbed as written and in the forms it takes on the way: URL query and
// path encoding (upper- or lowercase hex), base64 (standard and URL
// alphabets, padded or not, alone or inside a longer base64 text), JSON
// string escapes (Go's and PHP's) and the Basic-auth form "secret:".
// Secrets of any length are scrubbed; one shorter than ShortSecret only
// where it stands as a whole token. It is safe for concurrent use; a nil
// *Redactor still scrubs credential headers.
type Redactor struct {
	mu      sync.RWMutex
	secrets []pattern // longest first
	seen    map[string]bool
	issued  issuedSet // tokens and codes an emulator hands out, bounded
}

// MaxIssued bounds the tokens and codes an emulator issues that a
// redactor remembers (AddIssued): the newest are kept. A long emulate
// session hands out one or more per order; an emulator forgets its old
// orders well before this.
const MaxIssued = 100_000

// issuedSet is a bounded set of issued tokens, looked up by the runs of
// token characters in a text, so scrubbing costs the same whether it
// holds ten tokens or a hundred thousand.
type issuedSet struct {
	set  map[string]bool
	ring []string // insertion order; ring[next] is the oldest once full
	next int
}

func (t *issuedSet) add(tok string) {
	if t.set == nil {
		t.set = map[string]bool{}
	}
	if t.set[tok] {
		return
	}
	if len(t.ring) < MaxIssued {
		t.ring = append(t.ring, tok)
	} else {
		delete(t.set, t.ring[t.next])
		t.ring[t.next] = tok
		t.next = (t.next + 1) % MaxIssued
	}
	t.set[tok] = true
}

// scrub replaces every maximal run of token characters in s that is an
// issued token.
func (t *issuedSet) scrub(s string) string {
	if len(t.set) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !tokenByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && tokenByte(s[j]) {
			j++
		}
		if t.set[s[i:j]] {
			b.WriteString(s[last:i])
			b.WriteString(Redacted)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// tokenByte is a character of the tokens emulators issue (hex, base64url,
// UUIDs, JWT-like dotted forms): what URL and JSON encoding leave as is.
func tokenByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.' || c == '~'
}

// AddIssued registers a token or code an emulator hands out (access
// tokens, auth codes, one-time tokens). Made of token characters only, it
// is kept in a bounded set scrubbed wherever it stands as a whole run of
// token characters, which is where such values travel (headers, query
// strings, JSON); anything else is registered as Add does.
func (r *Redactor) AddIssued(tok string) {
	tok = strings.TrimSpace(tok)
	if r == nil || tok == "" {
		return
	}
	for i := 0; i < len(tok); i++ {
		if !tokenByte(tok[i]) {
			r.Add(tok)
			return
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.issued.add(tok)
}

// pattern is one form of a secret to scrub.
type pattern struct {
	text  string
	token bool // only where it stands as a whole token
}

// NewRedactor returns a redactor for the given secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add registers a secret and its encoded forms. Surrounding whitespace is
// ignored; an empty secret is nothing to scrub.
func (r *Redactor) Add(secret string) {
	secret = strings.TrimSpace(secret)
	if r == nil || secret == "" {
		return
	}
	short := len(secret) < ShortSecret
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	for _, form := range encodedForms(secret) {
		r.addLocked(form, short)
	}
	for _, form := range []string{base64.StdEncoding.EncodeToString([]byte(secret + ":")),
		base64.RawStdEncoding.EncodeToString([]byte(secret + ":"))} {
		r.addLocked(form, short)
	}
	if !short {
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			for _, core := range base64Cores(enc, []byte(secret)) {
				r.addLocked(core, false)
			}
		}
	}
	for _, line := range strings.Split(secret, "\n") { // PEM bodies line by line
		if line = strings.TrimSpace(line); len(line) >= 16 && !strings.HasPrefix(line, "-----") {
			r.addLocked(line, false)
		}
	}
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i].text) > len(r.secrets[j].text) })
}

func (r *Redactor) addLocked(text string, token bool) {
	if text == "" || r.seen[text] {
		return
	}
	r.seen[text] = true
	r.secrets = append(r.secrets, pattern{text: text, token: token})
}

// encodedForms lists secret as written and as URL encoding, base64 and
// JSON escaping render it.
func encodedForms(secret string) []string {
	b := []byte(secret)
	forms := []string{secret,
		url.QueryEscape(secret), url.PathEscape(secret),
		lowerHex(url.QueryEscape(secret)), lowerHex(url.PathEscape(secret)),
		base64.StdEncoding.EncodeToString(b), base64.URLEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
	}
	for _, html := range []bool{true, false} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(html)
		if enc.Encode(secret) == nil {
			q := strings.TrimSuffix(buf.String(), "\n")
			forms = append(forms, q[1:len(q)-1])
		}
	}
	return append(forms, phpEscape(secret))
}

// lowerHex lowercases the hex digits of every %XX escape.
func lowerHex(s string) string {
	out := []byte(s)
	for i := 0; i+2 < len(out); i++ {
		if out[i] == '%' {
			out[i+1], out[i+2] = lowerByte(out[i+1]), lowerByte(out[i+2])
		}
	}
	return string(out)
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// phpEscape is secret as PHP's json_encode writes it: "/" as "\/" and
// every non-ASCII character as a \uXXXX escape.
func phpEscape(secret string) string {
	var b strings.Builder
	for _, c := range secret {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == '/':
			b.WriteString("\\/")
		case c < 0x20 || c > 0x7e:
			for _, u := range utf16.Encode([]rune{c}) {
				fmt.Fprintf(&b, "\\u%04x", u)
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// base64Cores are the parts of secret's base64 form that do not depend on
// what surrounds it, for each of the three alignments it can take inside
// a longer base64 text ("id:secret" encoded whole, say).
func base64Cores(enc *base64.Encoding, secret []byte) []string {
	var out []string
	for shift := 0; shift < 3; shift++ {
		text := enc.EncodeToString(append(make([]byte, shift), secret...))
		skip := []int{0, 2, 3}[shift]        // characters that carry the leading bytes
		end := (shift + len(secret)) * 8 / 6 // the last character carrying only the secret
		if end-skip >= minBase64Core {
			out = append(out, text[skip:end])
		}
	}
	return out
}

// String scrubs every registered secret from s.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, p := range r.secrets {
		if !strings.Contains(s, p.text) {
			continue
		}
		if p.token {
			s = replaceTokens(s, p.text)
		} else {
			s = strings.ReplaceAll(s, p.text, Redacted)
		}
	}
	return r.issued.scrub(s)
}

// replaceTokens replaces the occurrences of tok that no letter or digit
// touches on either side.
func replaceTokens(s, tok string) string {
	var b strings.Builder
	for i := 0; ; {
		j := strings.Index(s[i:], tok)
		if j < 0 {
			b.WriteString(s[i:])
			return b.String()
		}
		j += i
		end := j + len(tok)
		if (j == 0 || !wordByte(s[j-1])) && (end == len(s) || !wordByte(s[end])) {
			b.WriteString(s[i:j])
			b.WriteString(Redacted)
		} else {
			b.WriteString(s[i:end])
		}
		i = end
	}
}

func wordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// Headers returns a redacted copy of h: credential headers replaced whole,
// other values scrubbed of registered secrets.
func (r *Redactor) Headers(h http.Header) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		cp := make([]string, len(vs))
		for i, v := range vs {
			if sensitiveHeaders[ck] {
				cp[i] = redactCredential(v)
			} else {
				cp[i] = r.String(v)
			}
		}
		out[ck] = cp
	}
	return out
}

// redactCredential keeps the scheme word ("Bearer", "Basic") so evidence
// still shows which kind of credential was sent.
func redactCredential(v string) string {
	if i := strings.IndexByte(v, ' '); i > 0 && i < 16 {
		return v[:i] + " " + Redacted
	}
	return Redacted
}

package evidence

import (
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
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

// Redactor scrubs known secret values (client secrets, server keys, PEM
// bodies) and credential headers from anything recorded. It is safe for
// concurrent use; a nil *Redactor still scrubs credential headers.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string
}

// NewRedactor returns a redactor for the given secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add registers a secret. Its base64 form and its Basic-auth form
// ("secret:" as Midtrans uses) are scrubbed too. Values shorter than 6
// bytes are ignored so that redaction never shreds ordinary text.
func (r *Redactor) Add(secret string) {
	secret = strings.TrimSpace(secret)
	if r == nil || len(secret) < 6 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, secret,
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.StdEncoding.EncodeToString([]byte(secret+":")))
	for _, line := range strings.Split(secret, "\n") { // PEM bodies line by line
		if line = strings.TrimSpace(line); len(line) >= 16 && !strings.HasPrefix(line, "-----") {
			r.secrets = append(r.secrets, line)
		}
	}
}

// String scrubs every registered secret from s.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
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

package evidence

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A token sourced from the environment and used in an action's query
// (base64, so it holds '+', '/' and '=') reaches evidence URL-encoded; it
// is scrubbed in every form it takes.
func TestRedactor_EncodedForms(t *testing.T) {
	const secret = "q+Zk/9vR2mW8xT4n==" // a base64 token: +, / and =
	jsonq := func(s string, html bool) string {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		_ = enc.Encode(s)
		return strings.TrimSpace(b.String())
	}
	basic := base64.StdEncoding.EncodeToString([]byte("merchant-id:" + secret))
	r := NewRedactor(secret)
	for name, text := range map[string]string{
		"raw":              "token " + secret,
		"query":            "/orders?token=" + url.QueryEscape(secret) + "&page=1",
		"query lowercase":  "/orders?token=" + strings.NewReplacer("%2B", "%2b", "%2F", "%2f", "%3D", "%3d").Replace(url.QueryEscape(secret)),
		"path":             "/tokens/" + url.PathEscape(secret) + "/status",
		"values":           url.Values{"token": {secret}, "x": {"1"}}.Encode(),
		"base64":           "X-Token: " + base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64 url":       base64.URLEncoding.EncodeToString([]byte(secret)),
		"base64 raw":       base64.RawStdEncoding.EncodeToString([]byte(secret)),
		"base64 embedded":  "Basic " + basic,
		"base64 embedded2": base64.StdEncoding.EncodeToString([]byte("ab" + secret + "tail")),
		"json go":          `{"token":` + jsonq(secret, true) + `}`,
		"json":             `{"token":` + jsonq(secret, false) + `}`,
		"json php":         `{"token":"q+Zk\/9vR2mW8xT4n=="}`,
	} {
		got := r.String(text)
		if !strings.Contains(got, Redacted) || strings.Contains(got, "9vR2mW8xT4n") {
			t.Errorf("%s: %q → %q; want the secret scrubbed", name, text, got)
		}
		for _, leak := range []string{"9vR2mW8xT4n", url.QueryEscape(secret)[4:14]} {
			if strings.Contains(got, leak) {
				t.Errorf("%s: %q still shows %q", name, got, leak)
			}
		}
	}
	// The part of an embedded base64 text that is not the secret stays.
	if got := r.String("Basic " + basic); !strings.HasPrefix(got, "Basic "+basic[:12]) {
		t.Errorf("embedded base64: %q; want the part encoding the id kept", got)
	}
}

// JSON escapes of non-ASCII and HTML characters: Go writes "<" as \u003c,
// PHP writes "é" as \u00e9.
func TestRedactor_JSONEscapes(t *testing.T) {
	const secret = "s3cr<et>&é"
	r := NewRedactor(secret)
	goJSON, _ := json.Marshal(map[string]string{"k": secret})
	for _, text := range []string{string(goJSON), `{"k":"s3cr<et>&\u00e9"}`} {
		if got := r.String(text); strings.Contains(got, "s3cr") {
			t.Errorf("%s → %s; want the secret scrubbed", text, got)
		}
	}
}

// A secret shorter than ShortSecret is scrubbed wherever it stands as a
// whole token, in any form, and never cut out of a longer word.
func TestRedactor_ShortSecrets(t *testing.T) {
	r := NewRedactor("k9+z")
	for text, want := range map[string]string{
		"/s?key=k9%2Bz&x=1":                   "/s?key=" + Redacted + "&x=1",
		`{"key":"k9+z"}`:                      `{"key":"` + Redacted + `"}`,
		"k9+z":                                Redacted,
		"k9+zebra and ak9+z stay":             "k9+zebra and ak9+z stay",
		"Basic " + enc64("k9+z:"):             "Basic " + Redacted,
		"X: " + enc64("k9+z"):                 "X: " + Redacted,
		"Order INV-1 for Rp 15.000 processed": "Order INV-1 for Rp 15.000 processed",
	} {
		if got := r.String(text); got != want {
			t.Errorf("String(%q) = %q; want %q", text, got, want)
		}
	}
	// One character is still a secret, scrubbed only as a token.
	one := NewRedactor("7")
	if got := one.String(`{"pin":"7","amount":"70000"}`); got != `{"pin":"`+Redacted+`","amount":"70000"}` {
		t.Errorf("one-character secret: %q", got)
	}
}

func TestRedactor_HeadersAndNil(t *testing.T) {
	r := NewRedactor("server-key-123")
	h := r.Headers(http.Header{"Authorization": {"Basic abc"}, "X-Note": {"key=server-key-123"}})
	if h["Authorization"][0] != "Basic "+Redacted || h["X-Note"][0] != "key="+Redacted {
		t.Errorf("headers %v", h)
	}
	var none *Redactor
	none.Add("x")
	if none.String("x") != "x" {
		t.Error("a nil redactor changes text")
	}
	NewRedactor("  ", "").Add("")
}

func enc64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestRedactor_IssuedTokensAreScrubbedAndBounded(t *testing.T) {
	r := NewRedactor("config-secret-value")
	r.AddIssued("tok_4f9a1c2e8b7d")
	got := r.String(`{"accessToken":"tok_4f9a1c2e8b7d"} /tokens/tok_4f9a1c2e8b7d?t=tok_4f9a1c2e8b7d&x=tok_4f9a1c2e8b7dx config-secret-value`)
	want := `{"accessToken":"[REDACTED]"} /tokens/[REDACTED]?t=[REDACTED]&x=tok_4f9a1c2e8b7dx [REDACTED]`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// A token with characters outside the token set falls back to Add.
	r.AddIssued("a+b/c=d-long-enough")
	if got := r.String("x a+b/c=d-long-enough y"); got != "x [REDACTED] y" {
		t.Fatalf("fallback: %s", got)
	}
	// Past MaxIssued the oldest are forgotten; memory stays bounded.
	for i := 0; i < MaxIssued+10; i++ {
		r.AddIssued(fmt.Sprintf("issued-%08d", i))
	}
	if n := len(r.issued.set); n != MaxIssued {
		t.Fatalf("%d issued tokens remembered, want the newest %d", n, MaxIssued)
	}
	if r.String("issued-00000000") != "issued-00000000" || r.String("issued-00100009") != Redacted {
		t.Fatal("the oldest issued token should be forgotten and the newest kept")
	}
}

func BenchmarkRedactor_ManyIssuedTokens(b *testing.B) {
	r := NewRedactor("config-secret-value")
	for i := 0; i < 50_000; i++ {
		r.AddIssued(fmt.Sprintf("tok-%012d", i))
	}
	body := strings.Repeat(`{"orderId":"ORD-1","accessToken":"tok-000000049999","amount":"15000.00"}`, 20)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = r.String(body)
	}
}

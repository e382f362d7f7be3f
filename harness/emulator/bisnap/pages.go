package bisnap

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// DANA's pages (Gapura's hosted checkout, the Widget's OAuth page and
// cashier) share one login convention and one look, written here once:
// any Indonesian mobile number and any 6-digit PIN log in, as in DANA's
// sandbox, and the pages are self-contained (inline style, no external
// assets), escaped by html/template.

// Texts the pages show for a bad login.
const (
	PhoneHint = "Enter an Indonesian mobile number, e.g. 811 2233 4455."
	PINHint   = "The PIN is 6 digits."
)

// pageCSS is the style every DANA page shares; a page adds its own rules.
const pageCSS = `*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;background:#eef4fb;margin:0;padding:1rem;color:#1b1b1b;line-height:1.4}
main{max-width:28rem;margin:auto;background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 2px 8px #0002}
.banner{background:#fff4ce;border:1px solid #e0c060;border-radius:6px;padding:.4rem .6rem;font-size:.85rem;margin:0 0 1rem}
h1{font-size:1.15rem;color:#0b6cc0;margin:0 0 .5rem}
label{display:block;font-weight:600;margin:.6rem 0 .3rem}
.desktop-input{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem}
.desktop-input label{flex-basis:100%;margin:0}
.prefix{padding:.55rem .6rem;background:#eef4fb;border-radius:6px}
input{font-size:1.1rem;padding:.5rem .6rem;border:1px solid #8aa;border-radius:6px;min-width:0;flex:1;width:100%}
.desktop-input input{width:auto}
.btn,button{font-size:1rem;padding:.6rem 1.2rem;margin:.6rem .4rem 0 0;border:0;border-radius:6px;cursor:pointer;display:inline-block;text-decoration:none}
.btn-continue,.btn-primary{background:#0b6cc0;color:#fff}
.btn:focus,button:focus,a:focus,input:focus{outline:3px solid #f0a400;outline-offset:2px}
.error{color:#b3261e;font-weight:600}.notice{font-weight:600}
form{margin:0}.inline{display:inline}.note{color:#555;font-size:.85rem;margin-top:1rem}
`

// PageTemplate parses a DANA page whose <style> calls {{pageStyle}} for
// the shared rules.
func PageTemplate(name, text string) *template.Template {
	return template.Must(template.New(name).Funcs(template.FuncMap{
		"pageStyle": func() template.CSS { return template.CSS(pageCSS) },
	}).Parse(text))
}

// RenderPage answers one page, never cached.
func RenderPage(c *gin.Context, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("page failed to render (uatrun emulator)"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// PageNotFound answers a page for something the emulator does not have.
func PageNotFound(c *gin.Context, what string) {
	c.Data(http.StatusNotFound, "text/html; charset=utf-8",
		[]byte("<!doctype html><title>Not found (uatrun emulator)</title><p>"+template.HTMLEscapeString(what)+" (uatrun emulator)</p>"))
}

// NormalizePhone reads a mobile number typed as 08…, 8…, 628… or +628…
// (spaces and dashes ignored) and returns it without the country code
// and leading 0, or "" when it is not one.
func NormalizePhone(s string) string {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+")
	if strings.HasPrefix(s, "62") {
		s = s[2:]
	}
	s = strings.TrimPrefix(s, "0")
	if len(s) < 8 || len(s) > 12 || s[0] != '8' || strings.Trim(s, "0123456789") != "" {
		return ""
	}
	return s
}

// ValidPIN reports whether s is a 6-digit PIN.
func ValidPIN(s string) bool { return len(s) == 6 && strings.Trim(s, "0123456789") == "" }

// SettledNotice says why an order that is no longer open cannot be paid:
// paid, or closed in status (with reason, when known).
func SettledNotice(paid bool, status, reason string) string {
	if paid {
		return "This order is already paid."
	}
	s := "This order is " + strings.ToLower(status)
	if reason != "" {
		s += " (" + reason + ")"
	}
	return s + " and can no longer be paid."
}

// Refused is the error a payment on a settled order shows.
func Refused(notice string) string {
	if notice == "" {
		return "Payment refused"
	}
	return "Payment refused: " + strings.ToLower(notice[:1]) + notice[1:]
}

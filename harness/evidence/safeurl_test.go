package evidence

import (
	"strings"
	"testing"
)

func TestSafeURL_DropsPasswordAndQuery(t *testing.T) {
	for raw, want := range map[string]string{
		"http://127.0.0.1:8080":                      "http://127.0.0.1:8080",
		"https://shop:s3cret-pass@shop.example/api":  "https://shop:" + Redacted + "@shop.example/api",
		"https://shop.example/api?token=tok-123&x=1": "https://shop.example/api?" + Redacted,
		"https://user@shop.example/":                 "https://user@shop.example/",
		"not a url":                                  "not a url",
	} {
		got := SafeURL(raw)
		if got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", raw, got, want)
		}
		for _, secret := range []string{"s3cret-pass", "tok-123"} {
			if strings.Contains(got, secret) {
				t.Errorf("SafeURL(%q) still holds %q", raw, secret)
			}
		}
	}
}

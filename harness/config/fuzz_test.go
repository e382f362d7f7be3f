package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes the loader panic, and that every
// refusal is a positioned Errors value with a message. Run with:
// go test ./harness/config -run '^$' -fuzz FuzzParse
func FuzzParse(f *testing.F) {
	if example, err := os.ReadFile(filepath.Join("..", "..", "config.example.yaml")); err == nil {
		f.Add(example)
	}
	for _, s := range []string{
		base,
		action("    x: {<<: {path: /a}, json: {a: [1, 2.5, .nan, 0x1F, ~, true]}}\n"),
		base + "  partner_id: ${A:-b}$${C}${D\n",
		"merchant: &m {actions: {a: *m}}\n",
		"a: &a [*a]\n",
		"merchant: {statuses: {paid: 1}, timeout: -1s}\nreceiver: {max_body: 99999999999GiB}\n",
		"--- !!map\n? [a]\n: b\n",
		"%YAML 1.1\n---\nversion: !!binary aGk=\n",
		"merchant: {actions: {a: {path: /a, json: .inf}}}\n",
	} {
		f.Add([]byte(s))
	}
	env := mapEnv(map[string]string{"A": "a", "EMPTY": ""})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data, env)
		if err == nil {
			if c == nil {
				t.Fatal("nil config without an error")
			}
			_ = c.Digest()
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("error %v (%T) is not a non-empty Errors", err, err)
		}
		for _, e := range errs {
			if e.File != "f.yaml" || e.Msg == "" {
				t.Fatalf("error without file or message: %+v", e)
			}
		}
		_ = err.Error()
	})
}

package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
)

// redacted replaces secret values in the digest input.
const redacted = "[REDACTED]"

// collectSecrets lists every secret value: the gateway credentials and
// whatever came in from the environment through ${…}. A :- default is
// written in the file for anyone to read, so it is not a secret.
func (d *decoder) collectSecrets(c *Config) []string {
	all := append([]string{c.Gateway.ClientSecret, c.Gateway.ServerKey}, d.secrets...)
	seen := map[string]bool{}
	var out []string
	for _, s := range all {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	// Longest first, so redacting one secret never leaves part of a
	// longer one that contains it.
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Secrets returns every secret value in the config (gateway.client_secret,
// gateway.server_key and any value that came from the environment through
// ${…}) for the evidence Redactor.
func (c *Config) Secrets() []string {
	if c == nil {
		return nil
	}
	return append([]string(nil), c.secrets...)
}

// Digest is the lowercase hex SHA-256 of the config with its secrets
// replaced, so evidence pins the settings a run used without revealing
// them. Paths inside the config's directory are hashed relative to it and
// positions are left out, so the same config digests the same on every
// machine and after comments are edited.
func (c *Config) Digest() string {
	if c == nil {
		return ""
	}
	cp := *c
	cp.File = ""
	if c.File != "" {
		if dir, err := filepath.Abs(filepath.Dir(c.File)); err == nil {
			for _, p := range cp.paths() {
				if rel, err := filepath.Rel(dir, *p); err == nil && filepath.IsAbs(*p) && !strings.HasPrefix(rel, "..") {
					*p = filepath.ToSlash(rel)
				}
			}
		}
	}
	cp.Merchant.Actions = make(map[string]Action, len(c.Merchant.Actions))
	for k, a := range c.Merchant.Actions {
		a.Line, a.Col = 0, 0
		cp.Merchant.Actions[k] = a
	}
	cp.Gateway.ClientSecret = mask(cp.Gateway.ClientSecret)
	cp.Gateway.ServerKey = mask(cp.Gateway.ServerKey)
	b, _ := json.Marshal(cp) // plain data: cannot fail
	text := string(b)
	for _, s := range c.secrets {
		if enc, _ := json.Marshal(s); len(enc) > 2 {
			text = strings.ReplaceAll(text, string(enc[1:len(enc)-1]), redacted)
		}
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

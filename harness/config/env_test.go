package config

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestExpandEnv_Forms(t *testing.T) {
	env := mapEnv(map[string]string{"SET": "value", "EMPTY": "", "A_1": "x"})
	for _, tc := range []struct{ in, want string }{
		{"${SET}", "value"},
		{"pre-${SET}-post", "pre-value-post"},
		{"${UNSET:-fallback}", "fallback"},
		{"${EMPTY:-fallback}", "fallback"}, // as in the shell, :- covers set-but-empty
		{"${EMPTY}", ""},
		{"${UNSET:-}", ""},
		{"${SET:-ignored}", "value"},
		{"$${SET}", "${SET}"},
		{"price $5 and $$", "price $5 and $"},
		{"${A_1}${SET}", "xvalue"},
		{"${UNSET:-a:-b}", "a:-b"},
		{"no refs", "no refs"},
	} {
		got, _, probs := expandEnv(tc.in, env)
		if len(probs) > 0 || got != tc.want {
			t.Errorf("expandEnv(%q) = %q, %v; want %q", tc.in, got, probs, tc.want)
		}
	}
}

func TestExpandEnv_ReportsEveryUnsetVariable(t *testing.T) {
	_, _, probs := expandEnv("${A}-${B}-${C:-ok}", noEnv)
	if len(probs) != 2 || probs[0].at != 0 || probs[1].at != 5 {
		t.Fatalf("problems %+v, want A at 0 and B at 5", probs)
	}
	if !strings.Contains(probs[1].fix, "export B=") {
		t.Errorf("fix %q does not say how to set B", probs[1].fix)
	}
}

func TestParse_ExpandsEverywhere(t *testing.T) {
	yaml := insert(5, `    refund:
      path: "/orders/{{.order}}/refund"
      headers: {X-Api-Key: "${SHOP_KEY}"}
      json: {amount: "{{.amount}}", note: "${NOTE:-from default}", n: 15000.00, big: 216620000000000000000, ok: true, none: null}
      timeout: ${REFUND_TIMEOUT:-3s}
`) + "  partner_id: ${PARTNER}\n  client_secret: \"${CLIENT_SECRET}\"\nreceiver: {max_body: \"${MAX_BODY:-2MiB}\"}\n"
	env := mapEnv(map[string]string{"SHOP_KEY": "shop-key-123", "PARTNER": "partner-from-env", "CLIENT_SECRET": "cs-0123456789"})
	c, err := Parse("uatrun.yaml", []byte(yaml), env)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Merchant.Actions["refund"]
	if a.Headers["X-Api-Key"] != "shop-key-123" || a.Timeout.D() != 3*time.Second {
		t.Errorf("refund action %+v", a)
	}
	body, _ := json.Marshal(a.JSON)
	if want := `{"amount":"{{.amount}}","big":216620000000000000000,"n":15000.00,"none":null,"note":"from default","ok":true}`; string(body) != want {
		t.Errorf("json body %s\nwant      %s", body, want)
	}
	if c.Gateway.PartnerID != "partner-from-env" || c.Gateway.ClientSecret != "cs-0123456789" || c.Receiver.MaxBody != 2<<20 {
		t.Errorf("gateway %+v receiver %+v", c.Gateway, c.Receiver)
	}
	secrets := c.Secrets()
	for _, s := range []string{"shop-key-123", "partner-from-env", "cs-0123456789"} {
		if !slices.Contains(secrets, s) {
			t.Errorf("secret %q missing from %v", s, secrets)
		}
	}
	for _, s := range []string{"from default", "3s", "2MiB"} {
		if slices.Contains(secrets, s) {
			t.Errorf("default %q written in the file is listed as a secret", s)
		}
	}
}

func TestSecrets_GatewayCredentialsLongestFirst(t *testing.T) {
	c, err := Parse("uatrun.yaml", []byte(base+"  server_key: SB-Mid-server-TEST\n  client_secret: SB-Mid-server-TEST-longer\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Secrets()
	if len(got) != 2 || got[0] != "SB-Mid-server-TEST-longer" || got[1] != "SB-Mid-server-TEST" {
		t.Fatalf("Secrets() = %v", got)
	}
	got[0] = "mutated"
	if c.Secrets()[0] == "mutated" {
		t.Error("Secrets exposes its internal slice")
	}
	if (*Config)(nil).Secrets() != nil {
		t.Error("nil config has secrets")
	}
}

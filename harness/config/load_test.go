package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/keys"
)

func TestParse_Defaults(t *testing.T) {
	c, err := Parse("uatrun.yaml", []byte(base), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]any{
		"version":           {c.Version, 1},
		"merchant timeout":  {c.Merchant.Timeout.D(), 10 * time.Second},
		"gateway name":      {c.Gateway.Name, "dana-gapura"},
		"external id reuse": {c.Gateway.ExternalIDReuse, "record"},
		"notify retry": {c.Gateway.NotifyRetry, []Duration{Duration(time.Minute), Duration(5 * time.Minute),
			Duration(15 * time.Minute), Duration(time.Hour), Duration(6 * time.Hour), Duration(24 * time.Hour)}},
		"timestamp skew":  {c.Gateway.TimestampSkew.D(), time.Duration(0)},
		"emulator listen": {c.Emulator.Listen, "127.0.0.1:0"},
		"receiver listen": {c.Receiver.Listen, "127.0.0.1:0"},
		"receiver body":   {c.Receiver.MaxBody, int64(1 << 20)},
		"step timeout":    {c.Run.StepTimeout.D(), 15 * time.Second},
		"report dir":      {c.Report.Dir, "uat-evidence"},
		"report formats":  {c.Report.Formats, []string{"html", "json", "junit", "markdown"}},
		"action timeout":  {c.Merchant.Actions["checkout"].Timeout.D(), 10 * time.Second},
		"file":            {c.File, "uatrun.yaml"},
		"statuses default": {c.Merchant.Statuses, map[string]Words{"PAID": {"paid"}, "PENDING": {"pending"}, "CANCELLED": {"cancelled"},
			"REFUNDED": {"refunded"}, "PARTIALLY_REFUNDED": {"partially_refunded"}, "EXPIRED": {"expired"}, "FAILED": {"failed"}}},
	}
	for name, gw := range want {
		if !reflect.DeepEqual(gw[0], gw[1]) {
			t.Errorf("%s = %v, want %v", name, gw[0], gw[1])
		}
	}
}

func TestParse_ExplicitValuesBeatDefaults(t *testing.T) {
	yaml := insert(5, `    status: {path: /s}
    pay: {path: /p, form: {a: "1"}}
    put: {path: /u, method: put, timeout: 2s}
    script: {command: [./bin/x, "{{.order}}"]}
  statuses: {PAID: LUNAS, EXPIRED: kedaluwarsa}
  timeout: 4s
`) + `  name: dana-gapura
  notify_retry: [10s]
  external_id_reuse: reject
emulator: {listen: ":9080"}
receiver: {listen: 0.0.0.0:9081, max_body: 4096}
report: {formats: [json, json, html]}
`
	c, err := Parse("uatrun.yaml", []byte(yaml), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	acts := c.Merchant.Actions
	for name, want := range map[string]string{"checkout": "POST", "status": "GET", "pay": "POST", "put": "PUT", "script": ""} {
		if acts[name].Method != want {
			t.Errorf("action %s method %q, want %q", name, acts[name].Method, want)
		}
	}
	if acts["status"].Timeout.D() != 4*time.Second || acts["put"].Timeout.D() != 2*time.Second {
		t.Errorf("action timeouts: status %v put %v", acts["status"].Timeout.D(), acts["put"].Timeout.D())
	}
	if strings.Join(c.Merchant.Statuses["PAID"], ",") != "LUNAS" || strings.Join(c.Merchant.Statuses["PENDING"], ",") != "pending" {
		t.Errorf("statuses %v", c.Merchant.Statuses)
	}
	if c.Emulator.Listen != "127.0.0.1:9080" {
		t.Errorf("a listen address without a host must bind loopback, got %s", c.Emulator.Listen)
	}
	if c.Receiver.Listen != "0.0.0.0:9081" || c.Receiver.MaxBody != 4096 {
		t.Errorf("receiver %+v", c.Receiver)
	}
	if !reflect.DeepEqual(c.Report.Formats, []string{"json", "html"}) {
		t.Errorf("formats %v", c.Report.Formats)
	}
	if c.Gateway.ExternalIDReuse != "reject" || len(c.Gateway.NotifyRetry) != 1 {
		t.Errorf("gateway %+v", c.Gateway)
	}
}

func TestParse_ActionPositions(t *testing.T) {
	c, err := Parse("uatrun.yaml", []byte(action("    cancel:\n      path: /c\n")), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][2]int{"checkout": {5, 5}, "cancel": {6, 5}} {
		a := c.Merchant.Actions[name]
		if a.Line != want[0] || a.Col != want[1] {
			t.Errorf("%s at %d:%d, want %d:%d", name, a.Line, a.Col, want[0], want[1])
		}
	}
}

func TestParse_AnchorsAndMergeKeys(t *testing.T) {
	yaml := insert(5, `    base: &json_post {method: POST, path: /a, headers: {X-Shop: demo}}
    refund:
      <<: *json_post
      path: /orders/{{.order}}/refund
`)
	c, err := Parse("uatrun.yaml", []byte(yaml), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Merchant.Actions["refund"]
	if r.Method != "POST" || r.Path != "/orders/{{.order}}/refund" || r.Headers["X-Shop"] != "demo" {
		t.Fatalf("merged action %+v", r)
	}
}

func TestParse_AliasBombIsBounded(t *testing.T) {
	// Nine levels of ten aliases each: 10^9 nodes if followed naively.
	var b strings.Builder
	b.WriteString("    bomb:\n      path: /b\n      json:\n        l0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 8; i++ {
		refs := strings.TrimSuffix(strings.Repeat("*a"+strconv.Itoa(i-1)+", ", 10), ", ")
		fmt.Fprintf(&b, "        l%d: &a%d [%s]\n", i, i, refs)
	}
	_, err := Parse("uatrun.yaml", []byte(action(b.String())), noEnv)
	if err == nil || !strings.Contains(err.Error(), "more than 100000 YAML nodes") {
		t.Fatalf("alias bomb: %v", err)
	}
}

func TestParse_RefusesHugeFile(t *testing.T) {
	big := base + "# " + strings.Repeat("x", MaxFileSize) + "\n"
	if _, err := Parse("uatrun.yaml", []byte(big), noEnv); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("err = %v", err)
	}
}

// writeConfig writes yaml as dir/uatrun.yaml with fresh keys in dir/keys.
func writeConfig(t *testing.T, yaml string) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	if _, err := keys.Generate(filepath.Join(dir, "keys")); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "uatrun.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

func TestLoad_ResolvesPathsAgainstTheFile(t *testing.T) {
	dir, path := writeConfig(t, base+"  gateway_public_key: keys/gateway.pub.pem\nrun: {scenario_dir: scenarios}\nreport: {dir: out}\n")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for got, want := range map[string]string{
		c.Gateway.MerchantPublicKey: filepath.Join(dir, "keys", "merchant.pub.pem"),
		c.Gateway.GatewayPrivateKey: filepath.Join(dir, "keys", "gateway.pem"),
		c.Gateway.GatewayPublicKey:  filepath.Join(dir, "keys", "gateway.pub.pem"),
		c.Report.Dir:                filepath.Join(dir, "out"),
		c.Run.Dir:                   filepath.Join(dir, "scenarios"),
	} {
		if got != want {
			t.Errorf("path %s, want %s", got, want)
		}
	}
	if c.File != path {
		t.Errorf("File = %s", c.File)
	}
}

func TestLoad_KeyProblemsPointAtTheSetting(t *testing.T) {
	for _, tc := range []struct {
		name, edit, pos, msg, fix string
	}{
		{"missing file", "keys/merchant.pub.pem=>keys/nope.pem", "uatrun.yaml:7:24",
			"gateway.merchant_public_key: ", "run uatrun keys --out keys next to this config, or correct the path"},
		{"private where public expected", "keys/merchant.pub.pem=>keys/merchant.pem", "uatrun.yaml:7:24",
			"this is a private key where a public key belongs", "export the public half: openssl pkey"},
		{"public where private expected", "keys/gateway.pem=>keys/gateway.pub.pem", "uatrun.yaml:8:24",
			"this is a public key where a private key belongs", "point this setting at the private key file"},
		{"mismatched gateway public key", "gateway_private_key: keys/gateway.pem=>gateway_private_key: keys/gateway.pem\n  gateway_public_key: keys/merchant.pub.pem",
			"uatrun.yaml:9:23", "gateway.gateway_public_key is not the public half of gateway.gateway_private_key", "omit it"},
		{"signing key not ed25519", "gateway:=>report: {signing_key: keys/gateway.pem}\ngateway:", "uatrun.yaml:6:23",
			"is not an ed25519 PKCS#8 private key", "openssl genpkey -algorithm ed25519"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to, _ := strings.Cut(tc.edit, "=>")
			_, path := writeConfig(t, strings.Replace(base, from, to, 1))
			_, err := Load(path)
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("want one error, got %v", err)
			}
			e := errs[0]
			e.File = filepath.Base(e.File)
			pos := e.File + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col)
			if pos != tc.pos || !strings.Contains(e.Msg, tc.msg) || !strings.Contains(e.Fix, tc.fix) {
				t.Fatalf("got %s: %s; %s\nwant %s: …%s…; …%s…", pos, e.Msg, e.Fix, tc.pos, tc.msg, tc.fix)
			}
		})
	}
}

func TestLoad_AcceptsEd25519SigningKey(t *testing.T) {
	_, k, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	dir, path := writeConfig(t, base+"report: {signing_key: signing.pem}\n")
	if err := os.WriteFile(filepath.Join(dir, "signing.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
}

func TestLoad_MissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), "config.example.yaml") {
		t.Fatalf("err = %v", err)
	}
}

// TestLoad_ExampleConfig proves the config shipped at the repository root
// loads as a merchant would use it: copied next to keys from uatrun keys.
func TestLoad_ExampleConfig(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir, path := writeConfig(t, string(example))
	t.Setenv("DANA_PARTNER_ID", "")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Gateway.Name != "dana-gapura" || c.Gateway.PartnerID != "uatrun-demo-partner" || c.Gateway.MerchantID != "216620000000000000000" {
		t.Errorf("gateway %+v", c.Gateway)
	}
	if c.Gateway.MerchantPublicKey != filepath.Join(dir, "keys", "merchant.pub.pem") || c.Gateway.GatewayPrivateKey != filepath.Join(dir, "keys", "gateway.pem") {
		t.Errorf("key paths %s %s", c.Gateway.MerchantPublicKey, c.Gateway.GatewayPrivateKey)
	}
	wantCaptures := map[string]map[string]string{
		"checkout":     {"order": "order_id", "redirect": "redirect_url"},
		"order_status": {"status": "status", "fulfilments": "fulfilments", "refunded": "refunded"},
		"cancel":       nil,
		"refund":       {"refund_id": "refund_id"},
		"reconcile":    nil,
	}
	if len(c.Merchant.Actions) != len(wantCaptures) {
		t.Errorf("actions %v", sortedKeys(c.Merchant.Actions))
	}
	for name, caps := range wantCaptures {
		a, ok := c.Merchant.Actions[name]
		if !ok || a.Path == "" || (len(caps) > 0 && !reflect.DeepEqual(a.Capture, caps)) {
			t.Errorf("action %s = %+v, want captures %v", name, a, caps)
		}
	}
	if got := strings.Join(c.Merchant.Statuses["PARTIALLY_REFUNDED"], ","); got != "partially_refunded" {
		t.Errorf("PARTIALLY_REFUNDED = %q", got)
	}
	if len(c.Secrets()) != 0 {
		t.Errorf("defaults became secrets: %v", c.Secrets())
	}

	t.Setenv("DANA_PARTNER_ID", "partner-from-ci")
	c, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Gateway.PartnerID != "partner-from-ci" || !reflect.DeepEqual(c.Secrets(), []string{"partner-from-ci"}) {
		t.Errorf("partner %q secrets %v", c.Gateway.PartnerID, c.Secrets())
	}
}

func TestDigest_StableAcrossMachinesAndSecrets(t *testing.T) {
	yaml := base + "  client_secret: ${SECRET}\nreport: {dir: evidence}\n"
	digest := func(secret string) string {
		t.Helper()
		_, path := writeConfig(t, yaml)
		t.Setenv("SECRET", secret)
		c, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return c.Digest()
	}
	a, b := digest("secret-one-111"), digest("secret-two-222")
	if len(a) != 64 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("digest %q is not lowercase hex SHA-256", a)
	}
	if a != b {
		t.Error("digest depends on the secret's value or on the directory the config sits in")
	}
	c1, _ := Parse("uatrun.yaml", []byte(base), noEnv)
	c2, _ := Parse("uatrun.yaml", []byte(strings.Replace(base, "8080", "8081", 1)), noEnv)
	c3, _ := Parse("uatrun.yaml", []byte("# a comment moves every line\n"+base), noEnv)
	if c1.Digest() == c2.Digest() {
		t.Error("digest ignores a changed setting")
	}
	if c1.Digest() != c3.Digest() {
		t.Error("digest changes when only comments change")
	}
	if (*Config)(nil).Digest() != "" {
		t.Error("nil config has a digest")
	}
}

func TestParse_SelfMergeIsAnError(t *testing.T) {
	_, err := Parse("uatrun.yaml", []byte(action("    loop: &l {path: /l, headers: {<<: *l}}\n    me: &m\n      path: /m\n      <<: *m\n")), noEnv)
	if err == nil || !strings.Contains(err.Error(), "merges a mapping into itself") {
		t.Fatalf("err = %v", err)
	}
}

func TestParse_ManyProblemsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(base + "run:\n")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&b, "  bad%d: x\n", i)
	}
	_, err := Parse("uatrun.yaml", []byte(b.String()), noEnv)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != maxErrors+1 || !strings.Contains(errs[maxErrors].Msg, "and 400 more problems") {
		t.Fatalf("got %d errors, last %v", len(errs), errs[len(errs)-1])
	}
}

// A FIFO named like a config would block os.Open until someone writes to
// it; Load must refuse it instead.
func TestLoad_RefusesAFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "uatrun.yaml")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Load(FIFO) = %v, want a not-a-regular-file error", err)
	}
}

func TestLoad_StatusesTakeOneWordOrSeveral(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "uatrun.yaml")
	src := "merchant:\n  base_url: http://127.0.0.1:8080\n  statuses:\n    PAID: settled\n    PENDING: [pending, review, challenge]\ngateway:\n  name: midtrans-snap\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Merchant.Statuses["PENDING"], ","); got != "pending,review,challenge" {
		t.Errorf("PENDING = %q", got)
	}
	if got := strings.Join(c.Merchant.Statuses["PAID"], ","); got != "settled" {
		t.Errorf("PAID = %q", got)
	}
	bad := strings.Replace(src, "[pending, review, challenge]", "{a: b}", 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "uatrun.yaml:5") {
		t.Errorf("a mapping as status words: %v, want an error at uatrun.yaml:5", err)
	}
}

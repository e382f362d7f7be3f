package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/harness/snap"
)

// unknownRef fills a placeholder no order was created for.
const unknownRef = "uatrun-banner-unknown"

// bannerGateway is one emulator the banner is printed for, and how to
// create an order on it so the banner's per-order patterns can be called.
type bannerGateway struct {
	cfg config.Gateway
	// seed creates an order and returns the placeholder values; nil means
	// the patterns are called with unknownRef.
	seed func(t *testing.T, base string) map[string]string
}

var bannerGateways = []bannerGateway{
	{cfg: config.Gateway{Name: "dana-gapura", PartnerID: "2026000000000001", MerchantID: "216620000000000000001"}},
	{cfg: config.Gateway{Name: "midtrans-snap", ServerKey: "SB-Mid-server-BANNER"}, seed: func(t *testing.T, base string) map[string]string {
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("SB-Mid-server-BANNER:"))
		bannerPost(t, base+"/snap/v1/transactions", `{"transaction_details":{"order_id":"BANNER-1","gross_amount":15000}}`, "Authorization", basic)
		return map[string]string{"order_id": "BANNER-1"}
	}},
	{cfg: config.Gateway{Name: "purwantara", ServerKey: "ppn-banner-token", ClientSecret: "ppn-banner-secret"}, seed: func(t *testing.T, base string) map[string]string {
		out := bannerPost(t, base+"/v1/virtual-account", `{"expected_amount":15000,"name":"Toko","bank":"BRI","external_id":"BANNER-1"}`,
			"Authorization", "Bearer ppn-banner-token")
		return map[string]string{"uuid": str(out, "data", "uuid")}
	}},
	{cfg: config.Gateway{Name: "astapa", PartnerID: "astapa-banner-id", ClientSecret: "astapa-banner-secret"}, seed: func(t *testing.T, base string) map[string]string {
		out := bannerPost(t, base+"/api/platform/shop-payment", `{"client_id":"astapa-banner-id","client_secret":"astapa-banner-secret",`+
			`"amount":15000,"order_id":"BANNER-1","buyer_email":"buyer@example.com"}`)
		return map[string]string{"order_id": "BANNER-1", "purchase_id": str(out, "purchase_id")}
	}},
}

var (
	bannerLink  = regexp.MustCompile(`(?m)^\s+(GET|POST)\s+(http://\S+)$`)
	placeholder = regexp.MustCompile(`\{([^}]*)\}`)
)

// Every URL the banner of `uatrun emulate` advertises is one the emulator
// serves: concrete URLs answer (never 404), and patterns, filled with a
// real order's ids, answer too. Where no order can be created by plain
// HTTP (DANA's create is RSA-signed), a pattern must reach the control API
// (its unknown-order answer), never the unknown-route one.
func TestEmulateBanner_EveryAdvertisedURLAnswers(t *testing.T) {
	t.Parallel() // its own temp dirs, ports and processes
	for _, g := range bannerGateways {
		t.Run(g.cfg.Name, func(t *testing.T) {
			gw := startBannerGateway(t, g.cfg)
			var out bytes.Buffer
			writeBanner(&out, gw.Name(), "", gw, "http://127.0.0.1:1")
			banner := out.String()
			if !strings.Contains(banner, "emulating "+g.cfg.Name) {
				t.Fatalf("banner names another gateway:\n%s", banner)
			}
			if g.cfg.Name != "dana-gapura" && strings.Contains(banner, "dana.id") {
				t.Errorf("a DANA hint in the %s banner:\n%s", g.cfg.Name, banner)
			}
			ids := map[string]string{}
			if g.seed != nil {
				ids = g.seed(t, gw.URL())
			}
			links := bannerLink.FindAllStringSubmatch(banner, -1)
			if len(links) < 3 {
				t.Fatalf("banner advertises %d URLs:\n%s", len(links), banner)
			}
			for _, l := range links {
				method, u := l[1], l[2]
				unknown := false
				u = placeholder.ReplaceAllStringFunc(u, func(p string) string {
					name := strings.Trim(p, "{}")
					if alt, _, ok := strings.Cut(name, "|"); ok {
						return alt // the first action of a list
					}
					if v := ids[name]; v != "" {
						return v
					}
					unknown = true
					return unknownRef
				})
				status, body := bannerCall(t, method, u)
				switch {
				case unknown && (!strings.Contains(body, unknownRef) || strings.Contains(body, "no such control route")):
					t.Errorf("%s %s did not reach the control API: HTTP %d %s", method, u, status, body)
				case !unknown && status == http.StatusNotFound:
					t.Errorf("%s %s: HTTP 404 %s", method, u, body)
				}
			}
		})
	}
}

// The banner is the gateway's own: Purwantara's names its sandbox host and
// its transactions route, not DANA's orders.
func TestEmulateBanner_IsPerGateway(t *testing.T) {
	want := map[string][]string{
		"dana-gapura":   {"api.sandbox.dana.id", "trust this key", "/_uatrun/orders"},
		"midtrans-snap": {"api.sandbox.midtrans.com", "gateway.server_key", "/_uatrun/dashboard"},
		"purwantara":    {"sandbox-api.purwantara.id", "gateway.client_secret", "/_uatrun/transactions", "/simulator/{uuid}"},
		"astapa":        {"https://astapa.com", "gateway.partner_id", "/_uatrun/orders", "/invoice/{purchase_id}"},
	}
	for _, g := range bannerGateways {
		gw := startBannerGateway(t, g.cfg)
		var out bytes.Buffer
		writeBanner(&out, gw.Name(), "", gw, "http://127.0.0.1:1")
		for _, s := range want[g.cfg.Name] {
			if !strings.Contains(out.String(), s) {
				t.Errorf("%s banner lacks %q:\n%s", g.cfg.Name, s, out.String())
			}
		}
	}
}

// The banner lists every route of the gateway's registry entry, for every
// gateway (TestRegistry_RoutesAreTheEmulators proves those are every
// control route the emulator serves): DANA Widget's used to print one of
// its eight.
func TestEmulateBanner_ListsEveryRouteOfItsGateway(t *testing.T) {
	for _, d := range gateway.All() {
		t.Run(d.ID, func(t *testing.T) {
			kit, err := demo.KitFor(d.ID)
			if err != nil {
				t.Fatal(err)
			}
			gw := startBannerGateway(t, kit.Config().Gateway)
			var out bytes.Buffer
			writeBanner(&out, gw.Name(), "", gw, "http://127.0.0.1:1")
			for _, r := range d.Emulate.Routes {
				if line := fmt.Sprintf("%-4s %s%s\n", r.Method, gw.URL(), r.Path); !strings.Contains(out.String(), line) {
					t.Errorf("banner lacks %q:\n%s", line, out.String())
				}
			}
			if !strings.Contains(out.String(), d.Name) {
				t.Errorf("banner never names %s:\n%s", d.Name, out.String())
			}
		})
	}
}

func startBannerGateway(t *testing.T, g config.Gateway) session.Gateway {
	t.Helper()
	var keys session.Keys
	if d, _ := gateway.Lookup(g.Name); d.Keys.UsesRSA() {
		merchant, err := snap.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		gatewayKey, err := snap.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		keys = session.Keys{MerchantPublic: &merchant.PublicKey, GatewayPrivate: gatewayKey}
	}
	gw, err := session.NewGateway(g, keys, session.RealClocks, evidence.NewRedactor(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	return gw
}

func bannerCall(t *testing.T, method, u string) (int, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func bannerPost(t *testing.T, u, body string, hdr ...string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode >= 300 {
		t.Fatalf("seed %s: HTTP %d %v %v", u, resp.StatusCode, out, err)
	}
	return out
}

// str reads a nested string field of a decoded JSON object.
func str(m map[string]any, path ...string) string {
	for i, k := range path {
		if i == len(path)-1 {
			s, _ := m[k].(string)
			return s
		}
		m, _ = m[k].(map[string]any)
	}
	return ""
}

package demo

import (
	"crypto/rsa"
	"time"

	purwantarashop "github.com/uatrun/uatrun/examples/purwantara-shop"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/session"
)

// The Purwantara demo's two secrets. They protect nothing, but the run
// redacts them like real ones, and they differ so that a merchant sending
// the wrong one as its Bearer token is caught.
const (
	PurwantaraAPIToken      = "ppn-demo-api-token-7f3a"
	PurwantaraWebhookSecret = "ppn-demo-team-secret-c51e"
)

func init() {
	Register(Kit{Gateway: "purwantara", Config: purwantaraConfig, Faults: func() []Fault { return faultsOf(purwantarashop.Faults()) },
		Start: startPurwantaraShop, Catches: purwantaraCatches})
}

// purwantaraCatches names, for each fault of the Purwantara shop, the
// scenario whose rule that fault breaks.
var purwantaraCatches = map[string]string{
	"bearer-webhook-secret":           "PPN-CREATE-01",
	"create-ignores-status":           "PPN-CREATE-07",
	"dedupe-by-delivery-id":           "PPN-IDEM-02",
	"double-fulfil-on-redelivery":     "PPN-IDEM-01",
	"expired-as-paid":                 "PPN-PAY-03",
	"fulfil-check-then-act":           "PPN-IDEM-04",
	"match-by-amount":                 "PPN-SIG-05",
	"status-from-webhook":             "PPN-PAY-08",
	"trust-signed-amount":             "PPN-SIG-04",
	"trust-return-query":              "PPN-PAY-07",
	"verify-reencoded-json":           "PPN-PAY-02",
	"webhook-no-verify":               "PPN-SIG-01",
	"signature-cache-per-transaction": "PPN-SIG-02",
	"unsigned-webhook-accepted":       "PPN-SIG-03",
	"signature-cache":                 "PPN-SIG-06",
	"active-reopens-order":            "PPN-SIG-07",
	"failed-status-unhandled":         "PPN-PAY-04",
	"no-reconcile":                    "PPN-PAY-05",
	"return-final-as-paid":            "PPN-PAY-09",
	"reuse-reference":                 "PPN-IDEM-03",
}

// purwantaraConfig drives the Purwantara shop's HTTP API. gateway.server_key
// is the API token and gateway.client_secret the team webhook secret; the
// Callback URL is set on the emulator's dashboard once the shop listens.
func purwantaraConfig() *config.Config {
	return &config.Config{
		Version: 1,
		Merchant: config.Merchant{
			Name:    "uatrun example shop (Purwantara)",
			Timeout: config.Duration(10 * time.Second),
			Actions: map[string]config.Action{
				"checkout": post("/checkout", map[string]any{"amount": "{{.amount}}", "channel": "{{.channel}}"},
					map[string]string{"order": "order_id", "uuid": "uuid", "redirect": "redirect_url"}),
				"order_status": {Method: "GET", Path: "/orders/{{.order}}",
					Capture: map[string]string{"status": "status", "fulfilments": "fulfilments", "refunded": "refunded"}},
				"cancel":    post("/orders/{{.order}}/cancel", map[string]any{}, map[string]string{"status": "status"}),
				"reconcile": post("/orders/{{.order}}/reconcile", map[string]any{}, map[string]string{"status": "status"}),
			},
			Statuses: config.DefaultStatuses(),
		},
		Gateway: config.Gateway{Name: "purwantara", ServerKey: PurwantaraAPIToken, ClientSecret: PurwantaraWebhookSecret},
		Report:  config.Report{Dir: "uat-evidence"},
	}
}

// startPurwantaraShop runs the Purwantara shop in-process on a loopback
// port, on its own wall clock (HTTP only), then registers its webhook URL as
// the team Callback URL on the emulator's dashboard (Settings > Team).
func startPurwantaraShop(env session.Env, _ *rsa.PrivateKey, faults []string) (string, func() error, error) {
	return startPurwantaraShopWith(env, faults, purwantarashop.Config{})
}

// PurwantaraShopStarterWith returns a Kit.Start for the Purwantara shop of
// another correct design: base's QueueDelay (a queue-based shop that books
// a webhook a moment after answering it) is kept; the gateway, secrets,
// faults and fulfilment webhook are the run's.
func PurwantaraShopStarterWith(base purwantarashop.Config) func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error) {
	return func(env session.Env, _ *rsa.PrivateKey, faults []string) (string, func() error, error) {
		return startPurwantaraShopWith(env, faults, base)
	}
}

func startPurwantaraShopWith(env session.Env, faults []string, base purwantarashop.Config) (string, func() error, error) {
	s, err := purwantarashop.New(purwantarashop.Config{
		GatewayURL: env.GatewayURL, APIToken: PurwantaraAPIToken, WebhookSecret: PurwantaraWebhookSecret,
		Faults: faults, FulfilmentWebhook: env.ReceiverURL + "/hooks/fulfilment", QueueDelay: base.QueueDelay,
	})
	if err != nil {
		return "", nil, err
	}
	url, stop, err := serveShop(s)
	if err != nil {
		return "", nil, err
	}
	s.SetPublicURL(url)
	if err := setDashboard(env.GatewayURL, map[string]string{"callback_url": url + purwantarashop.WebhookPath}); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

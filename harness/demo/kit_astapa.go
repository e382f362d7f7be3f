package demo

import (
	"crypto/rsa"
	"time"

	astapashop "github.com/uatrun/uatrun/examples/astapa-shop"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/session"
)

// Demo credentials of the Astapa project. They protect nothing, but the
// run redacts the secret like a real one.
const (
	AstapaClientID     = "uatrun-demo-client"
	AstapaClientSecret = "astapa-demo-secret-do-not-log"
)

func init() {
	Register(Kit{Gateway: "astapa", Config: astapaConfig, Faults: func() []Fault { return faultsOf(astapashop.Faults()) }, Start: startAstapaShop, Catches: astapaCatches})
}

// astapaCatches names, for each fault of the Astapa shop, the scenario
// whose rule that fault breaks.
var astapaCatches = map[string]string{
	"amount-not-integer":               "AST-CREATE-01",
	"cancel-on-forged":                 "AST-SIG-04",
	"fulfil-check-then-act":            "AST-IDEM-02",
	"verify-error-trusts-webhook":      "AST-SIG-03",
	"verify-metadata-order":            "AST-SIG-05",
	"double-fulfil":                    "AST-IDEM-01",
	"no-reconcile":                     "AST-PAY-02",
	"reuse-order-id":                   "AST-IDEM-03",
	"verify-any-status-paid":           "AST-CANCEL-01",
	"verify-reads-midtrans-field":      "AST-PAY-01",
	"webhook-trusted-without-verify":   "AST-SIG-01",
	"expire-left-pending":              "AST-CANCEL-02",
	"webhook-confirmed-unless-pending": "AST-SIG-02",
}

func astapaConfig() *config.Config {
	return &config.Config{
		Version: 1,
		Merchant: config.Merchant{
			Name:    "uatrun example shop (Astapa shop payments)",
			Timeout: config.Duration(10 * time.Second),
			Actions: map[string]config.Action{
				"checkout": post("/checkout", map[string]any{"amount": "{{.amount}}"},
					map[string]string{"order": "order_id", "redirect": "redirect_url"}),
				"order_status": {Method: "GET", Path: "/orders/{{.order}}",
					Capture: map[string]string{"status": "status", "fulfilments": "fulfilments"}},
				"reconcile": post("/orders/{{.order}}/reconcile", map[string]any{}, map[string]string{"status": "status"}),
			},
			Statuses: config.DefaultStatuses(),
		},
		Gateway: config.Gateway{Name: "astapa", PartnerID: AstapaClientID, ClientSecret: AstapaClientSecret},
		Report:  config.Report{Dir: "uat-evidence"},
	}
}

// startAstapaShop runs the Astapa shop in-process, then sets the project
// webhook URL on the emulator to it, as a merchant does in Astapa.
func startAstapaShop(env session.Env, _ *rsa.PrivateKey, faults []string) (string, func() error, error) {
	return startAstapaShopWith(env, faults, astapashop.Config{})
}

// AstapaShopStarterWith returns a Kit.Start for the Astapa shop of another
// correct design: base's QueueDelay (a queue-based shop that books a
// confirmed webhook a moment after answering it) is kept; the gateway,
// credentials, faults and fulfilment webhook are the run's.
func AstapaShopStarterWith(base astapashop.Config) func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error) {
	return func(env session.Env, _ *rsa.PrivateKey, faults []string) (string, func() error, error) {
		return startAstapaShopWith(env, faults, base)
	}
}

func startAstapaShopWith(env session.Env, faults []string, base astapashop.Config) (string, func() error, error) {
	s, err := astapashop.New(astapashop.Config{GatewayURL: env.GatewayURL, ClientID: AstapaClientID,
		ClientSecret: AstapaClientSecret, Faults: faults,
		FulfilmentWebhook: env.ReceiverURL + "/hooks/fulfilment", QueueDelay: base.QueueDelay})
	if err != nil {
		return "", nil, err
	}
	url, stop, err := serveShop(s)
	if err != nil {
		return "", nil, err
	}
	if err := setDashboard(env.GatewayURL, map[string]string{"webhook_url": url + astapashop.WebhookPath}); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

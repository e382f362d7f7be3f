package demo

import (
	"crypto/rsa"
	"time"

	danawidgetshop "github.com/uatrun/uatrun/examples/dana-widget-shop"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/harness/snap"
)

func init() {
	Register(Kit{Gateway: "dana-widget", Config: danaWidgetConfig, Faults: func() []Fault { return faultsOf(danawidgetshop.Faults()) },
		Start: startDanaWidgetShop, Catches: danaWidgetCatches})
}

// danaWidgetCatches names, for each fault of the Widget shop, the
// mandated scenario whose rule it breaks.
var danaWidgetCatches = map[string]string{
	"stores-auth-code":              "DANAW-BIND-01",
	"bind-ignores-token-error":      "DANAW-BIND-02",
	"never-refreshes":               "DANAW-TOKEN-01",
	"reuse-ott":                     "DANAW-OTT-01",
	"keeps-token-after-unbind":      "DANAW-UNBIND-01",
	"trust-return-redirect":         "DANAW-PAY-02",
	"notify-no-verify":              "DANAW-SIG-01",
	"notify-double-fulfil":          "DANAW-IDEM-01",
	"cancel-local-only":             "DANAW-CANCEL-01",
	"cancel-ignores-gateway-error":  "DANAW-CANCEL-02",
	"over-refund":                   "DANAW-REFUND-02",
	"new-reference-on-retry":        "DANAW-IDEM-03",
	"reconcile-ignores-query":       "DANAW-PAY-03",
	"oauth-ignores-state":           "DANAW-BIND-05",
	"notify-ignores-amount":         "DANAW-PAY-04",
	"notify-ignores-status":         "DANAW-PAY-05",
	"notify-unsigned-accepted":      "DANAW-SIG-03",
	"echoes-tokens":                 "DANAW-TOKEN-02",
	"paid-after-cancel":             "DANAW-CANCEL-03",
	"reuse-external-id":             "DANAW-IDEM-05",
	"refund-ignores-gateway-error":  "DANAW-REFUND-03",
	"refund-overwrites-total":       "DANAW-REFUND-01",
	"tokens-by-masked-phone":        "DANAW-BIND-06",
	"refund-new-reference-on-retry": "DANAW-IDEM-04",
	"notify-verifies-reserialised":  "DANAW-SIG-02",
	"notify-trusts-seen-signature":  "DANAW-SIG-04",
	"notify-pays-unless-paid":       "DANAW-SIG-05",
	"fulfil-check-then-act":         "DANAW-IDEM-02",
	"trust-return-from-cashier":     "DANAW-PAY-06",
	"ship-queue-ignores-cancel":     "DANAW-CANCEL-03",
	"timestamp-utc-as-jakarta":      "DANAW-BIND-01",
}

// DanaWidgetActions are the Widget shop's actions, shared by the demo and
// examples/dana-widget-shop/uatrun.yaml.
func danaWidgetActions() map[string]config.Action {
	return map[string]config.Action{
		"bind":         post("/users/{{.user}}/bind", map[string]any{"phone": "{{.phone}}"}, map[string]string{"oauth_url": "oauth_url"}),
		"binding":      {Method: "GET", Path: "/users/{{.user}}/binding", Capture: map[string]string{"bound": "bound"}},
		"unbind":       post("/users/{{.user}}/unbind", map[string]any{}, nil),
		"balance":      {Method: "GET", Path: "/users/{{.user}}/balance", Capture: map[string]string{"balance": "balance"}},
		"profile":      {Method: "GET", Path: "/users/{{.user}}/profile"},
		"checkout":     post("/checkout", map[string]any{"user": "{{.user}}", "amount": "{{.amount}}"}, map[string]string{"order": "order_id", "redirect": "payment_url"}),
		"order_status": {Method: "GET", Path: "/orders/{{.order}}", Capture: map[string]string{"status": "status", "fulfilments": "fulfilments", "refunded": "refunded"}},
		"cancel":       post("/orders/{{.order}}/cancel", map[string]any{}, nil),
		"refund":       post("/orders/{{.order}}/refund", map[string]any{"amount": "{{.amount}}"}, map[string]string{"refund_id": "refund_id"}),
		"reconcile":    post("/orders/{{.order}}/reconcile", map[string]any{}, map[string]string{"status": "status"}),
	}
}

func danaWidgetConfig() *config.Config {
	return &config.Config{
		Version: 1,
		Merchant: config.Merchant{Name: "uatrun example shop (DANA Widget)", Timeout: config.Duration(10e9),
			Actions: danaWidgetActions(), Statuses: config.DefaultStatuses()},
		// X-TIMESTAMP checked against the wall clock, as the starter
		// config does (harness/config/starter-dana-widget.yaml).
		Gateway: config.Gateway{Name: "dana-widget", PartnerID: PartnerID, MerchantID: MerchantID,
			TimestampSkew: config.Duration(10 * time.Minute)},
		Report: config.Report{Dir: "uat-evidence"},
	}
}

func startDanaWidgetShop(env session.Env, key *rsa.PrivateKey, faults []string) (string, func() error, error) {
	return startDanaWidgetShopWith(env, key, faults, danawidgetshop.Config{})
}

// DanaWidgetShopStarterWith returns a Kit.Start for the Widget shop of
// another correct design: base's QueueDelay (a queue-based shop that books
// a notify a moment after acknowledging it) is kept; the gateway, keys and
// faults are the run's.
func DanaWidgetShopStarterWith(base danawidgetshop.Config) func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error) {
	return func(env session.Env, key *rsa.PrivateKey, faults []string) (string, func() error, error) {
		return startDanaWidgetShopWith(env, key, faults, base)
	}
}

func startDanaWidgetShopWith(env session.Env, key *rsa.PrivateKey, faults []string, base danawidgetshop.Config) (string, func() error, error) {
	pem, err := snap.MarshalPrivateKeyPEM(key)
	if err != nil {
		return "", nil, err
	}
	s, err := danawidgetshop.New(danawidgetshop.Config{GatewayURL: env.GatewayURL, PartnerID: PartnerID, MerchantID: MerchantID,
		PrivateKeyPEM: pem, GatewayPublicKeyPEM: env.GatewayPublicKeyPEM, Faults: faults, QueueDelay: base.QueueDelay})
	if err != nil {
		return "", nil, err
	}
	url, stop, err := serveShop(s)
	if err != nil {
		return "", nil, err
	}
	s.SetPublicURL(url)
	return url, stop, nil
}

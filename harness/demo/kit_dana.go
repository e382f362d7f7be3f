package demo

import (
	"crypto/rsa"
	"time"

	"github.com/uatrun/uatrun/examples/shop"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/harness/snap"
)

// Identifiers the DANA demo shop and emulator agree on.
const (
	PartnerID  = "uatrun-demo-partner"
	MerchantID = "216620000000000000000"
)

func init() {
	Register(Kit{Gateway: "dana-gapura", Config: danaConfig, Faults: func() []Fault { return faultsOf(shop.Faults()) }, Start: startShop, Catches: danaCatches})
}

// danaCatches names, for each fault of the example shop, the scenario
// whose rule that fault breaks.
var danaCatches = map[string]string{
	"amount-without-decimals":       "DANA-CREATE-01",
	"cancel-ignores-gateway-error":  "DANA-CANCEL-03",
	"cancel-local-only":             "DANA-CANCEL-01",
	"create-ignores-error-code":     "DANA-CREATE-02",
	"create-no-retry":               "DANA-CREATE-06",
	"external-id-per-order":         "DANA-IDEM-03",
	"fulfil-check-then-act":         "DANA-IDEM-02",
	"no-notification-url":           "DANA-CREATE-01",
	"notify-double-fulfil":          "DANA-IDEM-01",
	"notify-expired-as-paid":        "DANA-PAY-03",
	"notify-fulfil-then-fail":       "DANA-PAY-04",
	"notify-ignores-amount":         "DANA-SIG-05",
	"notify-no-verify":              "DANA-SIG-01",
	"notify-refuses-early-close":    "DANA-PAY-06",
	"notify-reopens-order":          "DANA-SIG-07",
	"notify-signature-memo":         "DANA-SIG-04",
	"notify-trusts-payload":         "DANA-SIG-02",
	"notify-unsigned-accepted":      "DANA-SIG-03",
	"notify-wrong-ack":              "DANA-PAY-01",
	"over-refund":                   "DANA-REFUND-02",
	"reconcile-ignores-query":       "DANA-PAY-05",
	"refund-ignores-gateway-error":  "DANA-REFUND-05",
	"refund-new-reference-on-retry": "DANA-REFUND-04",
	"refund-unpaid-cancels-order":   "DANA-REFUND-03",
	"reuse-external-id":             "DANA-IDEM-03",
	"return-query-settled-as-paid":  "DANA-PAY-07",
	"reuse-partner-reference":       "DANA-IDEM-03",
	"sign-wrong-path":               "DANA-CREATE-01",
	"timestamp-utc-as-jakarta":      "DANA-CREATE-01",
	"timestamp-utc-z":               "DANA-CREATE-01",
	"trust-return-query":            "DANA-PAY-02",
	"trust-return-redirect":         "DANA-PAY-02",
}

// danaConfig drives the example shop's HTTP API.
func danaConfig() *config.Config {
	return &config.Config{
		Version: 1,
		Merchant: config.Merchant{
			Name:    "uatrun example shop (DANA Gapura)",
			Timeout: config.Duration(10e9),
			Actions: map[string]config.Action{
				"checkout": post("/checkout", map[string]any{"amount": "{{.amount}}"},
					map[string]string{"order": "order_id", "redirect": "redirect_url"}),
				"order_status": {Method: "GET", Path: "/orders/{{.order}}",
					Capture: map[string]string{"status": "status", "fulfilments": "fulfilments", "refunded": "refunded"}},
				"cancel":    post("/orders/{{.order}}/cancel", map[string]any{"reason": "uatrun"}, nil),
				"refund":    post("/orders/{{.order}}/refund", map[string]any{"amount": "{{.amount}}"}, map[string]string{"refund_id": "refund_id"}),
				"reconcile": post("/orders/{{.order}}/reconcile", map[string]any{}, map[string]string{"status": "status"}),
			},
			Statuses: config.DefaultStatuses(),
		},
		// X-TIMESTAMP is judged against the wall clock, as the starter
		// config does by default: DANA wants the request's own time in
		// Jakarta, so a clock hours off is refused (timestamp-utc-as-jakarta).
		Gateway: config.Gateway{Name: "dana-gapura", PartnerID: PartnerID, MerchantID: MerchantID,
			TimestampSkew: config.Duration(10 * time.Minute)},
		Report: config.Report{Dir: "uat-evidence"},
	}
}

// startShop runs the example shop in-process on a loopback port, on its
// own wall clock (HTTP only, like any merchant), posting fulfilments to
// the receiver.
func startShop(env session.Env, key *rsa.PrivateKey, faults []string) (string, func() error, error) {
	return startShopWith(env, key, faults, nil)
}

// ShopStarterWith returns a Kit.Start for the example shop of another
// correct design: base's QueueDelay (a queue-based shop that books a
// notify a moment after acknowledging it) and VerifyLikeSDK are kept; the
// gateway, keys, faults and fulfilment webhook are the run's.
func ShopStarterWith(base shop.Config) func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error) {
	return func(env session.Env, key *rsa.PrivateKey, faults []string) (string, func() error, error) {
		return startShopWith(env, key, faults, func(c *shop.Config) {
			c.QueueDelay, c.VerifyLikeSDK = base.QueueDelay, base.VerifyLikeSDK
		})
	}
}

// startShopWith is startShop with a last word on the shop's config (e.g. a
// verification mode).
func startShopWith(env session.Env, key *rsa.PrivateKey, faults []string, tweak func(*shop.Config)) (string, func() error, error) {
	pem, err := snap.MarshalPrivateKeyPEM(key)
	if err != nil {
		return "", nil, err
	}
	cfg := shop.Config{
		GatewayURL: env.GatewayURL, PartnerID: PartnerID, MerchantID: MerchantID,
		PrivateKeyPEM: pem, GatewayPublicKeyPEM: env.GatewayPublicKeyPEM,
		Faults: faults, FulfilmentWebhook: env.ReceiverURL + "/hooks/fulfilment",
	}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := shop.New(cfg)
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

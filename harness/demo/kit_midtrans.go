package demo

import (
	"crypto/rsa"
	"time"

	midtransshop "github.com/uatrun/uatrun/examples/midtrans-shop"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/session"
)

// MidtransServerKey is the demo's sandbox-style server key. It protects
// nothing, but the run still redacts it like a real one.
const MidtransServerKey = "SB-Mid-server-uatrun-demo-key"

func init() {
	Register(Kit{Gateway: "midtrans-snap", Config: midtransConfig, Faults: func() []Fault { return faultsOf(midtransshop.Faults()) },
		Start: MidtransShopStarter(midtransshop.VerifyModeSignature), Catches: midtransCatches})
}

// midtransCatches names, for each fault of the Midtrans shop, the
// scenario whose rule that fault breaks.
var midtransCatches = map[string]string{
	"cancel-ignores-gateway-error":   "MT-CANCEL-02",
	"cancel-local-only":              "MT-CANCEL-01",
	"client-key-as-server-key":       "MT-CREATE-01",
	"gross-amount-mismatch-accepted": "MT-SIG-03",
	"no-reconcile":                   "MT-PAY-05",
	"notify-double-fulfil":           "MT-IDEM-01",
	"notify-no-verify":               "MT-SIG-01",
	"notify-rejects-expire":          "MT-PAY-04",
	"out-of-order-regresses":         "MT-IDEM-03",
	"over-refund":                    "MT-REFUND-02",
	"refund-amount-as-string":        "MT-REFUND-01",
	"refund-ignores-gateway-error":   "MT-REFUND-03",
	"refund-new-key-on-retry":        "MT-IDEM-04",
	"reuse-order-id":                 "MT-IDEM-05",
	"settlement-on-pending":          "MT-PAY-03",
	"signature-own-amount-format":    "MT-PAY-01",
	"trust-finish-redirect":          "MT-PAY-02",
	"status-code-200-as-paid":        "MT-REFUND-05",
	"status-404-closes-order":        "MT-PAY-06",
	"deny-closes-order":              "MT-PAY-07",
	"capture-challenge-as-paid":      "MT-PAY-08",
	"refund-pending-as-done":         "MT-REFUND-06",
	"notify-unsigned-accepted":       "MT-SIG-02",
	"signature-over-stored-amount":   "MT-SIG-02",
	"trust-seen-signature":           "MT-SIG-04",
	"notify-reopens-order":           "MT-SIG-05",
	"fulfil-check-then-act":          "MT-IDEM-02",
	"finish-revives-closed-order":    "MT-PAY-09",
}

// midtransConfig drives the Midtrans shop's HTTP API. The notification URL
// is set on the emulator's dashboard once the shop listens (startMidtransShop).
func midtransConfig() *config.Config {
	return &config.Config{
		Version: 1,
		Merchant: config.Merchant{
			Name:    "uatrun example shop (Midtrans Snap)",
			Timeout: config.Duration(10 * time.Second),
			Actions: map[string]config.Action{
				"checkout": post("/checkout", map[string]any{"amount": "{{.amount}}"},
					map[string]string{"order": "order_id", "redirect": "redirect_url", "token": "token"}),
				"order_status": {Method: "GET", Path: "/orders/{{.order}}",
					Capture: map[string]string{"status": "status", "fulfilments": "fulfilments", "refunded": "refunded"}},
				"cancel":    post("/orders/{{.order}}/cancel", map[string]any{}, nil),
				"refund":    post("/orders/{{.order}}/refund", map[string]any{"amount": "{{.amount}}"}, map[string]string{"refund_key": "refund_key"}),
				"reconcile": post("/orders/{{.order}}/reconcile", map[string]any{}, map[string]string{"status": "status"}),
			},
			Statuses: config.DefaultStatuses(),
		},
		Gateway: config.Gateway{Name: "midtrans-snap", ServerKey: MidtransServerKey, MerchantID: "G000000001"},
		Report:  config.Report{Dir: "uat-evidence"},
	}
}

// MidtransShopStarter returns a Kit.Start that runs the Midtrans shop
// in-process on a loopback port, on its own wall clock (HTTP only),
// trusting notifications the way verifyMode says (both modes are correct
// merchants), then sets the emulator's dashboard Payment Notification URL
// to it, as a merchant does in Midtrans' dashboard.
func MidtransShopStarter(verifyMode string) func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error) {
	return MidtransShopStarterWith(midtransshop.Config{VerifyMode: verifyMode})
}

// MidtransShopStarterWith is MidtransShopStarter for a shop of another
// correct design: base's VerifyMode and QueueDelay (a queue-based shop
// that books a notification a moment after acknowledging it) are kept;
// the gateway, key, faults and fulfilment webhook are the run's.
func MidtransShopStarterWith(base midtransshop.Config) func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error) {
	return func(env session.Env, _ *rsa.PrivateKey, faults []string) (string, func() error, error) {
		return startMidtransShop(env, faults, base)
	}
}

func startMidtransShop(env session.Env, faults []string, base midtransshop.Config) (string, func() error, error) {
	s, err := midtransshop.New(midtransshop.Config{
		GatewayURL: env.GatewayURL, ServerKey: MidtransServerKey, Faults: faults,
		FulfilmentWebhook: env.ReceiverURL + "/hooks/fulfilment", VerifyMode: base.VerifyMode, QueueDelay: base.QueueDelay,
	})
	if err != nil {
		return "", nil, err
	}
	url, stop, err := serveShop(s)
	if err != nil {
		return "", nil, err
	}
	s.SetPublicURL(url)
	if err := setDashboard(env.GatewayURL, map[string]string{"notify_url": url + midtransshop.NotifyPath}); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

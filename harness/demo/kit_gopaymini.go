package demo

import (
	"crypto/rsa"
	"time"

	gopayminishop "github.com/uatrun/uatrun/examples/gopay-miniapp-shop"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/harness/snap"
)

// Credentials the GoPay Mini App demo shop and emulator agree on. They
// protect nothing; the run still redacts them like real ones.
const (
	GoPayMiniCredential   = "uatrun-miniapp-client:uatrun-miniapp-secret-7d1f"
	GoPayMiniClientSecret = "uatrun-snap-client-secret-4b9e"
	GoPayMiniPartnerID    = "uatrun-demo-partner"
	GoPayMiniMerchantID   = "G000000001"
	GoPayMiniPopID        = "990407c8-7c2b-4998-8ef8-0bc67c0c6c55"
)

func init() {
	Register(Kit{Gateway: "gopay-miniapp", Config: gopayMiniConfig, Faults: func() []Fault { return faultsOf(gopayminishop.Faults()) },
		Start: startGoPayMiniShop, Catches: gopayMiniCatches})
}

// gopayMiniCatches names, for each fault of the mini-app shop, the
// scenario whose rule it breaks.
var gopayMiniCatches = map[string]string{
	gopayminishop.FaultCachesAuthCode:       "GPM-AUTH-05",
	gopayminishop.FaultLoginIgnoresError:    "GPM-AUTH-02",
	gopayminishop.FaultWrongCredentials:     "GPM-AUTH-01",
	gopayminishop.FaultTrustLaunchRedirect:  "GPM-PAY-02",
	gopayminishop.FaultOmitPopID:            "GPM-PAY-03",
	gopayminishop.FaultStatusAnswerAsPaid:   "GPM-PAY-04",
	gopayminishop.FaultNoReconcile:          "GPM-PAY-05",
	gopayminishop.FaultCancelLocalOnly:      "GPM-CANCEL-01",
	gopayminishop.FaultCancelIgnoresError:   "GPM-CANCEL-02",
	gopayminishop.FaultRefundLocalOnly:      "GPM-REFUND-01",
	gopayminishop.FaultRefundReuseReference: "GPM-REFUND-02",
	gopayminishop.FaultNotifyNoVerify:       "GPM-SIG-01",
	gopayminishop.FaultNotifyDoubleFulfil:   "GPM-IDEM-01",
	gopayminishop.FaultDisburseNewReference: "GPM-DISB-01",
	gopayminishop.FaultDisburseIgnoresError: "GPM-DISB-02",
	gopayminishop.FaultNotifyIgnoresStatus:  "GPM-PAY-06",
	gopayminishop.FaultNotifyNoAmountCheck:  "GPM-SIG-05",
	gopayminishop.FaultLaunchCancelFinal:    "GPM-PAY-07",
	gopayminishop.FaultB2BNeverRefreshed:    "GPM-PAY-08",
	gopayminishop.FaultRefundRetryNewRef:    "GPM-REFUND-03",
	gopayminishop.FaultRefundIgnoresRefusal: "GPM-REFUND-04",
	gopayminishop.FaultOneTokenSlot:         "GPM-AUTH-07",
	gopayminishop.FaultNotifyReopensOrder:   "GPM-SIG-06",
	gopayminishop.FaultNotifyVerifyOwnBody:  "GPM-SIG-02",
	gopayminishop.FaultNotifyUnsigned:       "GPM-SIG-03",
	gopayminishop.FaultCheckThenAct:         "GPM-IDEM-02",
	gopayminishop.FaultOverRefund:           "GPM-REFUND-05",
	gopayminishop.FaultEchoesAccessToken:    "GPM-AUTH-08",
	gopayminishop.FaultTimestampUTC:         "GPM-PAY-09",
	gopayminishop.FaultSignatureCache:       "GPM-SIG-07",
}

// gopayMiniActions are the shop's HTTP actions, shared by the demo and
// examples/gopay-miniapp-shop/uatrun.yaml.
func gopayMiniActions() map[string]config.Action {
	return map[string]config.Action{
		"login":   post("/miniapp/login", map[string]any{"user": "{{.user}}", "auth_code": "{{.auth_code}}"}, map[string]string{"account": "account_id"}),
		"push":    post("/miniapp/users/{{.user}}/push", map[string]any{"template_id": "order_ready", "params": map[string]any{"order": "{{.user}}"}}, nil),
		"reward":  post("/miniapp/users/{{.user}}/rewards", map[string]any{"reward_id": "{{.reward_id}}", "amount": "{{.amount}}"}, nil),
		"profile": {Method: "GET", Path: "/miniapp/users/{{.user}}/profile"},
		"checkout": post("/checkout", map[string]any{"amount": "{{.amount}}"},
			map[string]string{"order": "order_id", "redirect": "deeplink"}),
		"order_status": {Method: "GET", Path: "/orders/{{.order}}",
			Capture: map[string]string{"status": "status", "fulfilments": "fulfilments", "refunded": "refunded"}},
		"cancel":    post("/orders/{{.order}}/cancel", map[string]any{}, nil),
		"refund":    post("/orders/{{.order}}/refund", map[string]any{"amount": "{{.amount}}"}, nil),
		"reconcile": post("/orders/{{.order}}/reconcile", map[string]any{}, map[string]string{"status": "status"}),
	}
}

func gopayMiniConfig() *config.Config {
	return &config.Config{
		Version: 1,
		Merchant: config.Merchant{
			Name: "uatrun example mini app (GoPay Mini App)", Timeout: config.Duration(10 * time.Second),
			Actions: gopayMiniActions(), Statuses: config.DefaultStatuses(),
		},
		Gateway: config.Gateway{Name: "gopay-miniapp", ServerKey: GoPayMiniCredential, ClientSecret: GoPayMiniClientSecret,
			PartnerID: GoPayMiniPartnerID, MerchantID: GoPayMiniMerchantID,
			// X-TIMESTAMP is judged against the wall clock, as the starter config does by default.
			TimestampSkew: config.Duration(10 * time.Minute)},
		Report: config.Report{Dir: "uat-evidence"},
	}
}

// startGoPayMiniShop runs the mini-app backend in-process on a loopback
// port, reached over HTTP only, on its own wall clock.
func startGoPayMiniShop(env session.Env, key *rsa.PrivateKey, faults []string) (string, func() error, error) {
	return startGoPayMiniShopWith(env, key, faults, gopayminishop.Config{})
}

// GoPayMiniShopStarterWith returns a Kit.Start for the mini-app backend of
// another correct design: base's QueueDelay (a queue-based backend that
// books a notify a moment after acknowledging it) and StatusOnRead are
// kept; the gateway, credentials, keys, faults and fulfilment webhook are
// the run's.
func GoPayMiniShopStarterWith(base gopayminishop.Config) func(session.Env, *rsa.PrivateKey, []string) (string, func() error, error) {
	return func(env session.Env, key *rsa.PrivateKey, faults []string) (string, func() error, error) {
		return startGoPayMiniShopWith(env, key, faults, base)
	}
}

func startGoPayMiniShopWith(env session.Env, key *rsa.PrivateKey, faults []string, base gopayminishop.Config) (string, func() error, error) {
	pem, err := snap.MarshalPrivateKeyPEM(key)
	if err != nil {
		return "", nil, err
	}
	s, err := gopayminishop.New(gopayminishop.Config{
		GatewayURL: env.GatewayURL, MiniAppCredential: GoPayMiniCredential, PartnerID: GoPayMiniPartnerID,
		ClientSecret: GoPayMiniClientSecret, MerchantID: GoPayMiniMerchantID, PopID: GoPayMiniPopID,
		PrivateKeyPEM: pem, GatewayPublicKeyPEM: env.GatewayPublicKeyPEM,
		FulfilmentWebhook: env.ReceiverURL + "/hooks/fulfilment", Faults: faults,
		StatusOnRead: base.StatusOnRead, QueueDelay: base.QueueDelay,
	})
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

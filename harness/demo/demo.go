// Package demo is uatrun's embedded default: the bundled example shop
// (examples/shop) started in-process against the DANA Gapura emulator, with
// fresh keys, driven by the built-in config. `uatrun demo` runs the full
// mandated catalogue on it; `--fault NAME` switches on one of the shop's
// integration bugs to show what a failing run and report look like.
package demo

import (
	"crypto/rsa"
	"fmt"
	"sync"

	"github.com/uatrun/uatrun/examples/shop"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/harness/snap"
	"github.com/uatrun/uatrun/scenarios"
)

// Identifiers the demo shop and emulator agree on.
const (
	PartnerID  = "uatrun-demo-partner"
	MerchantID = "216620000000000000000"
)

// Options tune a demo run.
type Options struct {
	Faults   []string
	OutDir   string // "" writes no files
	Version  string
	Filter   engine.Filter
	FailFast bool
	Hooks    engine.Hooks
}

// Faults lists the example shop's switchable integration bugs.
func Faults() []shop.Fault { return shop.Faults() }

// Config is the built-in config: it drives the example shop's HTTP API.
func Config() *config.Config {
	post := func(path string, json map[string]any, capture map[string]string) config.Action {
		return config.Action{Method: "POST", Path: path, JSON: json, Capture: capture}
	}
	return &config.Config{
		Version: 1,
		Merchant: config.Merchant{
			Name:    "uatrun example shop",
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
			Statuses: map[string]string{"PAID": "paid", "PENDING": "pending", "CANCELLED": "cancelled",
				"REFUNDED": "refunded", "PARTIALLY_REFUNDED": "partially_refunded", "EXPIRED": "expired"},
		},
		Gateway: config.Gateway{Name: "dana-gapura", PartnerID: PartnerID, MerchantID: MerchantID},
		Report:  config.Report{Dir: "uat-evidence"},
	}
}

// keyPair is generated once per process: RSA generation is the slowest part
// of starting a demo, and the demo's keys protect nothing.
var keyPair = sync.OnceValues(func() ([2]*rsa.PrivateKey, error) {
	var ks [2]*rsa.PrivateKey
	for i := range ks {
		k, err := snap.GenerateKey()
		if err != nil {
			return ks, err
		}
		ks[i] = k
	}
	return ks, nil
})

// Open starts a demo session: emulator, receiver and the example shop with
// the given faults. The caller runs it and calls Finish and Close.
func Open(o Options) (*session.Session, error) {
	ks, err := keyPair()
	if err != nil {
		return nil, fmt.Errorf("generating demo keys: %w", err)
	}
	merchantKey, gatewayKey := ks[0], ks[1]
	merchantPEM, err := snap.MarshalPrivateKeyPEM(merchantKey)
	if err != nil {
		return nil, err
	}
	pack, err := scenarios.Load("dana-gapura")
	if err != nil {
		return nil, err
	}
	return session.Open(session.Options{
		Config: Config(), Packs: []*scenario.Pack{pack}, Filter: o.Filter, FailFast: o.FailFast,
		OutDir: o.OutDir, Version: o.Version, Environment: "emulate (demo)", Hooks: o.Hooks,
		Keys:          &session.Keys{MerchantPublic: &merchantKey.PublicKey, GatewayPrivate: gatewayKey},
		Secrets:       []string{string(merchantPEM)},
		StartMerchant: startShop(merchantPEM, o.Faults),
	})
}

// startShop runs the example shop in-process on a loopback port, on the
// session's virtual clock, posting fulfilments to the receiver.
func startShop(merchantPEM []byte, faults []string) func(session.Env) (string, func() error, error) {
	return func(env session.Env) (string, func() error, error) {
		s, err := shop.New(shop.Config{
			GatewayURL: env.GatewayURL, PartnerID: PartnerID, MerchantID: MerchantID,
			PrivateKeyPEM: merchantPEM, GatewayPublicKeyPEM: env.GatewayPublicKeyPEM,
			Faults: faults, Now: env.Clock.Now, FulfilmentWebhook: env.ReceiverURL + "/hooks/fulfilment",
		})
		if err != nil {
			return "", nil, err
		}
		srv := emulator.NewServer("", s.Handler())
		if err := srv.Start(); err != nil {
			s.Close()
			return "", nil, err
		}
		s.SetPublicURL(srv.URL())
		return srv.URL(), func() error { srv.Close(); return s.Close() }, nil
	}
}

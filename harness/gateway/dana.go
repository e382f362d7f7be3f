package gateway

import (
	"slices"
	"time"
)

// biSnapRetry is the notify retry schedule the BI-SNAP emulators use:
// DANA and GoPay publish none, so this is the emulators' own.
var biSnapRetry = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour}

// respondNext is every BI-SNAP emulator's error injection.
var respondNext = Action{"respond_next", []string{"api", "code", "message", "count"}}

// bisnapCommon are the notify variants every BI-SNAP emulator sends
// (bisnap.Common), in its order.
var bisnapCommon = []string{"valid", "duplicate", "concurrent", "wrong_key", "tampered_body", "missing_signature",
	"missing_timestamp", "stale_timestamp", "other_order_signature", "replay", "wrong_amount"}

// bisnapVariants is a BI-SNAP gateway's notify variants: the common ones,
// then its own, each taking copies (other_order_signature also from, the
// order whose headers it lends) and the gateway-wide params.
func bisnapVariants(own []string, gatewayParams ...string) []Variant {
	var out []Variant
	for _, name := range append(slices.Clone(bisnapCommon), own...) {
		params := []string{"copies"}
		if name == "other_order_signature" {
			params = append(params, "from")
		}
		out = append(out, Variant{name, append(params, gatewayParams...)})
	}
	return out
}

// variants is a gateway's notify variants when its emulator declares no
// params per variant.
func variants(names ...string) []Variant {
	out := make([]Variant, len(names))
	for i, n := range names {
		out[i] = Variant{Name: n}
	}
	return out
}

// exchangesRoute is served by every emulator.
func exchangesRoute(what string) Route {
	return Route{"GET", ControlPrefix + "/exchanges", "every request and " + what + ", both directions"}
}

var dana = Descriptor{
	ID:            "dana-gapura",
	Name:          "DANA Gapura",
	Product:       "DANA Gapura Hosted Checkout (BI-SNAP Payment Gateway)",
	Emulator:      "dana",
	Pack:          "dana-gapura",
	Starter:       "starter.yaml",
	Example:       "examples/shop",
	ExampleConfig: "config.example.yaml",
	Doc:           "docs/emulators/dana.md",
	NotifyRetry:   biSnapRetry,
	APIs:          []string{"create_order", "query_payment", "cancel_order", "refund_order", "consult_pay"},
	Actions: []Action{
		{"pay", []string{"notify"}}, {"fail", nil}, {"expire", nil}, respondNext,
		{"notify", []string{"variant", "copies", "status", "from"}}, {"return_shopper", []string{"forged"}},
	},
	Notify:          bisnapVariants([]string{"malformed_timestamp"}, "status"),
	MerchantActions: []string{"checkout", "order_status", "cancel", "refund", "reconcile"},
	Emulate: Emulate{
		Replaces: "https://api.sandbox.dana.id",
		TrustKey: true,
		Routes: []Route{
			{"GET", ControlPrefix + "/orders", "orders, their status and notifies"},
			exchangesRoute("notify"),
			{"POST", ControlPrefix + "/orders/{ref}/{pay|fail|expire|notify|return_shopper}", "settle an order; notify?variant=wrong_key sends a crafted notify"},
			{"POST", ControlPrefix + "/respond_next", "the next call(s) to an API get an error answer"},
		},
	},
	Keys: Keys{
		MerchantKey:       "your integration signs its requests with this (keep it secret)",
		MerchantPublicKey: "uatrun verifies your X-SIGNATURE with this (gateway.merchant_public_key)",
		GatewayKey:        "uatrun's emulator signs finish notifies with this (gateway.gateway_private_key)",
		GatewayPublicKey:  "your integration verifies finish notifies with this instead of DANA's public key",
	},
}

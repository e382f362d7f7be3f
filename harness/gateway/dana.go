package gateway

import "time"

// biSnapRetry is the notify retry schedule the BI-SNAP emulators use:
// DANA and GoPay publish none, so this is the emulators' own.
var biSnapRetry = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour}

// respondNext is every BI-SNAP emulator's error injection.
var respondNext = Action{"respond_next", []string{"api", "code", "message", "count"}}

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
	Notify: []string{"valid", "duplicate", "concurrent", "wrong_key", "tampered_body", "missing_signature",
		"missing_timestamp", "malformed_timestamp", "stale_timestamp", "other_order_signature", "replay", "wrong_amount"},
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

var danaWidget = Descriptor{
	ID:            "dana-widget",
	Name:          "DANA Widget",
	Product:       "DANA Widget API (account binding, OTT, widget payment; BI-SNAP)",
	Emulator:      "danawidget",
	Pack:          "dana-widget",
	Starter:       "starter-dana-widget.yaml",
	Example:       "examples/dana-widget-shop",
	ExampleConfig: "examples/dana-widget-shop/uatrun.yaml",
	Doc:           "docs/emulators/dana-widget.md",
	NotifyRetry:   biSnapRetry,
	APIs: []string{"apply_token", "apply_ott", "account_unbinding", "balance_inquiry", "query_user_profile", "widget_payment",
		"query_payment", "cancel_order", "refund_order", "transaction_list", "oauth", "create_order", "consult_pay"},
	Actions: []Action{
		{"authorize", []string{"url", "choice", "mobile", "balance", "redirect", "state"}}, {"redirect", nil},
		{"revoke", []string{"mobile"}}, {"pay", []string{"url", "notify"}}, {"fail", []string{"notify"}}, {"expire", nil},
		respondNext, {"notify", []string{"variant", "copies", "status", "from"}},
		{"return_shopper", []string{"forged"}}, {"cashier_cancel", []string{"url"}},
	},
	Notify: []string{"valid", "duplicate", "concurrent", "wrong_key", "tampered_body", "duplicate_key_body", "missing_signature",
		"missing_timestamp", "malformed_timestamp", "stale_timestamp", "other_order_signature", "replay", "wrong_amount", "late_paid"},
	MerchantActions: []string{"bind", "binding", "unbind", "balance", "profile", "checkout", "order_status", "cancel", "refund", "reconcile"},
	Emulate: Emulate{
		Replaces: "https://api.sandbox.dana.id and https://m.sandbox.dana.id",
		TrustKey: true,
		Credentials: []string{
			"partner id (X-PARTNER-ID, clientId) = gateway.partner_id; merchant id = gateway.merchant_id",
			"your X-SIGNATURE is verified with gateway.merchant_public_key; notify URL = gateway.notify_url",
		},
		Routes: []Route{
			{"GET", ControlPrefix + "/orders", "widget payments, their status and notifies"},
			{"GET", ControlPrefix + "/bindings", "account bindings and their tokens (redacted)"},
			exchangesRoute("notify"),
			{"POST", ControlPrefix + "/authorize", "the DANA user approves (choice=approve|deny|close) the OAuth URL your app built (url=…)"},
			{"POST", ControlPrefix + "/redirect", "send a held OAuth redirect back to your app, or reload the last one"},
			{"POST", ControlPrefix + "/revoke", "the DANA user unlinks your app in the DANA app (mobile=…)"},
			{"POST", ControlPrefix + "/orders/{ref}/{pay|fail|expire|notify|return_shopper|cashier_cancel}", "settle an order; notify?variant=wrong_key sends a crafted notify"},
			{"POST", ControlPrefix + "/respond_next", "the next call(s) to an API get an error answer"},
			{"GET", "/v1.0/get-auth-code", "the OAuth page your binding link opens (Approve / Deny)"},
			{"GET", "/m/portal/cashier/checkout", "the cashier page a payment URL opens (Pay / Cancel)"},
		},
	},
	Keys: Keys{
		MerchantKey:       "your integration signs its requests with this (keep it secret)",
		MerchantPublicKey: "uatrun verifies your X-SIGNATURE with this (gateway.merchant_public_key)",
		GatewayKey:        "uatrun's emulator signs DANA Widget notifies with this (gateway.gateway_private_key)",
		GatewayPublicKey:  "your integration verifies notifies with this instead of DANA's public key",
	},
}

package gateway

import "time"

var astapa = Descriptor{
	ID:            "astapa",
	Name:          "Astapa",
	Product:       "Astapa shop payments (Midtrans behind Astapa)",
	Emulator:      "astapa",
	Pack:          "astapa",
	Starter:       "starter-astapa.yaml",
	Example:       "examples/astapa-shop",
	ExampleConfig: "examples/astapa-shop/uatrun.yaml",
	Doc:           "docs/emulators/astapa.md",
	NotifyRetry:   []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute},
	APIs:          []string{"create_payment", "verify", "unknown_path"},
	Actions: []Action{
		{"pay", []string{"notify"}}, {"cancel", nil}, {"expire", nil}, {"refund", nil},
		{"respond_next", []string{"api", "code", "message", "count", "order_id"}},
		{"notify", []string{"variant", "copies", "order_id"}},
	},
	Notify:          variants("valid", "duplicate", "concurrent", "altered", "forged", "unknown_order", "wrong_amount"),
	MerchantActions: []string{"checkout", "order_status", "reconcile"},
	Emulate: Emulate{
		Replaces: "https://astapa.com",
		Credentials: []string{
			"client_id = gateway.partner_id, client_secret = gateway.client_secret (both in the create body, server-side only)",
			"project webhook URL = gateway.notify_url, or POST /_uatrun/dashboard {\"webhook_url\": …}",
			"webhooks are unsigned (Astapa documents none): confirm with GET /api/platform/shop-payment/verify",
		},
		Routes: []Route{
			{"GET", ControlPrefix + "/orders", "shop payments, their status and webhooks"},
			exchangesRoute("webhook"),
			{"GET", ControlPrefix + "/dashboard", "the project webhook URL"},
			{"POST", ControlPrefix + "/dashboard", "change it: {\"webhook_url\": …}"},
			{"POST", ControlPrefix + "/orders/{order_id}/{pay|cancel|expire|refund|notify}", "settle, close or refund a payment; notify?variant=forged sends a crafted webhook"},
			{"POST", ControlPrefix + "/respond_next", "the next call(s) to an API get an error answer"},
			{"GET", "/invoice/{purchase_id}", "the payment page invoice_url points at (Bayar / Batal)"},
			{"GET", "/purchase/callback?order_id={order_id}", "the buyer's landing page after paying"},
		},
	},
	Keys: Keys{None: "Astapa signs nothing with RSA: your client id and secret (gateway.partner_id, gateway.client_secret) authenticate your calls, and its webhooks are unsigned"},
}

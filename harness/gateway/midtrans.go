package gateway

import "time"

var midtrans = Descriptor{
	ID:            "midtrans-snap",
	Name:          "Midtrans Snap",
	Product:       "Midtrans Snap and Core API (HTTP notifications)",
	Emulator:      "midtrans",
	Pack:          "midtrans-snap",
	Starter:       "starter-midtrans-snap.yaml",
	Example:       "examples/midtrans-shop",
	ExampleConfig: "examples/midtrans-shop/uatrun.yaml",
	Doc:           "docs/emulators/midtrans.md",
	// Midtrans documents its retry: 2, 10, 30, 90 and 210 minutes.
	NotifyRetry: []time.Duration{2 * time.Minute, 10 * time.Minute, 30 * time.Minute, 90 * time.Minute, 210 * time.Minute},
	APIs:        []string{"create_transaction", "snap_cancel", "status", "cancel", "expire", "refund", "approve", "deny", "unknown_path"},
	Actions: []Action{
		{"choose", []string{"payment_type", "bank", "store", "notify"}}, {"pay", []string{"payment_type", "bank", "store", "notify"}},
		{"deny", []string{"notify"}}, {"expire", []string{"notify"}}, {"challenge", []string{"notify"}}, {"accept", []string{"notify"}},
		respondNext, {"notify", []string{"variant", "copies", "status", "signature_from"}},
		{"return_shopper", []string{"transaction_status"}}, {"refund_pending", []string{"count", "settle_after"}},
		{"refund_settle", []string{"notify"}}, {"refund_deny", []string{"count"}},
	},
	Notify: variants("valid", "duplicate", "concurrent", "missing_signature", "other_order_signature", "out_of_order",
		"replay", "tampered_amount", "wrong_amount", "wrong_signature"),
	MerchantActions: []string{"checkout", "order_status", "cancel", "refund", "reconcile"},
	Emulate: Emulate{
		Replaces: "https://app.sandbox.midtrans.com and https://api.sandbox.midtrans.com",
		Credentials: []string{
			"server key (Basic auth, and signature_key = SHA-512 over order_id+status_code+gross_amount+server key) = gateway.server_key",
			"notification URL = gateway.notify_url, or POST /_uatrun/dashboard",
		},
		Routes: []Route{
			{"GET", ControlPrefix + "/orders", "transactions, their status and notifications"},
			exchangesRoute("notification"),
			{"GET", ControlPrefix + "/dashboard", "the notification and finish URLs"},
			{"POST", ControlPrefix + "/dashboard", "change them: {\"notify_url\": …, \"finish_url\": …}"},
			{"POST", ControlPrefix + "/orders/{order_id}/{choose|pay|deny|expire|notify|return_shopper}", "settle a transaction; notify sends a crafted notification"},
			{"POST", ControlPrefix + "/respond_next", "the next call(s) to an API get an error answer"},
		},
	},
	Keys: Keys{None: "Midtrans signs nothing with RSA: your server key (gateway.server_key) authenticates your calls and signs notifications (signature_key)"},
}

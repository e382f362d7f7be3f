package astapa

import "github.com/uatrun/uatrun/harness/emulator"

// Describe says how to point an integration at this emulator by hand, for
// uatrun emulate: the host it replaces, the credentials, and its control
// routes and pages (routes.go serves each of them).
func (e *Emulator) Describe() emulator.Description {
	return emulator.Description{
		Replaces: "https://astapa.com",
		Credentials: []string{
			"client_id = gateway.partner_id, client_secret = gateway.client_secret (both in the create body, server-side only)",
			"project webhook URL = gateway.notify_url, or POST /_uatrun/dashboard {\"webhook_url\": …}",
			"webhooks are unsigned (Astapa documents none): confirm with GET /api/platform/shop-payment/verify",
		},
		Links: []emulator.Link{
			{Method: "GET", Path: emulator.ControlPrefix + "/orders", What: "shop payments, their status and webhooks"},
			{Method: "GET", Path: emulator.ControlPrefix + "/exchanges", What: "every request and webhook, both directions"},
			{Method: "GET", Path: emulator.ControlPrefix + "/dashboard", What: "the project webhook URL (POST to change it)"},
			{Method: "POST", Path: emulator.ControlPrefix + "/orders/{order_id}/{pay|cancel|expire|refund|notify}", What: "settle, close or refund a payment; notify?variant=forged sends a crafted webhook"},
			{Method: "POST", Path: emulator.ControlPrefix + "/respond_next", What: "the next call(s) to an API get an error answer"},
			{Method: "GET", Path: "/invoice/{purchase_id}", What: "the payment page invoice_url points at (Bayar / Batal)"},
			{Method: "GET", Path: "/purchase/callback?order_id={order_id}", What: "the buyer's landing page after paying"},
		},
	}
}

var _ emulator.Describer = (*Emulator)(nil)

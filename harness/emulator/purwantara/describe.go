package purwantara

import "github.com/uatrun/uatrun/harness/emulator"

// Describe says how to point an integration at this emulator by hand, for
// uatrun emulate: the sandbox host it replaces, the two secrets, and its
// control routes and simulator (routes.go serves each of them).
func (e *Emulator) Describe() emulator.Description {
	return emulator.Description{
		Replaces: "https://sandbox-api.purwantara.id",
		Credentials: []string{
			"API token (Authorization: Bearer …) = gateway.server_key",
			"webhook secret (Signature = HMAC-SHA256 of the body) = gateway.client_secret",
			"team Callback URL = gateway.notify_url, or POST /_uatrun/dashboard {\"callback_url\": …}",
		},
		Links: []emulator.Link{
			{Method: "GET", Path: emulator.ControlPrefix + "/transactions", What: "transactions, their status and webhooks"},
			{Method: "GET", Path: emulator.ControlPrefix + "/exchanges", What: "every request and webhook, both directions"},
			{Method: "GET", Path: emulator.ControlPrefix + "/dashboard", What: "the team Callback URL (POST to change it)"},
			{Method: "GET", Path: emulator.ControlPrefix + "/callback_url", What: "the same setting, as {\"url\"}"},
			{Method: "POST", Path: emulator.ControlPrefix + "/transactions/{uuid}/{pay|fail|expire|notify|return_shopper}", What: "the payment simulator; notify?variant=wrong_secret sends a crafted webhook; return_shopper?forged=true visits the return URL as the shopper"},
			{Method: "POST", Path: emulator.ControlPrefix + "/respond_next", What: "the next call(s) to an API get an error answer"},
			{Method: "GET", Path: "/simulator/{uuid}", What: "the simulator page (Pay / Fail / Expire) the payment links point at"},
		},
	}
}

var _ emulator.Describer = (*Emulator)(nil)

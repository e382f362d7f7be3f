package session

import (
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator/purwantara"
	"github.com/uatrun/uatrun/harness/evidence"
)

func init() {
	RegisterGateway(purwantara.GatewayName, newPurwantara)
}

// newPurwantara builds the Purwantara emulator. It needs no RSA keys: the
// merchant authenticates with the API token (gateway.server_key) and
// webhooks are signed with the team secret (gateway.client_secret); both
// are redacted from the evidence. gateway.notify_url is the team Callback
// URL.
func newPurwantara(g config.Gateway, _ Keys, clk Clocks, red *evidence.Redactor, version string) (Gateway, error) {
	var retry []time.Duration
	for _, d := range g.NotifyRetry {
		retry = append(retry, d.D())
	}
	return purwantara.New(purwantara.Options{
		Token: g.ServerKey, WebhookSecret: g.ClientSecret, CallbackURL: g.NotifyURL, NotifyRetry: retry,
		Clock: clk.Test, Wall: clk.Wall, Redactor: red, Version: version,
	})
}

package session

import (
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator/astapa"
	"github.com/uatrun/uatrun/harness/evidence"
)

func init() {
	RegisterGateway(astapa.GatewayName, newAstapa)
}

// newAstapa builds the Astapa emulator. gateway.partner_id is the
// project's client_id (merchant_id is accepted too), client_secret its
// secret, notify_url the project webhook URL. No RSA keys are used.
func newAstapa(g config.Gateway, _ Keys, clk Clocks, red *evidence.Redactor, version string) (Gateway, error) {
	var retry []time.Duration
	for _, d := range g.NotifyRetry {
		retry = append(retry, d.D())
	}
	id := g.PartnerID
	if id == "" {
		id = g.MerchantID
	}
	return astapa.New(astapa.Options{
		ClientID: id, ClientSecret: g.ClientSecret, WebhookURL: g.NotifyURL, WebhookRetry: retry,
		Clock: clk.Test, Wall: clk.Wall, Redactor: red, Version: version,
	})
}

package session

import (
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator/gopaymini"
	"github.com/uatrun/uatrun/harness/evidence"
)

func init() {
	RegisterGateway(gopaymini.GatewayName, newGoPayMini)
}

// newGoPayMini builds the GoPay Mini App emulator. gateway.server_key is
// the mini-app credential GoPay emails ("client_id:client_secret", sent as
// HTTP Basic to the token exchange); gateway.partner_id and
// gateway.client_secret are the BI-SNAP client id and secret;
// merchant_public_key verifies the B2B token signature and
// gateway_private_key signs debit notifies. Every secret is redacted.
func newGoPayMini(g config.Gateway, keys Keys, clk Clocks, red *evidence.Redactor, version string) (Gateway, error) {
	var retry []time.Duration
	for _, d := range g.NotifyRetry {
		retry = append(retry, d.D())
	}
	return gopaymini.New(gopaymini.Options{
		MiniAppCredential: g.ServerKey, PartnerID: g.PartnerID, ClientSecret: g.ClientSecret, MerchantID: g.MerchantID,
		MerchantPublicKey: keys.MerchantPublic, GatewayPrivateKey: keys.GatewayPrivate,
		Clock: clk.Test, Wall: clk.Wall, NotifyURL: g.NotifyURL, NotifyRetry: retry,
		TimestampSkew: g.TimestampSkew.D(), Redactor: red, Version: version,
	})
}

package session

import (
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator/dana"
	"github.com/uatrun/uatrun/harness/evidence"
)

func init() {
	RegisterGateway(dana.GatewayName, newDana)
}

func newDana(g config.Gateway, keys Keys, clk Clocks, red *evidence.Redactor, version string) (Gateway, error) {
	var retry []time.Duration
	for _, d := range g.NotifyRetry {
		retry = append(retry, d.D())
	}
	return dana.New(dana.Options{
		PartnerID: g.PartnerID, MerchantID: g.MerchantID,
		MerchantPublicKey: keys.MerchantPublic, GatewayPrivateKey: keys.GatewayPrivate,
		Clock: clk.Test, Wall: clk.Wall, NotifyURL: g.NotifyURL, NotifyRetry: retry,
		ExternalIDReuse: g.ExternalIDReuse, TimestampSkew: g.TimestampSkew.D(),
		ValidUpToMax: g.ValidUpToMax.D(), Redactor: red, Version: version,
	})
}

package session

import (
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator/danawidget"
	"github.com/uatrun/uatrun/harness/evidence"
)

func init() {
	RegisterGateway(danawidget.GatewayName, newDanaWidget)
}

func newDanaWidget(g config.Gateway, keys Keys, clk Clocks, red *evidence.Redactor, version string) (Gateway, error) {
	var retry []time.Duration
	for _, d := range g.NotifyRetry {
		retry = append(retry, d.D())
	}
	return danawidget.New(danawidget.Options{
		PartnerID: g.PartnerID, MerchantID: g.MerchantID,
		MerchantPublicKey: keys.MerchantPublic, GatewayPrivateKey: keys.GatewayPrivate,
		Clock: clk.Test, Wall: clk.Wall, NotifyURL: g.NotifyURL, NotifyRetry: retry,
		TimestampSkew: g.TimestampSkew.D(), ValidUpToMax: g.ValidUpToMax.D(), Redactor: red, Version: version,
	})
}

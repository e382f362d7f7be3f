package session

import (
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator/midtrans"
	"github.com/uatrun/uatrun/harness/evidence"
)

func init() {
	RegisterGateway(midtrans.GatewayName, newMidtrans)
}

// newMidtrans builds the Midtrans emulator. It needs no RSA keys: calls
// authenticate with the server key, which also signs notifications.
func newMidtrans(g config.Gateway, _ Keys, clk Clocks, red *evidence.Redactor, version string) (Gateway, error) {
	var retry []time.Duration
	for _, d := range g.NotifyRetry {
		retry = append(retry, d.D())
	}
	return midtrans.New(midtrans.Options{
		ServerKey: g.ServerKey, MerchantID: g.MerchantID, NotifyURL: g.NotifyURL, NotifyRetry: retry,
		Clock: clk.Test, Wall: clk.Wall, Redactor: red, Version: version,
	})
}

package session

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/dana"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/merchant"
	"github.com/uatrun/uatrun/harness/receiver"
)

// Gateway is an emulator the session can serve.
type Gateway interface {
	emulator.Gateway
	Start(addr string) error
	URL() string
	Close() error
	// PublicKeyPEM is the key the merchant must trust for notifies.
	PublicKeyPEM() []byte
}

// Keys are the parsed keys a gateway emulator needs.
type Keys struct {
	MerchantPublic *rsa.PublicKey
	GatewayPrivate *rsa.PrivateKey
}

// products names what each gateway id emulates, for the evidence.
var products = map[string]string{
	"dana-gapura": "DANA Gapura Hosted Checkout (BI-SNAP Payment Gateway)",
}

// newGateway builds the emulator named in the config.
func newGateway(g config.Gateway, keys Keys, clk clock.Clock, red *evidence.Redactor, version string) (Gateway, error) {
	switch g.Name {
	case "", dana.GatewayName:
		retry := make([]time.Duration, 0, len(g.NotifyRetry))
		for _, d := range g.NotifyRetry {
			retry = append(retry, d.D())
		}
		if len(g.NotifyRetry) == 0 {
			retry = nil
		}
		return dana.New(dana.Options{
			PartnerID: g.PartnerID, MerchantID: g.MerchantID,
			MerchantPublicKey: keys.MerchantPublic, GatewayPrivateKey: keys.GatewayPrivate,
			Clock: clk, NotifyURL: g.NotifyURL, NotifyRetry: retry,
			ExternalIDReuse: g.ExternalIDReuse, TimestampSkew: g.TimestampSkew.D(),
			Redactor: red, Version: version,
		})
	}
	return nil, fmt.Errorf("gateway %q has no emulator yet (available: dana-gapura)", g.Name)
}

// driver adapts merchant.Driver to engine.Merchant, sorting its errors
// into "the run cannot judge" and "the merchant answered".
type driver struct{ d *merchant.Driver }

func (a driver) Has(name string) bool { return a.d.Has(name) }

func (a driver) Call(ctx context.Context, name string, vars map[string]any) (engine.ActionResult, error) {
	r, err := a.d.Do(ctx, name, vars)
	out := engine.ActionResult{Status: r.Status, Body: r.Body, Captures: r.Captures, Exchange: r.Exchange}
	if err == nil {
		return out, nil
	}
	for _, unjudgeable := range []error{merchant.ErrUnreachable, merchant.ErrTimeout, merchant.ErrTooLarge,
		merchant.ErrTemplate, merchant.ErrUnknownAction} {
		if errors.Is(err, unjudgeable) {
			return out, fmt.Errorf("%w: %v", engine.ErrUnjudgeable, err)
		}
	}
	return out, err
}

// callbacks adapts the receiver to engine.Receiver.
type callbacks struct{ r *receiver.Receiver }

func (a callbacks) Callbacks() []engine.Callback {
	got := a.r.Received()
	out := make([]engine.Callback, len(got))
	for i, c := range got {
		out[i] = engine.Callback{Seq: c.Seq, Method: c.Method, Path: c.Path, Query: c.Query,
			Headers: c.Headers, Body: c.Body, Exchange: c.Exchange()}
	}
	return out
}


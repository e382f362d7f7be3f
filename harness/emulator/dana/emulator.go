package dana

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
)

// GatewayName is the id scenarios use for this emulator.
const GatewayName = "dana-gapura"

// External-ID reuse policies for Options.ExternalIDReuse.
const (
	ReuseRecord = "record" // answer normally, record a violation on the Call
	ReuseReject = "reject" // answer 409<svc>00 Conflict
)

// DefaultNotifyRetry is the retry schedule after an unacknowledged finish
// notify. DANA does not publish its schedule (the portal only says it keeps
// retrying for a while); this one is ours and runs on the virtual clock.
var DefaultNotifyRetry = bisnap.DefaultNotifyRetry

// validUpTo limits for Options.ValidUpToMax. DANA's sandbox flow refuses a
// validUpTo more than 30 minutes ahead (dana-go's ValidateValidUpToDate in
// sandbox mode, which DANA's UAT script runs under); DANA's docs allow one
// week in production.
const (
	SandboxValidUpToMax    = 30 * time.Minute
	ProductionValidUpToMax = 7 * 24 * time.Hour
)

// Options configure an Emulator. MerchantPublicKey and GatewayPrivateKey are
// required; everything else has a default.
type Options struct {
	PartnerID, MerchantID string          // expected X-PARTNER-ID and merchantId (empty = accept any)
	MerchantPublicKey     *rsa.PublicKey  // verifies the merchant's X-SIGNATURE
	GatewayPrivateKey     *rsa.PrivateKey // signs finish notifies
	Clock                 clock.Clock     // test clock for gateway timers; default clock.Real{}
	Wall                  clock.Clock     // the merchant's clock: judges X-TIMESTAMP and validUpTo, stamps notifies; default Clock
	NotifyURL             string          // overrides the order's NOTIFICATION url when set
	NotifyRetry           []time.Duration // nil = DefaultNotifyRetry; empty non-nil = no retries
	ExternalIDReuse       string          // ReuseRecord (default) or ReuseReject
	TimestampSkew         time.Duration   // 0 = no skew check
	ValidUpToMax          time.Duration   // refuse validUpTo further ahead of the wall clock; 0 = SandboxValidUpToMax
	Redactor              *evidence.Redactor
	HTTPClient            *http.Client // for notifies and return_shopper; default timeout 8s
	Version               string       // X-Uatrun-Emulator: dana-gapura/<version>
	CheckoutBaseURL       string       // base for webRedirectUrl; default: the emulator's URL
}

// Emulator is an offline, stateful DANA Gapura payment gateway. It is safe
// for concurrent use: the merchant's calls, control actions and the clock's
// timers may all run at once.
type Emulator struct {
	o       Options
	clk     clock.Clock // gateway timers (expiry, cancel window, retries)
	wall    clock.Clock // every time a merchant sends or receives
	client  *http.Client
	version string

	*bisnap.Server // Handler, Start, URL, PublicKeyPEM, Name
	rec            *emulator.Recorder
	retries        *emulator.Retries             // notify retries on the clock
	injected       emulator.Injections[override] // respond_next answers

	mu sync.Mutex
	st state
}

// New validates o and returns an unstarted emulator; Handler works at once.
func New(o Options) (*Emulator, error) {
	if err := checkOptions(&o); err != nil {
		return nil, err
	}
	srv, err := bisnap.NewServer(GatewayName, "dana", o.GatewayPrivateKey, apiNames(), actionNames)
	if err != nil {
		return nil, err
	}
	e := &Emulator{o: o, Server: srv, clk: o.Clock, wall: o.Wall, client: o.HTTPClient,
		version: GatewayName + "/" + o.Version, st: newState()}
	e.rec = emulator.NewRecorder("dana", o.Redactor, o.Clock)
	e.retries = emulator.NewRetries(o.Clock, o.NotifyRetry)
	e.OnClose(e.retries, func() {
		e.mu.Lock()
		e.st.stopTimers()
		e.mu.Unlock()
	})
	e.Serve(e.routes())
	return e, nil
}

// checkOptions fills defaults and refuses options that cannot work.
func checkOptions(o *Options) error {
	if o.MerchantPublicKey == nil {
		return errors.New("dana: Options.MerchantPublicKey is required (it verifies the merchant's X-SIGNATURE)")
	}
	if o.GatewayPrivateKey == nil {
		return errors.New("dana: Options.GatewayPrivateKey is required (it signs finish notifies)")
	}
	switch o.ExternalIDReuse {
	case "":
		o.ExternalIDReuse = ReuseRecord
	case ReuseRecord, ReuseReject:
	default:
		return fmt.Errorf("dana: Options.ExternalIDReuse %q: want %q or %q", o.ExternalIDReuse, ReuseRecord, ReuseReject)
	}
	if o.TimestampSkew < 0 {
		return fmt.Errorf("dana: Options.TimestampSkew %s is negative", o.TimestampSkew)
	}
	switch {
	case o.ValidUpToMax < 0:
		return fmt.Errorf("dana: Options.ValidUpToMax %s is negative", o.ValidUpToMax)
	case o.ValidUpToMax == 0:
		o.ValidUpToMax = SandboxValidUpToMax
	}
	if err := bisnap.CheckNotifyOptions("dana", &o.NotifyRetry, o.NotifyURL); err != nil {
		return err
	}
	o.CheckoutBaseURL = strings.TrimSuffix(o.CheckoutBaseURL, "/")
	emulator.FillDefaults(&o.Clock, &o.Wall, &o.HTTPClient, &o.Version, 8*time.Second)
	return nil
}

var _ emulator.Gateway = (*Emulator)(nil)

// apiNames lists the names Calls accepts.
func apiNames() []string {
	out := make([]string, len(apis))
	for i, a := range apis {
		out[i] = a.name
	}
	return out
}

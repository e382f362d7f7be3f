package danawidget

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
	"github.com/uatrun/uatrun/harness/emulator/dana"
	"github.com/uatrun/uatrun/harness/evidence"
)

// GatewayName is the id scenarios use for this emulator.
const GatewayName = "dana-widget"

// Defaults for the lifetimes DANA does not publish (each a choice recorded
// in docs/emulators/dana-widget.md).
const (
	DefaultAuthCodeTTL     = 10 * time.Minute
	DefaultAccessTokenTTL  = 24 * time.Hour
	DefaultRefreshTokenTTL = 30 * 24 * time.Hour
	DefaultOTTTTL          = 5 * time.Minute
	// DefaultBalance is a new DANA user's balance at the emulator, in cents.
	DefaultBalance = 1_000_000_00
	// DefaultPhone is the DANA user who approves a binding when the OAuth
	// URL carries no seamlessData mobile number.
	DefaultPhone = "081200000001"
	// ValidUpToMax is DANA's sandbox limit on validUpTo (dana-go's
	// ValidateValidUpToDate, which its Widget payment runs too).
	ValidUpToMax = 30 * time.Minute
)

// DefaultNotifyRetry is the retry schedule after an unacknowledged finish
// notify, on the test clock (DANA publishes none).
var DefaultNotifyRetry = bisnap.DefaultNotifyRetry

// Options configure an Emulator. MerchantPublicKey and GatewayPrivateKey
// are required.
type Options struct {
	PartnerID, MerchantID string          // expected X-PARTNER-ID / X-CLIENT-KEY and merchantId (empty = accept any)
	MerchantPublicKey     *rsa.PublicKey  // verifies X-SIGNATURE, seamlessSign and Open API signatures
	GatewayPrivateKey     *rsa.PrivateKey // signs finish notifies and Open API answers
	Clock                 clock.Clock     // test clock: code, token and OTT lifetimes, order expiry, retries
	Wall                  clock.Clock     // the merchant's clock: X-TIMESTAMP, validUpTo, stamps on what it receives
	NotifyURL             string          // overrides the order's NOTIFICATION url
	NotifyRetry           []time.Duration // nil = DefaultNotifyRetry
	TimestampSkew         time.Duration   // 0 = no X-TIMESTAMP skew check
	ValidUpToMax          time.Duration   // 0 = ValidUpToMax (30m)
	AuthCodeTTL           time.Duration   // 0 = DefaultAuthCodeTTL
	AccessTokenTTL        time.Duration   // 0 = DefaultAccessTokenTTL
	RefreshTokenTTL       time.Duration   // 0 = DefaultRefreshTokenTTL
	OTTTTL                time.Duration   // 0 = DefaultOTTTTL
	Redactor              *evidence.Redactor
	HTTPClient            *http.Client // notifies, redirects, return_shopper; default 8s timeout
	Version               string
	BaseURL               string // where OAuth and cashier links point; default the emulator's URL
	// RedirectURLs are the merchant's registered OAuth redirect URLs (as
	// in DANA's merchant dashboard): the approve redirect, and its
	// authCode, goes only to a redirectUrl that starts with one of them.
	// Empty: only loopback addresses (localhost, 127.0.0.0/8, ::1).
	RedirectURLs []string
}

// Emulator is an offline, stateful DANA Widget API: account binding,
// tokens, OTT, widget payment and the order's life after it. It is safe
// for concurrent use.
type Emulator struct {
	o       Options
	clk     clock.Clock
	wall    clock.Clock
	client  *http.Client
	version string
	red     *evidence.Redactor

	*bisnap.Server // Handler, Start, URL, PublicKeyPEM, Name
	rec            *emulator.Recorder
	retries        *emulator.Retries
	injected       emulator.Injections[override]

	// pg is the Payment Gateway (Gapura) API on the same DANA host: its
	// paths are routed to it, its orders acted on through the same control
	// routes (DANA is one host for both products; the UAT script's Widget
	// finish-notify cases create their orders through it).
	pg *dana.Emulator

	mu sync.Mutex
	st state
}

// New validates o and returns an unstarted emulator.
func New(o Options) (*Emulator, error) {
	if o.MerchantPublicKey == nil {
		return nil, errors.New("dana-widget: Options.MerchantPublicKey is required (it verifies the merchant's signatures)")
	}
	if o.GatewayPrivateKey == nil {
		return nil, errors.New("dana-widget: Options.GatewayPrivateKey is required (it signs finish notifies)")
	}
	for _, d := range []*time.Duration{&o.TimestampSkew, &o.ValidUpToMax, &o.AuthCodeTTL, &o.AccessTokenTTL, &o.RefreshTokenTTL, &o.OTTTTL} {
		if *d < 0 {
			return nil, fmt.Errorf("dana-widget: a negative duration in Options (%s)", *d)
		}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.ValidUpToMax, ValidUpToMax)
	def(&o.AuthCodeTTL, DefaultAuthCodeTTL)
	def(&o.AccessTokenTTL, DefaultAccessTokenTTL)
	def(&o.RefreshTokenTTL, DefaultRefreshTokenTTL)
	def(&o.OTTTTL, DefaultOTTTTL)
	if err := bisnap.CheckNotifyOptions("dana-widget", &o.NotifyRetry, o.NotifyURL); err != nil {
		return nil, err
	}
	for i, u := range o.RedirectURLs {
		if err := emulator.CheckAbsURL(u); err != nil {
			return nil, fmt.Errorf("dana-widget: Options.RedirectURLs[%d]: %w", i, err)
		}
	}
	emulator.FillDefaults(&o.Clock, &o.Wall, &o.HTTPClient, &o.Version, 8*time.Second)
	if o.Redactor == nil {
		o.Redactor = evidence.NewRedactor()
	}
	o.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	srv, err := bisnap.NewServer(GatewayName, "dana-widget", o.GatewayPrivateKey, nil, actionNames)
	if err != nil {
		return nil, err
	}
	e := &Emulator{o: o, clk: o.Clock, wall: o.Wall, client: o.HTTPClient, Server: srv, red: o.Redactor,
		version: GatewayName + "/" + o.Version, st: newState()}
	e.pg, err = dana.New(dana.Options{PartnerID: o.PartnerID, MerchantID: o.MerchantID, MerchantPublicKey: o.MerchantPublicKey,
		GatewayPrivateKey: o.GatewayPrivateKey, Clock: o.Clock, Wall: o.Wall, NotifyURL: o.NotifyURL, NotifyRetry: o.NotifyRetry,
		TimestampSkew: o.TimestampSkew, ValidUpToMax: o.ValidUpToMax, Redactor: o.Redactor, HTTPClient: o.HTTPClient,
		Version: o.Version, CheckoutBaseURL: o.BaseURL})
	if err != nil {
		return nil, fmt.Errorf("dana-widget: the Payment Gateway API on the same host: %w", err)
	}
	e.rec = emulator.NewRecorder("danaw", o.Redactor, o.Clock)
	e.retries = emulator.NewRetries(o.Clock, o.NotifyRetry)
	e.OnClose(e.retries, func() {
		_ = e.pg.Close()
		e.mu.Lock()
		e.st.orders.Each(func(o *order) { o.stopExpiry() })
		e.mu.Unlock()
	})
	e.Serve(e.routes())
	return e, nil
}

// APIs lists the names Calls accepts: the Widget APIs, the OAuth page,
// and the Payment Gateway APIs served on the same host.
func (e *Emulator) APIs() []string {
	out := make([]string, 0, len(services)+8)
	for _, s := range services {
		out = append(out, s.Name)
	}
	out = append(out, APIOAuth)
	for _, a := range e.pg.APIs() {
		if !bisnap.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// PaymentGateway is the Payment Gateway (Gapura) API served on the same
// host.
func (e *Emulator) PaymentGateway() *dana.Emulator { return e.pg }

// secret registers an issued code or token with the redactor, so it never
// reaches evidence.
func (e *Emulator) secret(v string) { e.red.AddIssued(v) }

var _ emulator.Gateway = (*Emulator)(nil)

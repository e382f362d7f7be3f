package gopaymini

import (
	"crypto/rsa"
	"encoding/base64"
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
const GatewayName = "gopay-miniapp"

// Defaults for Options.
const (
	// AuthCodeValidity is how long a getAuthCode code may be exchanged:
	// six minutes (the GoPay Mini App guide's FAQ and Midtrans' User
	// Authentication v2 page; an older page says five).
	AuthCodeValidity = 6 * time.Minute
	// B2BTokenValidity is the BI-SNAP B2B access token's expiresIn (900
	// seconds in Midtrans' own client).
	B2BTokenValidity = 900 * time.Second
	// DefaultWalletBalance is the merchant's GoPay Coins wallet at start.
	DefaultWalletBalance = 1_000_000
	// NotifyChannelID is the CHANNEL-ID the emulator's notifies carry
	// (our choice; Midtrans does not publish the one it sends).
	NotifyChannelID = "95051"
)

// PoP ID policies for Options.PopIDMissing.
const (
	PopIDReject = "reject" // answer 4005402 Invalid Mandatory Field additionalInfo.popId
	PopIDRecord = "record" // accept, record a violation on the call
)

// DefaultNotifyRetry is the retry schedule of an unacknowledged debit
// notify. Midtrans does not publish one for BI-SNAP; this is ours.
var DefaultNotifyRetry = bisnap.DefaultNotifyRetry

// Options configure an Emulator. MerchantPublicKey, GatewayPrivateKey,
// ClientSecret and MiniAppCredential are required.
type Options struct {
	// MiniAppCredential is what GoPay emails the merchant for the token
	// exchange, "client_id:client_secret"; the merchant sends it as
	// Authorization: Basic base64(MiniAppCredential).
	MiniAppCredential string
	// PartnerID is the BI-SNAP client id (X-CLIENT-KEY, X-PARTNER-ID);
	// empty accepts any.
	PartnerID string
	// ClientSecret is the BI-SNAP client secret: it keys the HMAC-SHA512
	// signature of transaction calls.
	ClientSecret string
	// MerchantID is the expected merchantId (empty accepts any).
	MerchantID string
	// PopID is the expected PoP ID (empty accepts any non-empty one).
	PopID string
	// PopIDMissing is what a payment without a PoP ID gets: PopIDReject
	// (default) or PopIDRecord.
	PopIDMissing      string
	MerchantPublicKey *rsa.PublicKey  // verifies the B2B token's X-SIGNATURE
	GatewayPrivateKey *rsa.PrivateKey // signs debit notifies
	Clock             clock.Clock     // test clock: auth-code validity, token expiry, payment expiry, retries
	Wall              clock.Clock     // the merchant's clock: judges X-TIMESTAMP and validUpTo, stamps notifies
	NotifyURL         string          // the notify URL set up with Midtrans; else the payment's NOTIFICATION urlParam
	NotifyRetry       []time.Duration // nil = DefaultNotifyRetry; empty non-nil = no retries
	TimestampSkew     time.Duration   // 0 = no X-TIMESTAMP skew check
	WalletBalance     int64           // GoPay Coins the merchant's wallet holds at start; 0 = DefaultWalletBalance
	Redactor          *evidence.Redactor
	HTTPClient        *http.Client // notifies and shopper visits; default timeout 8s
	Version           string
	PageBaseURL       string // base of webRedirectUrl; default the emulator's URL
}

// Emulator is an offline, stateful GoPay Mini App backend with Midtrans'
// BI-SNAP payments. It is safe for concurrent use.
type Emulator struct {
	o       Options
	clk     clock.Clock
	wall    clock.Clock
	client  *http.Client
	version string
	basic   string // the expected Authorization value of the token exchange

	*bisnap.Server // Handler, Start, URL, PublicKeyPEM, Name
	rec            *emulator.Recorder
	retries        *emulator.Retries
	injected       emulator.Injections[override]

	mu sync.Mutex
	st state
}

// New validates o and returns an unstarted emulator; Handler works at once.
func New(o Options) (*Emulator, error) {
	if err := checkOptions(&o); err != nil {
		return nil, err
	}
	srv, err := bisnap.NewServer(GatewayName, "gopay-miniapp", o.GatewayPrivateKey, apiNames(), actionNames)
	if err != nil {
		return nil, err
	}
	e := &Emulator{o: o, clk: o.Clock, wall: o.Wall, client: o.HTTPClient, Server: srv, version: GatewayName + "/" + o.Version,
		basic: "Basic " + base64.StdEncoding.EncodeToString([]byte(o.MiniAppCredential)),
		st:    newState(o.WalletBalance)}
	e.rec = emulator.NewRecorder("gopay", o.Redactor, o.Clock)
	e.retries = emulator.NewRetries(o.Clock, o.NotifyRetry)
	e.OnClose(e.retries, func() {
		e.mu.Lock()
		e.st.stopTimers()
		e.mu.Unlock()
	})
	e.Serve(e.routes())
	return e, nil
}

func checkOptions(o *Options) error {
	switch {
	case o.MerchantPublicKey == nil:
		return errors.New("gopay-miniapp: Options.MerchantPublicKey is required (it verifies the B2B access-token signature)")
	case o.GatewayPrivateKey == nil:
		return errors.New("gopay-miniapp: Options.GatewayPrivateKey is required (it signs debit notifies)")
	case o.ClientSecret == "":
		return errors.New("gopay-miniapp: Options.ClientSecret is required (gateway.client_secret: the BI-SNAP client secret that keys transaction signatures)")
	case o.MiniAppCredential == "":
		return errors.New("gopay-miniapp: Options.MiniAppCredential is required (gateway.server_key: the mini-app credential \"client_id:client_secret\" GoPay emails)")
	case !strings.Contains(o.MiniAppCredential, ":"):
		return errors.New("gopay-miniapp: Options.MiniAppCredential must read \"client_id:client_secret\" (it is sent as HTTP Basic)")
	case o.TimestampSkew < 0:
		return fmt.Errorf("gopay-miniapp: Options.TimestampSkew %s is negative", o.TimestampSkew)
	case o.WalletBalance < 0:
		return fmt.Errorf("gopay-miniapp: Options.WalletBalance %d is negative", o.WalletBalance)
	}
	switch o.PopIDMissing {
	case "":
		o.PopIDMissing = PopIDReject
	case PopIDReject, PopIDRecord:
	default:
		return fmt.Errorf("gopay-miniapp: Options.PopIDMissing %q: want %q or %q", o.PopIDMissing, PopIDReject, PopIDRecord)
	}
	if err := bisnap.CheckNotifyOptions("gopay-miniapp", &o.NotifyRetry, o.NotifyURL); err != nil {
		return err
	}
	if o.WalletBalance == 0 {
		o.WalletBalance = DefaultWalletBalance
	}
	o.PageBaseURL = strings.TrimSuffix(o.PageBaseURL, "/")
	emulator.FillDefaults(&o.Clock, &o.Wall, &o.HTTPClient, &o.Version, 8*time.Second)
	return nil
}

// apiNames lists the names Calls accepts.
func apiNames() []string {
	out := make([]string, len(apis))
	for i, a := range apis {
		out[i] = a.name
	}
	return out
}

// Calls returns the merchant's calls to one API, in arrival order.
func (e *Emulator) Calls(api string) []emulator.Call { return e.rec.Calls(api) }

// Exchanges returns every exchange, in the order they completed.
func (e *Emulator) Exchanges() []evidence.Exchange { return e.rec.Exchanges() }

// Deliveries returns every notify delivered for a payment (by
// partnerReferenceNo), oldest first.
func (e *Emulator) Deliveries(ref string) []emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.byPartnerRef[ref]
	if p == nil {
		return nil
	}
	return append([]emulator.Delivery(nil), p.deliveries...)
}

var _ emulator.Gateway = (*Emulator)(nil)

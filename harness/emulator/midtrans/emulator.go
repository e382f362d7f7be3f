package midtrans

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// GatewayName is the id scenarios use for this emulator.
const GatewayName = "midtrans-snap"

// DefaultExpiry is how long a Snap page (token) stays open when the
// request carries neither page_expiry nor expiry. Midtrans documents 24
// hours for Snap tokens; once the shopper chooses a method its own
// payment window applies (channels.go, methodExpiry).
const DefaultExpiry = 24 * time.Hour

// DefaultNotifyRetry is Midtrans' published retry schedule after a
// notification that was not acknowledged: 2, 10, 30, 90 and 210 minutes
// (HTTP(S) Notification / Webhooks, best practices). Midtrans adds a
// random shift of up to the interval; the emulator does not, so runs are
// reproducible. How many of these run depends on the answer (retriesFor).
var DefaultNotifyRetry = []time.Duration{
	2 * time.Minute, 10 * time.Minute, 30 * time.Minute, 90 * time.Minute, 210 * time.Minute,
}

// DefaultEventNotifyDelay is how long after a cancel, expire, refund,
// approve or deny call the notification for it is sent, on the test clock.
// Midtrans sends these asynchronously and publishes no delay.
const DefaultEventNotifyDelay = 5 * time.Second

// DefaultBankConfirmDelay is how long after a refund's first
// notification the bank's confirmation (the second notification, with
// bank_confirmed_at) is sent, on the test clock. Midtrans documents the
// two notifications but no delay.
const DefaultBankConfirmDelay = time.Hour

// DefaultCardSettlement is how long a card capture accepted by fraud
// detection stays capture before it settles, on the test clock. Midtrans
// settles card captures in a batch and publishes no delay; pay settles
// one at once.
const DefaultCardSettlement = 24 * time.Hour

// DefaultMerchantID is the merchant_id in answers and notifications when
// Options.MerchantID is empty.
const DefaultMerchantID = "G000000001"

// Options configure an Emulator. ServerKey is required.
type Options struct {
	ServerKey   string          // the Basic-auth username every call must carry; signs notifications
	MerchantID  string          // merchant_id in answers and notifications
	NotifyURL   string          // the dashboard's Payment Notification URL
	NotifyRetry []time.Duration // nil = DefaultNotifyRetry; empty non-nil = no retries
	// EventNotifyDelay: see DefaultEventNotifyDelay (0 = the default).
	EventNotifyDelay time.Duration
	// BankConfirmDelay: see DefaultBankConfirmDelay (0 = the default).
	BankConfirmDelay time.Duration
	// CardSettlement: see DefaultCardSettlement (0 = the default).
	CardSettlement time.Duration
	// FinishURL is the dashboard's Finish Redirect URL, used when a Snap
	// request has no callbacks.finish.
	FinishURL  string
	Clock      clock.Clock // test clock for gateway timers; default clock.Real{}
	Wall       clock.Clock // the merchant's clock: judges the times it sends; default Clock
	Redactor   *evidence.Redactor
	HTTPClient *http.Client // for notifications and the shopper's browser; default timeout 15s
	Version    string       // X-Uatrun-Emulator: midtrans-snap/<version>
	// PublicBaseURL is the base of redirect_url; default: the emulator's URL.
	PublicBaseURL string
}

// Emulator is an offline, stateful Midtrans Snap + Core API gateway. It is
// safe for concurrent use: the merchant's calls, control actions and the
// clock's timers may all run at once.
type Emulator struct {
	o       Options
	clk     clock.Clock // gateway timers (expiry, retries)
	wall    clock.Clock // every time a merchant sends or receives
	client  *http.Client
	engine  *gin.Engine
	version string

	host     emulator.Host
	rec      *emulator.Recorder
	retries  *emulator.Retries             // notification retries on the clock
	injected emulator.Injections[override] // respond_next answers

	mu   sync.Mutex
	st   state
	dash dashboard
}

// dashboard holds the settings a merchant makes in Midtrans' dashboard
// (SETTINGS > CONFIGURATION); they can change while the emulator runs.
type dashboard struct {
	notifyURL, finishURL string
}

// New validates o and returns an unstarted emulator; Handler works at once.
func New(o Options) (*Emulator, error) {
	if err := checkOptions(&o); err != nil {
		return nil, err
	}
	o.Redactor.Add(o.ServerKey)
	e := &Emulator{o: o, host: emulator.Host{Name: "midtrans"}, clk: o.Clock, wall: o.Wall, client: o.HTTPClient,
		version: GatewayName + "/" + o.Version, st: newState(),
		dash: dashboard{notifyURL: o.NotifyURL, finishURL: o.FinishURL}}
	e.rec = emulator.NewRecorder("midtrans", o.Redactor, o.Clock)
	e.retries = emulator.NewRetries(o.Clock, o.NotifyRetry)
	e.engine = e.routes()
	return e, nil
}

// checkOptions fills defaults and refuses options that cannot work.
func checkOptions(o *Options) error {
	if strings.TrimSpace(o.ServerKey) == "" {
		return errors.New("midtrans: Options.ServerKey is required (calls authenticate with it and notifications are signed with it)")
	}
	if strings.ContainsAny(o.ServerKey, " \t\r\n") {
		return errors.New("midtrans: Options.ServerKey contains white space; midtrans-go refuses such keys")
	}
	if o.NotifyRetry == nil {
		o.NotifyRetry = DefaultNotifyRetry
	}
	for i, d := range o.NotifyRetry {
		if d <= 0 {
			return fmt.Errorf("midtrans: Options.NotifyRetry[%d] = %s: each retry delay must be positive", i, d)
		}
	}
	for name, u := range map[string]string{"NotifyURL": o.NotifyURL, "FinishURL": o.FinishURL, "PublicBaseURL": o.PublicBaseURL} {
		if u == "" {
			continue
		}
		if err := emulator.CheckAbsURL(u); err != nil {
			return fmt.Errorf("midtrans: Options.%s: %w", name, err)
		}
	}
	o.PublicBaseURL = strings.TrimSuffix(o.PublicBaseURL, "/")
	if o.EventNotifyDelay <= 0 {
		o.EventNotifyDelay = DefaultEventNotifyDelay
	}
	if o.BankConfirmDelay <= 0 {
		o.BankConfirmDelay = DefaultBankConfirmDelay
	}
	if o.CardSettlement <= 0 {
		o.CardSettlement = DefaultCardSettlement
	}
	if o.MerchantID == "" {
		o.MerchantID = DefaultMerchantID
	}
	emulator.FillDefaults(&o.Clock, &o.Wall, &o.HTTPClient, &o.Version, 15*time.Second)
	return nil
}

// Handler serves the Snap and Core APIs, the hosted payment page and the
// /_uatrun/ control API.
func (e *Emulator) Handler() http.Handler { return e.engine }

// Start serves on addr ("" = 127.0.0.1:0) in the background.
func (e *Emulator) Start(addr string) error { return e.host.Start(addr, e.engine) }

// URL is the base URL that stands in for both api.sandbox.midtrans.com and
// app.sandbox.midtrans.com, or "" before Start.
func (e *Emulator) URL() string { return e.host.URL() }

// Close stops the server and every pending expiry and retry timer.
func (e *Emulator) Close() error {
	e.retries.Stop()
	e.mu.Lock()
	e.st.stopTimers()
	e.mu.Unlock()
	return e.host.Close()
}

// PublicKeyPEM is nil: Midtrans signs notifications with the merchant's
// own server key (signature_key), not with a key pair.
func (e *Emulator) PublicKeyPEM() []byte { return nil }

// Name is the gateway id, "midtrans-snap".
func (e *Emulator) Name() string { return GatewayName }

// APIs lists the names Calls accepts.
func (e *Emulator) APIs() []string { return append([]string(nil), apiNames...) }

// Actions lists the names Act accepts.
func (e *Emulator) Actions() []string { return append([]string(nil), actionNames...) }

var _ emulator.Gateway = (*Emulator)(nil)

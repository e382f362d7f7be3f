package purwantara

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
const GatewayName = "purwantara"

// DefaultNotifyRetry is the retry schedule after an unacknowledged webhook.
// Purwantara publishes none; this one is ours and runs on the virtual clock.
var DefaultNotifyRetry = []time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour,
}

// Defaults for the lifecycle.
const (
	// DefaultExpiry is how long a transaction stays ACTIVE when the create
	// request names no expiry (or the channel takes none).
	DefaultExpiry = 24 * time.Hour
	// DefaultMaxValidity is how far ahead an expiry may be before the call
	// is recorded with a violation (it is still accepted).
	DefaultMaxValidity = 30 * 24 * time.Hour
)

// DefaultErrorCodes are the error.code values answered per HTTP status.
// Purwantara publishes the error object's shape ({"code","message"}, code a
// string) but not its values; these are ours. Options.ErrorCodes overrides
// them; a status in neither table answers its status text in upper snake
// case ("Payment Required" → "PAYMENT_REQUIRED").
var DefaultErrorCodes = map[int]string{
	http.StatusBadRequest:            "BAD_REQUEST",
	http.StatusUnauthorized:          "UNAUTHENTICATED",
	http.StatusNotFound:              "NOT_FOUND",
	http.StatusRequestEntityTooLarge: "PAYLOAD_TOO_LARGE",
	http.StatusUnprocessableEntity:   "VALIDATION_ERROR",
	http.StatusTooManyRequests:       "TOO_MANY_REQUESTS",
	http.StatusInternalServerError:   "INTERNAL_SERVER_ERROR",
}

// Options configure an Emulator. Token and WebhookSecret are required.
type Options struct {
	// Token is the API token the merchant sends as "Authorization: Bearer
	// <token>" (Settings > API). In uatrun's config it is gateway.server_key.
	Token string
	// WebhookSecret is the team secret the webhooks are HMAC-signed with.
	// In uatrun's config it is gateway.client_secret.
	WebhookSecret string
	// CallbackURL is the team's Callback URL (Settings > Team); it can also
	// be set later with SetCallbackURL or POST /_uatrun/callback_url.
	CallbackURL string
	Clock       clock.Clock     // test clock for gateway timers; default clock.Real{}
	Wall        clock.Clock     // the merchant's clock: judges the times it sends; default Clock
	NotifyRetry []time.Duration // nil = DefaultNotifyRetry; empty non-nil = no retries
	// Expiry is the validity of a transaction created without one; 0 =
	// DefaultExpiry. MaxValidity bounds a requested expiry; 0 =
	// DefaultMaxValidity.
	Expiry, MaxValidity time.Duration
	// SkipCreateWebhook turns off the ACTIVE webhook sent after each
	// create (Purwantara's only published sample payload is ACTIVE, so by
	// default creation counts as a change and is notified).
	SkipCreateWebhook bool
	Redactor          *evidence.Redactor
	HTTPClient        *http.Client // for webhooks; default timeout 10 s
	Version           string       // X-Uatrun-Emulator: purwantara/<version>
	// PublicBaseURL is the base of payment_link_url, qr_url and the
	// simulator links; default: the emulator's own URL.
	PublicBaseURL string
	// ErrorCodes overrides DefaultErrorCodes: the error.code answered for
	// an HTTP status.
	ErrorCodes map[int]string
}

// Emulator is an offline, stateful Purwantara payment API. It is safe for
// concurrent use: merchant calls, control actions and clock timers may all
// run at once.
type Emulator struct {
	o       Options
	clk     clock.Clock // gateway timers (expiry, retries)
	wall    clock.Clock // every time a merchant sends or receives
	client  *http.Client
	engine  *gin.Engine
	version string

	host    emulator.Host
	rec     *emulator.Recorder
	retries *emulator.Retries // webhook retries on the clock; stopped for good by Close

	// async tracks create webhooks sent after the answer, so Close can
	// wait for them.
	async sync.WaitGroup

	injected emulator.Injections[override] // respond_next answers

	mu sync.Mutex
	st state
}

// New validates o and returns an unstarted emulator; Handler works at once.
func New(o Options) (*Emulator, error) {
	if err := checkOptions(&o); err != nil {
		return nil, err
	}
	o.Redactor.Add(o.Token)
	o.Redactor.Add(o.WebhookSecret)
	e := &Emulator{o: o, host: emulator.Host{Name: "purwantara"}, clk: o.Clock, wall: o.Wall, client: o.HTTPClient, version: GatewayName + "/" + o.Version, st: newState()}
	e.st.callbackURL = o.CallbackURL
	e.rec = emulator.NewRecorder("purwantara", o.Redactor, o.Clock)
	e.retries = emulator.NewRetries(o.Clock, o.NotifyRetry)
	e.engine = e.routes()
	return e, nil
}

// checkOptions fills defaults and refuses options that cannot work.
func checkOptions(o *Options) error {
	var errs []error
	if strings.TrimSpace(o.Token) == "" {
		errs = append(errs, errors.New("purwantara: Options.Token is required (the API token merchants send as Bearer; gateway.server_key in the config)"))
	}
	if strings.TrimSpace(o.WebhookSecret) == "" {
		errs = append(errs, errors.New("purwantara: Options.WebhookSecret is required (the team secret webhooks are signed with; gateway.client_secret in the config)"))
	}
	if o.Token != "" && o.Token == o.WebhookSecret {
		errs = append(errs, errors.New("purwantara: the API token and the webhook secret must differ, or a merchant that mixes them up cannot be caught"))
	}
	if o.CallbackURL != "" {
		if err := emulator.CheckAbsURL(o.CallbackURL); err != nil {
			errs = append(errs, fmt.Errorf("purwantara: Options.CallbackURL: %w", err))
		}
	}
	if o.NotifyRetry == nil {
		o.NotifyRetry = DefaultNotifyRetry
	}
	for i, d := range o.NotifyRetry {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("purwantara: Options.NotifyRetry[%d] = %s: each retry delay must be positive", i, d))
		}
	}
	if o.Expiry < 0 || o.MaxValidity < 0 {
		errs = append(errs, errors.New("purwantara: Options.Expiry and MaxValidity must not be negative"))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	fillDefaults(o)
	return nil
}

func fillDefaults(o *Options) {
	if o.Expiry == 0 {
		o.Expiry = DefaultExpiry
	}
	if o.MaxValidity == 0 {
		o.MaxValidity = DefaultMaxValidity
	}
	emulator.FillDefaults(&o.Clock, &o.Wall, &o.HTTPClient, &o.Version, 10*time.Second)
	o.PublicBaseURL = strings.TrimSuffix(o.PublicBaseURL, "/")
}

// Handler is the gin engine serving the API, the simulator and /_uatrun/.
func (e *Emulator) Handler() http.Handler { return e.engine }

// Start serves on addr ("" = 127.0.0.1:0) in the background.
func (e *Emulator) Start(addr string) error { return e.host.Start(addr, e.engine) }

// URL is the base URL the merchant uses in place of
// https://sandbox-api.purwantara.id, or "" before Start. The merchant
// appends /v1/{channel} as it would to the real host.
func (e *Emulator) URL() string { return e.host.URL() }

// Close stops the server, every expiry and retry timer, and waits for
// webhooks already on their way.
func (e *Emulator) Close() error {
	e.retries.Stop()
	e.mu.Lock()
	e.st.closed = true
	e.st.stopTimers()
	e.mu.Unlock()
	err := e.host.Close()
	e.async.Wait()
	return err
}

// SetCallbackURL sets the team Callback URL webhooks go to ("" = none).
func (e *Emulator) SetCallbackURL(u string) error {
	if u != "" {
		if err := emulator.CheckAbsURL(u); err != nil {
			return fmt.Errorf("purwantara: callback URL: %w", err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.callbackURL = u
	return nil
}

// CallbackURL is the current team Callback URL.
func (e *Emulator) CallbackURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.callbackURL
}

// PublicKeyPEM is nil: Purwantara signs webhooks with a shared HMAC
// secret, so there is no public key for the merchant to trust.
func (e *Emulator) PublicKeyPEM() []byte { return nil }

// Name is the gateway id, "purwantara".
func (e *Emulator) Name() string { return GatewayName }

// APIs lists the names Calls accepts.
func (e *Emulator) APIs() []string {
	out := []string{APICreate}
	for _, c := range channels {
		out = append(out, c.api)
	}
	return append(out, APIInquiry, APICancel, APIList, APIUnknown)
}

// Actions lists the names Act accepts.
func (e *Emulator) Actions() []string { return append([]string(nil), actionNames...) }

// errorCode is error.code for an HTTP error status.
func (e *Emulator) errorCode(status int) string {
	if c, ok := e.o.ErrorCodes[status]; ok {
		return c
	}
	if c, ok := DefaultErrorCodes[status]; ok {
		return c
	}
	if t := http.StatusText(status); t != "" {
		return strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_", "'", "").Replace(t))
	}
	return "ERROR"
}

// base is the public base URL for links handed to shoppers.
func (e *Emulator) base(r *http.Request) string {
	if e.o.PublicBaseURL != "" {
		return e.o.PublicBaseURL
	}
	if u := e.URL(); u != "" {
		return u
	}
	if r != nil {
		return "http://" + r.Host
	}
	return "http://127.0.0.1"
}

var _ emulator.Gateway = (*Emulator)(nil)

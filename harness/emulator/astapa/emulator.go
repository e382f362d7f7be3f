package astapa

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
const GatewayName = "astapa"

// DefaultExpiry is how long a shop payment stays payable. Astapa does not
// say; the Midtrans transaction behind it defaults to 24 hours.
const DefaultExpiry = 24 * time.Hour

// DefaultWebhookRetry is the retry schedule after an item.purchased webhook
// that was not answered with 2xx. Astapa publishes no retry policy; this
// one is ours and runs on the virtual clock.
var DefaultWebhookRetry = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute}

// Options configure an Emulator. ClientID and ClientSecret are required.
type Options struct {
	ClientID, ClientSecret string          // the project's credentials, sent in the create body
	WebhookURL             string          // the project-level webhook URL ("" = no webhook, as in Astapa)
	WebhookRetry           []time.Duration // nil = DefaultWebhookRetry; empty non-nil = no retries
	StoreName              string          // store_name on verify when metadata has none
	Clock                  clock.Clock     // test clock for gateway timers; default clock.Real{}
	Wall                   clock.Clock     // the merchant's clock: judges the times it sends; default Clock
	Redactor               *evidence.Redactor
	HTTPClient             *http.Client // for webhooks; default timeout 15s
	Version                string       // X-Uatrun-Emulator: astapa/<version>
	PublicBaseURL          string       // base of invoice_url; default: the emulator's URL
}

// Emulator is an offline, stateful Astapa shop-payment gateway (with the
// Midtrans payment behind it reduced to control actions). It is safe for
// concurrent use.
type Emulator struct {
	o       Options
	clk     clock.Clock // gateway timers (expiry, retries)
	wall    clock.Clock // every time a merchant sends or receives
	client  *http.Client
	engine  *gin.Engine
	version string

	host     emulator.Host
	rec      *emulator.Recorder
	retries  *emulator.Retries             // webhook retries on the clock
	injected emulator.Injections[override] // respond_next answers

	mu         sync.Mutex
	st         state
	webhookURL string // the project setting; it can change while running
}

// New validates o and returns an unstarted emulator; Handler works at once.
func New(o Options) (*Emulator, error) {
	if err := checkOptions(&o); err != nil {
		return nil, err
	}
	// The secret travels in the request body; it must never reach evidence.
	o.Redactor.Add(o.ClientSecret)
	e := &Emulator{o: o, host: emulator.Host{Name: "astapa"}, clk: o.Clock, wall: o.Wall, client: o.HTTPClient, version: GatewayName + "/" + o.Version,
		st: newState(), webhookURL: o.WebhookURL}
	e.rec = emulator.NewRecorder("astapa", o.Redactor, o.Clock)
	e.retries = emulator.NewRetries(o.Clock, o.WebhookRetry)
	e.engine = e.routes()
	return e, nil
}

func checkOptions(o *Options) error {
	if strings.TrimSpace(o.ClientID) == "" || strings.TrimSpace(o.ClientSecret) == "" {
		return errors.New("astapa: Options.ClientID and Options.ClientSecret are required (the create call carries them in its body)")
	}
	if o.WebhookRetry == nil {
		o.WebhookRetry = DefaultWebhookRetry
	}
	for i, d := range o.WebhookRetry {
		if d <= 0 {
			return fmt.Errorf("astapa: Options.WebhookRetry[%d] = %s: each retry delay must be positive", i, d)
		}
	}
	for name, u := range map[string]string{"WebhookURL": o.WebhookURL, "PublicBaseURL": o.PublicBaseURL} {
		if u == "" {
			continue
		}
		if err := emulator.CheckAbsURL(u); err != nil {
			return fmt.Errorf("astapa: Options.%s: %w", name, err)
		}
	}
	o.PublicBaseURL = strings.TrimSuffix(o.PublicBaseURL, "/")
	if o.StoreName == "" {
		o.StoreName = "uatrun demo store"
	}
	emulator.FillDefaults(&o.Clock, &o.Wall, &o.HTTPClient, &o.Version, 15*time.Second)
	return nil
}

// Handler serves the Astapa API, the invoice page and /_uatrun/.
func (e *Emulator) Handler() http.Handler { return e.engine }

// Start serves on addr ("" = 127.0.0.1:0) in the background.
func (e *Emulator) Start(addr string) error { return e.host.Start(addr, e.engine) }

// URL is the base URL standing in for https://astapa.com, or "" before Start.
func (e *Emulator) URL() string { return e.host.URL() }

// Close stops the server and every pending timer.
func (e *Emulator) Close() error {
	e.retries.Stop()
	e.mu.Lock()
	e.st.stopTimers()
	e.mu.Unlock()
	return e.host.Close()
}

// PublicKeyPEM is nil: Astapa's webhooks carry no signature.
func (e *Emulator) PublicKeyPEM() []byte { return nil }

// Name is the gateway id, "astapa".
func (e *Emulator) Name() string { return GatewayName }

// APIs lists the names Calls accepts.
func (e *Emulator) APIs() []string { return append([]string(nil), apiNames...) }

// Actions lists the names Act accepts.
func (e *Emulator) Actions() []string { return append([]string(nil), actionNames...) }

var _ emulator.Gateway = (*Emulator)(nil)

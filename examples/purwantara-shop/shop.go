package purwantarashop

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

// WebhookPath is where the shop receives Purwantara's webhooks: register
// <public URL>/webhooks/purwantara as the team Callback URL.
const WebhookPath = "/webhooks/purwantara"

// Config is everything the shop needs to talk to Purwantara and to run.
type Config struct {
	// GatewayURL is Purwantara's API base without /v1, e.g.
	// https://sandbox-api.purwantara.id or the uatrun emulator.
	GatewayURL string
	// PublicURL is the shop's own base URL (return URLs); when empty, call
	// SetPublicURL once listening.
	PublicURL string
	// APIToken is sent as the Bearer token (Settings > API).
	APIToken string
	// WebhookSecret is the team secret webhooks are signed with.
	WebhookSecret string
	// DBPath is the SQLite file; "" is a private in-memory database.
	DBPath string
	// Faults are names from Faults(); an unknown name is an error from New.
	Faults []string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// HTTPClient calls Purwantara and the fulfilment webhook; default 10 s
	// timeout.
	HTTPClient *http.Client
	// FulfilmentWebhook, when set, receives a POST
	// {"event":"order.fulfilled","order_id":…,"amount":…} per fulfilment.
	FulfilmentWebhook string
	// StoreName (VA and counter display name), Bank (VA), Outlet (counter)
	// and CustomerPhone (OVO push, QRIS) have demo defaults.
	StoreName, Bank, Outlet, CustomerPhone string
	// Validity is how long a payment may be made; default 1 h.
	Validity time.Duration
	// Logger receives operational logs (never secrets); default discards.
	Logger *slog.Logger
	// QueueDelay, when positive, makes the shop a queue-based design: a
	// webhook is authenticated and checked (order, transaction, amount,
	// status) in the request and answered 200 at once, and a worker books
	// and fulfils it QueueDelay later, re-reading the order first. 0 books
	// it within the request.
	QueueDelay time.Duration
}

// Shop is the reference merchant: an http.Handler plus its database.
type Shop struct {
	cfg     Config
	faults  faultSet
	store   *store
	gw      *gatewayClient
	log     *slog.Logger
	handler http.Handler
	queue   *jobqueue.Queue // nil unless Config.QueueDelay > 0

	mu        sync.RWMutex
	publicURL string

	// sigCache holds Signatures the signature-cache faults have seen
	// verify; a correct shop never reads it.
	sigMu    sync.Mutex
	sigCache map[string]bool
	// cartRef is the one reference the reuse-reference fault sends.
	cartRef string
}

// New validates cfg, opens the database and builds the HTTP handler.
func New(cfg Config) (*Shop, error) {
	cfg = withDefaults(cfg)
	if err := validate(cfg); err != nil {
		return nil, err
	}
	faults, err := newFaultSet(cfg.Faults)
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg.DBPath, cfg.Now)
	if err != nil {
		return nil, err
	}
	token := cfg.APIToken
	if faults.on(faultBearerWebhookSecret) {
		token = cfg.WebhookSecret
	}
	s := &Shop{cfg: cfg, faults: faults, store: st, log: cfg.Logger, publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		gw:       &gatewayClient{baseURL: cfg.GatewayURL, token: token, http: cfg.HTTPClient},
		sigCache: map[string]bool{}, cartRef: "CART-" + randomHex(6)}
	s.handler = s.routes()
	if cfg.QueueDelay > 0 {
		s.queue = jobqueue.New(cfg.QueueDelay, jobqueue.LogDrops(s.log))
	}
	if len(cfg.Faults) > 0 {
		s.log.Warn("shop started with deliberate faults", "faults", cfg.Faults)
	}
	return s, nil
}

func withDefaults(cfg Config) Config {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&cfg.StoreName, "uatrun shop")
	def(&cfg.Bank, "BRI")
	def(&cfg.Outlet, "ALFAMART")
	def(&cfg.CustomerPhone, "081234567890")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Validity <= 0 {
		cfg.Validity = time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

func validate(cfg Config) error {
	var errs []error
	if u, err := url.Parse(cfg.GatewayURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("gateway URL %q must be an absolute http(s) URL", cfg.GatewayURL))
	}
	if cfg.APIToken == "" {
		errs = append(errs, errors.New("the API token (Settings > API) is required"))
	}
	if cfg.WebhookSecret == "" {
		errs = append(errs, errors.New("the webhook secret (the team secret) is required"))
	}
	if cfg.QueueDelay < 0 {
		errs = append(errs, fmt.Errorf("queue delay %s must not be negative", cfg.QueueDelay))
	}
	return errors.Join(errs...)
}

// Handler serves the shop's HTTP API and the webhook endpoint.
func (s *Shop) Handler() http.Handler { return s.handler }

// SetPublicURL sets the base URL shoppers reach the shop at.
func (s *Shop) SetPublicURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publicURL = strings.TrimRight(u, "/")
}

func (s *Shop) base() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.publicURL == "" {
		return "http://127.0.0.1"
	}
	return s.publicURL
}

// Close stops the webhook queue (jobs not yet run are dropped, as a
// crashed worker's would be; reconcile's inquiry books them) and closes
// the database. The handler must not be used afterwards.
func (s *Shop) Close() error {
	if s.queue != nil {
		s.queue.Close()
	}
	return s.store.Close()
}

func (s *Shop) routes() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.SetTrustedProxies(nil) // the shop reads no client IPs
	r.Use(gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, err any) {
		s.log.Error("handler panic", "path", c.Request.URL.Path, "panic", fmt.Sprint(err))
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	}))
	r.POST("/checkout", s.checkout)
	r.GET("/orders/:id", s.getOrder)
	r.POST("/orders/:id/cancel", s.cancel)
	r.POST("/orders/:id/reconcile", s.reconcile)
	r.GET("/return", s.returnPage)
	r.POST(WebhookPath, s.webhook)
	r.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "not found"}) })
	return r
}

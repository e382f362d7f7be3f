package astapashop

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

// Config is everything the shop needs to talk to Astapa and to run.
type Config struct {
	// GatewayURL is Astapa's base URL (https://astapa.com, or the emulator).
	GatewayURL string
	// ClientID and ClientSecret are the project's credentials; the secret
	// is sent only server-to-server, in the create body.
	ClientID, ClientSecret string
	// StoreID and StoreName go into metadata, which Astapa echoes.
	StoreID, StoreName string
	DBPath             string   // SQLite file; "" is a private in-memory database
	Faults             []string // names from Faults()
	Now                func() time.Time
	HTTPClient         *http.Client // default 15 s timeout
	// FulfilmentWebhook, when set, receives a POST per fulfilment.
	FulfilmentWebhook string
	Logger            *slog.Logger
	// QueueDelay, when positive, makes the shop a queue-based design: an
	// item.purchased webhook is checked (order, amount) and confirmed with
	// Astapa's verify in the request and answered 200 at once, and a
	// worker books and fulfils the verified status QueueDelay later,
	// re-reading the order first. 0 books it within the request.
	QueueDelay time.Duration
}

// Shop is the reference merchant: an http.Handler plus its database.
type Shop struct {
	cfg     Config
	faults  faultSet
	store   *store
	api     *astapaClient
	log     *slog.Logger
	handler http.Handler
	queue   *jobqueue.Queue // nil unless Config.QueueDelay > 0
}

// WebhookPath is where the shop receives item.purchased; set it as the
// project webhook URL in Astapa.
const WebhookPath = "/astapa/webhook"

// New validates cfg, opens the database and builds the HTTP handler.
func New(cfg Config) (*Shop, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.StoreName == "" {
		cfg.StoreID, cfg.StoreName = "uatrun-demo", "uatrun demo store"
	}
	var errs []error
	if u, err := url.Parse(cfg.GatewayURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("gateway URL %q must be an absolute http(s) URL", cfg.GatewayURL))
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		errs = append(errs, errors.New("client ID and client secret are required"))
	}
	if cfg.QueueDelay < 0 {
		errs = append(errs, fmt.Errorf("queue delay %s must not be negative", cfg.QueueDelay))
	}
	if err := errors.Join(errs...); err != nil {
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
	s := &Shop{cfg: cfg, faults: faults, store: st, log: cfg.Logger,
		api: &astapaClient{baseURL: strings.TrimRight(cfg.GatewayURL, "/"), clientID: cfg.ClientID,
			clientSecret: cfg.ClientSecret, http: cfg.HTTPClient, log: cfg.Logger}}
	s.handler = s.routes()
	if cfg.QueueDelay > 0 {
		s.queue = jobqueue.New(cfg.QueueDelay, jobqueue.LogDrops(s.log))
	}
	return s, nil
}

// Handler serves the shop's HTTP API and the webhook endpoint.
func (s *Shop) Handler() http.Handler { return s.handler }

// Close stops the webhook queue (jobs not yet run are dropped, as a
// crashed worker's would be; reconcile's verify books them) and closes the
// database.
func (s *Shop) Close() error {
	if s.queue != nil {
		s.queue.Close()
	}
	return s.store.Close()
}

func (s *Shop) routes() http.Handler {
	r := gin.New()
	r.SetTrustedProxies(nil)
	r.Use(gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, err any) {
		s.log.Error("handler panic", "path", c.Request.URL.Path, "panic", fmt.Sprint(err))
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	}))
	r.POST("/checkout", s.checkout)
	r.GET("/orders/:id", s.getOrder)
	r.POST("/orders/:id/reconcile", s.reconcile)
	r.POST(WebhookPath, s.webhook)
	r.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "not found"}) })
	return r
}

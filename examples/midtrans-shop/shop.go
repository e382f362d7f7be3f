package midtransshop

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

// Config is everything the shop needs to talk to Midtrans and to run.
type Config struct {
	// GatewayURL is the base for both Snap (app.sandbox.midtrans.com) and
	// the Core API (api.sandbox.midtrans.com); SnapURL and CoreURL override
	// it one at a time.
	GatewayURL, SnapURL, CoreURL string
	// ServerKey authenticates every call and signs every notification.
	// ClientKey is the browser-side key; the shop only holds it to show
	// the client-key-as-server-key fault.
	ServerKey, ClientKey string
	// PublicURL is the shop's own base URL (finish redirect). When empty,
	// call SetPublicURL once listening; until then the request Host is used.
	PublicURL string
	// DBPath is the SQLite file; "" is a private in-memory database.
	DBPath string
	// Faults are names from Faults(); an unknown name is an error from New.
	Faults []string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// HTTPClient calls Midtrans and the fulfilment webhook; default 15 s timeout.
	HTTPClient *http.Client
	// FulfilmentWebhook, when set, receives a POST
	// {"event":"order.fulfilled","order_id":…,"amount":…} per fulfilment.
	FulfilmentWebhook string
	// Logger receives operational logs (never keys); default discards.
	Logger *slog.Logger
	// VerifyMode is how notifications are trusted: VerifyModeSignature
	// (default: signature_key) or VerifyModeRequery (ask the Get Status
	// API and act on its answer). Both are correct.
	VerifyMode string
	// QueueDelay, when positive, makes the shop a queue-based design: a
	// notification is acknowledged as soon as it is authenticated
	// (signature mode) or at once (requery mode), and applied from an
	// in-process job queue QueueDelay later, so the order reads paid a
	// moment after Midtrans got its 200. 0 applies it within the request.
	QueueDelay time.Duration
}

// Shop is the reference merchant: an http.Handler plus its database.
type Shop struct {
	cfg     Config
	faults  faultSet
	store   *store
	mt      *midtransClient
	log     *slog.Logger
	handler http.Handler

	queue *jobqueue.Queue // nil unless Config.QueueDelay > 0

	mu           sync.RWMutex
	publicURL    string
	verifiedSigs map[string]bool // the trust-seen-signature fault's cache
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
	s := &Shop{cfg: cfg, faults: faults, store: st, log: cfg.Logger, publicURL: strings.TrimRight(cfg.PublicURL, "/")}
	key := cfg.ServerKey
	if faults.on(faultClientKeyAsServerKey) {
		key = cfg.ClientKey
	}
	s.mt = &midtransClient{snapURL: strings.TrimRight(cfg.SnapURL, "/"), coreURL: strings.TrimRight(cfg.CoreURL, "/"),
		serverKey: key, http: cfg.HTTPClient, log: cfg.Logger}
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
	if cfg.SnapURL == "" {
		cfg.SnapURL = cfg.GatewayURL
	}
	if cfg.CoreURL == "" {
		cfg.CoreURL = cfg.GatewayURL
	}
	if cfg.ClientKey == "" {
		cfg.ClientKey = "SB-Mid-client-" + strings.TrimPrefix(cfg.ServerKey, "SB-Mid-server-")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.VerifyMode == "" {
		cfg.VerifyMode = VerifyModeSignature
	}
	return cfg
}

func validate(cfg Config) error {
	var errs []error
	for name, u := range map[string]string{"Snap URL": cfg.SnapURL, "Core API URL": cfg.CoreURL} {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q must be an absolute http(s) URL", name, u))
		}
	}
	if cfg.QueueDelay < 0 {
		errs = append(errs, fmt.Errorf("queue delay %s must not be negative", cfg.QueueDelay))
	}
	if cfg.VerifyMode != VerifyModeSignature && cfg.VerifyMode != VerifyModeRequery {
		errs = append(errs, fmt.Errorf("verify mode %q: want %s or %s", cfg.VerifyMode, VerifyModeSignature, VerifyModeRequery))
	}
	if cfg.ServerKey == "" || strings.ContainsAny(cfg.ServerKey, " \t\r\n") {
		errs = append(errs, errors.New("server key is required and must not contain white space"))
	}
	return errors.Join(errs...)
}

// Handler serves the shop's HTTP API, the finish page and the notification endpoint.
func (s *Shop) Handler() http.Handler { return s.handler }

// SetPublicURL sets the base URL shoppers reach the shop at.
func (s *Shop) SetPublicURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publicURL = strings.TrimRight(u, "/")
}

// Close stops the notification queue (jobs not yet run are dropped, as a
// crashed worker's would be; Midtrans' status API reconciles them) and
// closes the database. The handler must not be used afterwards.
func (s *Shop) Close() error {
	if s.queue != nil {
		s.queue.Close()
	}
	return s.store.Close()
}

func (s *Shop) baseURL(r *http.Request) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.publicURL != "" {
		return s.publicURL
	}
	return "http://" + r.Host
}

// NotifyPath is where the shop receives Midtrans notifications; set it as
// the Payment Notification URL in the dashboard.
const NotifyPath = "/midtrans/notification"

func (s *Shop) routes() http.Handler {
	r := gin.New()
	r.SetTrustedProxies(nil)
	r.Use(gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, err any) {
		s.log.Error("handler panic", "path", c.Request.URL.Path, "panic", fmt.Sprint(err))
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	}))
	r.POST("/checkout", s.checkout)
	r.GET("/orders/:id", s.getOrder)
	r.POST("/orders/:id/cancel", s.cancel)
	r.POST("/orders/:id/refund", s.refund)
	r.POST("/orders/:id/reconcile", s.reconcile)
	r.GET("/finish", s.finishPage)
	r.POST(NotifyPath, s.notify)
	r.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "not found"}) })
	return r
}

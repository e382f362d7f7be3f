package shop

import (
	"crypto/rsa"
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

// Config is everything the shop needs to talk to DANA and to run.
type Config struct {
	// GatewayURL is DANA's base URL (here: the emulator), e.g. http://127.0.0.1:9080.
	GatewayURL string
	// PublicURL is the shop's own base URL, used to build the PAY_RETURN and
	// NOTIFICATION urls. When empty, call SetPublicURL once listening; until
	// then the Host of the checkout request is used.
	PublicURL string
	// PartnerID (X-PARTNER-ID), MerchantID and ChannelID (CHANNEL-ID,
	// default "95221") are issued by DANA.
	PartnerID, MerchantID, ChannelID string
	// PrivateKeyPEM is the merchant's RSA private key (PKCS#1 or PKCS#8 PEM).
	PrivateKeyPEM []byte
	// GatewayPublicKeyPEM is DANA's public key (PKIX PEM); only notifies
	// signed by its private half are trusted.
	GatewayPublicKeyPEM []byte
	// DBPath is the SQLite file; "" is a private in-memory database.
	DBPath string
	// Faults are names from Faults(); an unknown name is an error from New.
	Faults []string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// HTTPClient calls DANA and the fulfilment webhook; default has an 8 s
	// timeout, DANA's documented one.
	HTTPClient *http.Client
	// FulfilmentWebhook, when set, receives a POST
	// {"event":"order.fulfilled","order_id":…,"amount":…} for each fulfilment.
	FulfilmentWebhook string
	// VerifyLikeSDK checks a notify exactly as DANA's official SDK parsers
	// do: both headers present and the signature verifying over the
	// minified body; X-TIMESTAMP's form and age are not checked. That is
	// all DANA requires for go-live; the default also rejects malformed and
	// stale timestamps (replay protection, uatrun's recommended tier).
	VerifyLikeSDK bool
	// ISEAmount is DANA's sandbox convention: the first notify for an order
	// of exactly this amount is answered HTTP 500 5005601 without any state
	// change. Default "11012.00"; "off" disables it.
	ISEAmount string
	// Logger receives operational logs (never keys or signatures); default discards.
	Logger *slog.Logger
	// QueueDelay, when positive, makes the shop a queue-based design: a
	// Finish Notify is authenticated and checked (order, amount, status)
	// in the request and acknowledged 2005600 at once, and a worker books
	// and fulfils it QueueDelay later, re-reading the order first. The
	// order reads paid a moment after DANA got its answer. 0 books it
	// within the request.
	QueueDelay time.Duration
}

// Shop is the reference merchant: an http.Handler plus its database.
type Shop struct {
	cfg        Config
	faults     faultSet
	store      *store
	dana       *danaClient
	gatewayKey *rsa.PublicKey
	log        *slog.Logger
	iseAmount  int64 // sen; 0 = off
	handler    http.Handler
	queue      *jobqueue.Queue // nil unless Config.QueueDelay > 0

	mu        sync.RWMutex
	publicURL string

	verifiedSigs sync.Map // X-SIGNATURE → true; only the notify-signature-memo fault uses it
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
	key, err := parsePrivateKey(cfg.PrivateKeyPEM)
	if err != nil {
		return nil, err
	}
	gwKey, err := parsePublicKey(cfg.GatewayPublicKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("gateway %w", err)
	}
	ise, err := parseISEAmount(cfg.ISEAmount)
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg.DBPath, cfg.Now)
	if err != nil {
		return nil, err
	}
	s := &Shop{cfg: cfg, faults: faults, store: st, gatewayKey: gwKey, log: cfg.Logger,
		iseAmount: ise, publicURL: strings.TrimRight(cfg.PublicURL, "/")}
	s.dana = &danaClient{baseURL: cfg.GatewayURL, partnerID: cfg.PartnerID, channelID: cfg.ChannelID,
		key: key, http: cfg.HTTPClient, now: cfg.Now, faults: faults, log: cfg.Logger}
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
	if cfg.ChannelID == "" {
		cfg.ChannelID = "95221"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 8 * time.Second}
	}
	if cfg.ISEAmount == "" {
		cfg.ISEAmount = "11012.00"
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
	if n := len(cfg.PartnerID); n < 1 || n > 36 {
		errs = append(errs, errors.New("partner ID must be 1–36 characters"))
	}
	if n := len(cfg.MerchantID); n < 1 || n > 64 {
		errs = append(errs, errors.New("merchant ID must be 1–64 characters"))
	}
	if n := len(cfg.ChannelID); n > 5 {
		errs = append(errs, errors.New("channel ID must be 1–5 characters"))
	}
	if cfg.QueueDelay < 0 {
		errs = append(errs, fmt.Errorf("queue delay %s must not be negative", cfg.QueueDelay))
	}
	return errors.Join(errs...)
}

func parseISEAmount(s string) (int64, error) {
	if s == "off" {
		return 0, nil
	}
	sen, err := parseDanaAmount(s)
	if err != nil {
		return 0, fmt.Errorf("ISE amount %q: %w", s, err)
	}
	return sen, nil
}

// Handler serves the shop's HTTP API, the PAY_RETURN page and the notify endpoint.
func (s *Shop) Handler() http.Handler { return s.handler }

// SetPublicURL sets the base URL DANA and shoppers reach the shop at, for
// shops that learn their port only after listening.
func (s *Shop) SetPublicURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publicURL = strings.TrimRight(u, "/")
}

// Close stops the notify queue (jobs not yet run are dropped, as a crashed
// worker's would be; reconcile's Query Payment books them) and closes the
// database. The handler must not be used afterwards.
func (s *Shop) Close() error {
	if s.queue != nil {
		s.queue.Close()
	}
	return s.store.Close()
}

// baseURL is the configured public URL, or the Host the request came to.
func (s *Shop) baseURL(r *http.Request) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.publicURL != "" {
		return s.publicURL
	}
	return "http://" + r.Host
}

func (s *Shop) routes() http.Handler {
	r := gin.New()
	r.SetTrustedProxies(nil) // the shop reads no client IPs; trust no forwarding headers
	r.Use(gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, err any) {
		s.log.Error("handler panic", "path", c.Request.URL.Path, "panic", fmt.Sprint(err))
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	}))
	r.POST("/checkout", s.checkout)
	r.GET("/orders/:id", s.getOrder)
	r.POST("/orders/:id/cancel", s.cancel)
	r.POST("/orders/:id/refund", s.refund)
	r.POST("/orders/:id/reconcile", s.reconcile)
	r.GET("/return", s.returnPage)
	r.POST(notifyPath, s.notify)
	r.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "not found"}) })
	return r
}

package bisnap

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

// DefaultNotifyRetry is the retry schedule after an unacknowledged
// notify. Neither DANA nor Midtrans publishes one (DANA's portal only says
// it keeps retrying for a while); this one is ours, on the test clock.
var DefaultNotifyRetry = []time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour,
}

// Server is what every BI-SNAP emulator has alike around its protocol:
// the HTTP server's lifecycle, the gateway's public key, its name and the
// names its calls and actions go by. An emulator embeds it for Handler,
// Start, URL, Close, PublicKeyPEM, Name, APIs and Actions.
type Server struct {
	name          string
	host          emulator.Host
	engine        http.Handler
	pubPEM        []byte
	apis, actions []string
	retries       *emulator.Retries
	stop          func()
}

// NewServer is the server of gateway name signing with key, whose
// merchant calls are named apis and control actions actions; logName
// prefixes its errors.
func NewServer(name, logName string, key *rsa.PrivateKey, apis, actions []string) (*Server, error) {
	if key == nil {
		return nil, errors.New(logName + ": Options.GatewayPrivateKey is required (it signs notifies)")
	}
	pub, err := snap.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%s: gateway public key: %w", logName, err)
	}
	return &Server{name: name, host: emulator.Host{Name: logName}, pubPEM: pub, apis: apis, actions: actions}, nil
}

// Serve sets the handler, once the emulator's routes are built.
func (s *Server) Serve(h http.Handler) { s.engine = h }

// Handler serves the emulator's APIs, pages and control routes.
func (s *Server) Handler() http.Handler { return s.engine }

// Start serves on addr ("" = 127.0.0.1:0) in the background.
func (s *Server) Start(addr string) error { return s.host.Start(addr, s.engine) }

// URL is the base URL the merchant points its gateway hosts at, or ""
// before Start.
func (s *Server) URL() string { return s.host.URL() }

// BaseURL is where the emulator's own links point: configured when set,
// else the started server, else the host the merchant called in r.
func (s *Server) BaseURL(configured string, r *http.Request) string {
	return s.host.BaseURL(configured, r)
}

// PublicKeyPEM is the gateway public key (PKIX PEM) the merchant verifies
// notifies with.
func (s *Server) PublicKeyPEM() []byte { return append([]byte(nil), s.pubPEM...) }

// Name is the gateway id scenarios use.
func (s *Server) Name() string { return s.name }

// APIs lists the names Calls accepts.
func (s *Server) APIs() []string { return append([]string(nil), s.apis...) }

// Actions lists the names Act accepts.
func (s *Server) Actions() []string { return append([]string(nil), s.actions...) }

// OnClose says what Close stops before the server: the notify retries and
// the emulator's own timers (stop, which takes the emulator's lock).
func (s *Server) OnClose(retries *emulator.Retries, stop func()) { s.retries, s.stop = retries, stop }

// Close stops the notify retries, the emulator's timers, then the server:
// nothing fires after Close returns.
func (s *Server) Close() error {
	if s.retries != nil {
		s.retries.Stop()
	}
	if s.stop != nil {
		s.stop()
	}
	return s.host.Close()
}

// CheckNotifyOptions fills a nil retry schedule with DefaultNotifyRetry
// and refuses a non-positive delay or a notify URL that is not absolute.
func CheckNotifyOptions(logName string, retry *[]time.Duration, notifyURL string) error {
	if *retry == nil {
		*retry = DefaultNotifyRetry
	}
	for i, d := range *retry {
		if d <= 0 {
			return fmt.Errorf("%s: Options.NotifyRetry[%d] = %s: each retry delay must be positive", logName, i, d)
		}
	}
	if notifyURL != "" {
		if err := emulator.CheckAbsURL(notifyURL); err != nil {
			return fmt.Errorf("%s: Options.NotifyURL: %w", logName, err)
		}
	}
	return nil
}

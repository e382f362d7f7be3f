package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// ErrStarted is returned (wrapped) by Host.Start when the host already
// serves.
var ErrStarted = errors.New("emulator already started")

// Host gives an emulator the httptest lifecycle: Start on an address, URL,
// Close. It owns at most one Server at a time and is safe to use from any
// goroutine; a closed Host can be started again. Name prefixes the
// "already started" error ("dana: emulator already started").
type Host struct {
	Name string

	mu  sync.Mutex
	srv *Server
}

// Start serves handler on addr ("" = 127.0.0.1:0) in the background and
// returns once the port is bound.
func (h *Host) Start(addr string, handler http.Handler) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv != nil {
		return fmt.Errorf("%s: %w", h.Name, ErrStarted)
	}
	srv := NewServer(addr, handler)
	if err := srv.Start(); err != nil {
		return err
	}
	h.srv = srv
	return nil
}

// URL is the base URL without a trailing slash, or "" when not started.
func (h *Host) URL() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv == nil {
		return ""
	}
	return h.srv.URL()
}

// BaseURL is where an emulator's own links point (hosted pages, redirect
// URLs): configured when set, else the started server, else the scheme and
// host the merchant called in r.
func (h *Host) BaseURL(configured string, r *http.Request) string {
	if configured != "" {
		return configured
	}
	if u := h.URL(); u != "" {
		return u
	}
	return strings.TrimSuffix(RequestURL(r), r.URL.RequestURI())
}

// Close stops the server, if one runs. URL reads "" as soon as Close
// begins, while in-flight requests are still being drained.
func (h *Host) Close() error {
	h.mu.Lock()
	srv := h.srv
	h.srv = nil
	h.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultListen binds to loopback on a free port.
const DefaultListen = "127.0.0.1:0"

// Server serves a handler with the httptest lifecycle: New, Start, URL,
// Close. Timeouts bound slow or hostile peers.
type Server struct {
	Addr    string
	Handler http.Handler

	mu  sync.Mutex
	ln  net.Listener
	srv *http.Server
	// unused are the connections that have not sent a request yet.
	unused map[net.Conn]bool
}

// NewServer returns an unstarted server for addr ("" means 127.0.0.1:0).
func NewServer(addr string, h http.Handler) *Server {
	if addr == "" {
		addr = DefaultListen
	}
	return &Server{Addr: addr, Handler: h}
}

// Start listens and serves in the background. It returns once the port is
// bound, so URL is valid immediately.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("server already started")
	}
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	s.ln = ln
	srv := &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ConnState:         s.track,
	}
	s.srv = srv
	s.unused = map[net.Conn]bool{}
	// The goroutine owns its own reference: Close clears s.srv under the lock.
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// URL is the base URL, e.g. http://127.0.0.1:41234, without a trailing slash.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + strings.TrimSuffix(s.ln.Addr().String(), "/")
}

// Close stops the server, waiting briefly for in-flight requests.
func (s *Server) Close() error {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	// Shutdown only closes listeners Serve has registered; a Close right
	// after Start can beat the Serve goroutine, so the port is released
	// here, before Close returns.
	defer ln.Close()
	s.closeUnused()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return srv.Close()
	}
	return nil
}

// track keeps the connections that have sent no request yet.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == http.StateNew && s.unused != nil {
		s.unused[c] = true
	} else {
		delete(s.unused, c)
	}
}

// closeUnused closes the connections that never sent a request. An HTTP
// client dials a spare connection when a request waits and then parks it
// unused; http.Server.Shutdown counts such a connection as busy until it
// is five seconds old, so a run's end would wait out Close's grace for a
// connection nothing can be in flight on.
func (s *Server) closeUnused() {
	s.mu.Lock()
	conns := s.unused
	s.unused = nil
	s.mu.Unlock()
	for c := range conns {
		_ = c.Close()
	}
}

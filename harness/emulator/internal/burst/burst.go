// Package burst makes concurrent callback copies truly overlap at the
// merchant. Goroutines alone do not: each copy dials, writes and is
// handled before the next one's bytes arrive, so a fast handler sees them
// one after another and a check-then-act race is caught only sometimes.
//
// A Gate's client gives every copy its own connection and writes all of
// its request but the last byte; once every copy of the burst is ready
// (or has failed), the last bytes go out together, so the server starts
// every handler within microseconds of the others (the "last-byte
// synchronisation" of race-condition testing).
package burst

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// MaxHold bounds how long a ready copy waits for the rest of its burst:
// a copy whose peers never get ready (a dial that hangs) is sent anyway.
const MaxHold = 5 * time.Second

// Gate releases n copies together.
type Gate struct {
	n       int
	mu      sync.Mutex
	ready   int
	release chan struct{}
}

// NewGate is a gate for a burst of n copies (n ≥ 1).
func NewGate(n int) *Gate {
	if n < 1 {
		n = 1
	}
	return &Gate{n: n, release: make(chan struct{})}
}

// arrive counts one copy as ready (or failed); the last one opens the gate.
func (g *Gate) arrive() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ready++
	if g.ready == g.n {
		close(g.release)
	}
}

// Client is base (its timeout and redirect policy) sending through the
// gate: use it for exactly one request per copy of the burst.
func (g *Gate) Client(base *http.Client) *http.Client {
	c := &http.Client{Transport: &transport{g: g}}
	if base != nil {
		c.Timeout, c.CheckRedirect = base.Timeout, base.CheckRedirect
	}
	return c
}

type transport struct {
	g    *Gate
	once sync.Once // a redirect followed is a second request: it is not held
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	first := false
	t.once.Do(func() { first = true })
	resp, err := t.roundTrip(req, first)
	if req.Body != nil {
		req.Body.Close()
	}
	return resp, err
}

func (t *transport) roundTrip(req *http.Request, hold bool) (*http.Response, error) {
	arrived := false
	arrive := func() {
		if hold && !arrived {
			arrived = true
			t.g.arrive()
		}
	}
	defer arrive() // a copy that fails before it is ready must not hold the others
	ctx := req.Context()
	conn, err := dial(ctx, req)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	var buf bytes.Buffer
	out := req.Clone(ctx)
	out.Close = true // one request per connection
	if err := out.Write(&buf); err != nil {
		stop()
		conn.Close()
		return nil, err
	}
	wire := buf.Bytes()
	if _, err := conn.Write(wire[:len(wire)-1]); err != nil {
		stop()
		conn.Close()
		return nil, err
	}
	arrive()
	if hold {
		timer := time.NewTimer(MaxHold)
		select {
		case <-t.g.release:
		case <-timer.C:
		case <-ctx.Done():
		}
		timer.Stop()
	}
	if _, err := conn.Write(wire[len(wire)-1:]); err != nil {
		stop()
		conn.Close()
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		stop()
		conn.Close()
		return nil, err
	}
	resp.Body = &connBody{ReadCloser: resp.Body, conn: conn, stop: stop}
	return resp, nil
}

func dial(ctx context.Context, req *http.Request) (net.Conn, error) {
	host := req.URL.Hostname()
	port := req.URL.Port()
	switch req.URL.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
	default:
		return nil, errors.New("burst: unsupported scheme " + req.URL.Scheme)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil || req.URL.Scheme == "http" {
		return conn, err
	}
	tc := tls.Client(conn, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// connBody closes the copy's own connection with the answer.
type connBody struct {
	io.ReadCloser
	conn net.Conn
	stop func() bool
}

func (b *connBody) Close() error {
	err := b.ReadCloser.Close()
	b.stop()
	b.conn.Close()
	return err
}

package emulator

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// A connection a client opened but never sent a request on is closed when
// the server closes, instead of being waited for: Shutdown would count it
// busy for five seconds, and every run's end would wait out the grace.
func TestServer_CloseDropsConnectionsThatNeverSentARequest(t *testing.T) {
	s := NewServer("", http.NotFoundHandler())
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; ; i++ { // the server sees the connection on its own goroutine
		s.mu.Lock()
		n := len(s.unused)
		s.mu.Unlock()
		if n == 1 {
			break
		}
		if i > 500 {
			t.Fatal("the server never saw the connection")
		}
		time.Sleep(2 * time.Millisecond)
	}
	// Open and idle: a read finds nothing yet.
	_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("before closeUnused: read %v, want a deadline", err)
	}
	s.closeUnused()
	// A bound, not a timing claim; shorter than ReadHeaderTimeout (5s),
	// after which the server would close the connection anyway.
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Fatalf("after closeUnused: read %v, want the connection closed by the server", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

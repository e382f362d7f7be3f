package bisnap

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
)

// The server gives an emulator the httptest lifecycle: Handler at once,
// Start on loopback, URL, and Shutdown that stops retries and the
// emulator's timers before the server.
func TestServer_Lifecycle(t *testing.T) {
	s, err := NewServer("gw", "gw-log", gatewayKey, []string{"create"}, []string{"pay"})
	if err != nil {
		t.Fatal(err)
	}
	s.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }))
	if apis := s.APIs(); len(apis) != 1 || apis[0] != "create" || s.Actions()[0] != "pay" {
		t.Errorf("lists %v %v", s.APIs(), s.Actions())
	}
	s.APIs()[0] = "changed"
	if s.APIs()[0] != "create" {
		t.Error("APIs hands out its own slice")
	}
	if s.Name() != "gw" || !strings.Contains(string(s.PublicKeyPEM()), "PUBLIC KEY") || s.URL() != "" || s.Handler() == nil {
		t.Fatalf("before Start: %q %q", s.Name(), s.URL())
	}
	r := httptest.NewRequest(http.MethodGet, "http://merchant.test/x", nil)
	if got := s.BaseURL("", r); got != "http://merchant.test" {
		t.Errorf("BaseURL before Start %q", got)
	}
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(s.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if s.BaseURL("https://conf.test", r) != "https://conf.test" || s.BaseURL("", r) != s.URL() {
		t.Error("BaseURL: configured, then the server")
	}
	if err := s.Start(""); !errors.Is(err, emulator.ErrStarted) || !strings.HasPrefix(err.Error(), "gw-log:") {
		t.Errorf("a second Start: %v", err)
	}
	retries := emulator.NewRetries(clock.NewFake(time.Now()), DefaultNotifyRetry)
	stopped := false
	s.OnClose(retries, func() { stopped = true })
	if err := s.Close(); err != nil || !stopped || s.URL() != "" {
		t.Errorf("Close: %v, stopped %v, URL %q", err, stopped, s.URL())
	}
	bare, _ := NewServer("gw", "gw-log", gatewayKey, nil, nil)
	if err := bare.Close(); err != nil {
		t.Errorf("closing a server never started, with nothing to stop: %v", err)
	}
	if _, err := NewServer("gw", "gw-log", nil, nil, nil); err == nil {
		t.Error("no key accepted")
	}
}

func TestCheckNotifyOptions(t *testing.T) {
	var retry []time.Duration
	if err := CheckNotifyOptions("gw", &retry, ""); err != nil || len(retry) != len(DefaultNotifyRetry) {
		t.Errorf("nil schedule: %v %v", retry, err)
	}
	none := []time.Duration{}
	if err := CheckNotifyOptions("gw", &none, "http://shop.test/n"); err != nil || len(none) != 0 {
		t.Errorf("no retries: %v %v", none, err)
	}
	if err := CheckNotifyOptions("gw", &[]time.Duration{time.Minute, 0}, ""); err == nil || !strings.Contains(err.Error(), "NotifyRetry[1]") {
		t.Errorf("a zero delay: %v", err)
	}
	if err := CheckNotifyOptions("gw", &none, "/relative"); err == nil || !strings.Contains(err.Error(), "NotifyURL") {
		t.Errorf("a relative URL: %v", err)
	}
}

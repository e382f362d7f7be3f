package emulator

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHost_StartURLCloseRestart(t *testing.T) {
	h := &Host{Name: "demo"}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	if h.URL() != "" {
		t.Fatalf("URL before Start = %q", h.URL())
	}
	if err := h.Close(); err != nil {
		t.Fatalf("Close before Start: %v", err)
	}
	for round := 1; round <= 2; round++ {
		if err := h.Start("", ok); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !strings.HasPrefix(h.URL(), "http://127.0.0.1:") {
			t.Fatalf("round %d: URL %q is not on loopback", round, h.URL())
		}
		resp, err := http.Get(h.URL() + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "ok" {
			t.Fatalf("round %d: answered %q", round, b)
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		if h.URL() != "" {
			t.Fatalf("round %d: URL after Close = %q", round, h.URL())
		}
	}
}

func TestHost_SecondStartNamesTheEmulator(t *testing.T) {
	h := &Host{Name: "dana"}
	if err := h.Start("", http.NotFoundHandler()); err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	err := h.Start("", http.NotFoundHandler())
	if !errors.Is(err, ErrStarted) || err.Error() != "dana: emulator already started" {
		t.Fatalf("second Start: %v", err)
	}
}

func TestHost_StartOnBusyPortFails(t *testing.T) {
	a := &Host{Name: "a"}
	if err := a.Start("", http.NotFoundHandler()); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b := &Host{Name: "b"}
	addr := strings.TrimPrefix(a.URL(), "http://")
	if err := b.Start(addr, http.NotFoundHandler()); err == nil || errors.Is(err, ErrStarted) {
		b.Close()
		t.Fatalf("Start on a bound port: %v", err)
	}
	if b.URL() != "" {
		t.Fatalf("failed Start left URL %q", b.URL())
	}
}

func TestHost_BaseURLPrefersConfiguredThenServerThenCaller(t *testing.T) {
	h := &Host{Name: "demo"}
	r := httptest.NewRequest(http.MethodPost, "http://shop.test:9000/v1/create?x=1", nil)
	if got := h.BaseURL("", r); got != "http://shop.test:9000" {
		t.Fatalf("unstarted: %q", got)
	}
	if err := h.Start("", http.NotFoundHandler()); err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if got := h.BaseURL("", r); got != h.URL() {
		t.Fatalf("started: %q, want %q", got, h.URL())
	}
	if got := h.BaseURL("https://pay.example", r); got != "https://pay.example" {
		t.Fatalf("configured: %q", got)
	}
}

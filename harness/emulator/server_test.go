package emulator

import (
	"io"
	"net/http"
	"testing"
)

func TestServer_StartURLCloseOnLoopback(t *testing.T) {
	s := NewServer("", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err == nil {
		t.Fatal("second Start succeeded")
	}
	resp, err := http.Get(s.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" || len(s.URL()) < len("http://127.0.0.1:1") || s.URL()[:17] != "http://127.0.0.1:" {
		t.Fatalf("URL %q answered %q", s.URL(), b)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.URL() != "" {
		t.Fatal("URL after Close")
	}
	if _, err := http.Get("http://" + s.Addr); err == nil && s.Addr != DefaultListen {
		t.Fatal("still serving after Close")
	}
}

package demo

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type fakeShop struct{ closed int }

func (s *fakeShop) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "shop") })
}
func (s *fakeShop) Close() error { s.closed++; return nil }

func TestServeShop_ServesOnLoopbackAndStopClosesTheShop(t *testing.T) {
	s := &fakeShop{}
	url, stop, err := serveShop(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q", url)
	}
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "shop" || s.closed != 0 {
		t.Fatalf("answered %q, closed %d", b, s.closed)
	}
	if err := stop(); err != nil || s.closed != 1 {
		t.Fatalf("stop: %v, closed %d", err, s.closed)
	}
	if _, err := http.Get(url + "/"); err == nil {
		t.Fatal("still serving after stop")
	}
}

func TestSetDashboard_PostsTheSettingsAndReportsRefusals(t *testing.T) {
	var got string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.Method + " " + r.URL.Path + " " + r.Header.Get("Content-Type") + " " + string(b)
		if strings.Contains(string(b), "bad") {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"not absolute"}`)
		}
	}))
	defer gw.Close()
	if err := setDashboard(gw.URL, map[string]string{"notify_url": "http://127.0.0.1:1/notify"}); err != nil {
		t.Fatal(err)
	}
	if want := `POST /_uatrun/dashboard application/json {"notify_url":"http://127.0.0.1:1/notify"}`; got != want {
		t.Fatalf("sent %s\nwant %s", got, want)
	}
	err := setDashboard(gw.URL, map[string]string{"notify_url": "bad"})
	if err == nil || err.Error() != `setting the emulator's dashboard: HTTP 400 {"error":"not absolute"}` {
		t.Fatalf("refusal: %v", err)
	}
	if err := setDashboard("http://127.0.0.1:1", nil); err == nil || errors.Unwrap(err) == nil {
		t.Fatalf("unreachable gateway: %v", err)
	}
}

package emulator

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestNewEngine_MarksAnswersRoutesExactPathsAndSurvivesPanics(t *testing.T) {
	g := NewEngine("gw/1.2", []byte(`{"error":"internal"}`))
	g.GET("/ok", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	g.GET("/boom", func(*gin.Context) { panic("handler bug") })
	cases := []struct {
		path   string
		status int
		body   string
	}{
		{"/ok", 200, "ok"},
		{"/ok/", 404, "404 page not found"},
		{"/OK", 404, "404 page not found"},
		{"/boom", 500, `{"error":"internal"}`},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		g.ServeHTTP(w, httptest.NewRequest(http.MethodGet, c.path, nil))
		if w.Code != c.status || w.Body.String() != c.body || w.Header().Get(HeaderEmulator) != "gw/1.2" {
			t.Errorf("GET %s: HTTP %d %q, %s %q", c.path, w.Code, w.Body.String(), HeaderEmulator, w.Header().Get(HeaderEmulator))
		}
	}
}

func TestCompactJSON_KeepsURLsAsSentAndFallsBack(t *testing.T) {
	got := CompactJSON(map[string]any{"url": "https://shop.test/a?b=1&c=<d>", "n": 2}, nil)
	if string(got) != `{"n":2,"url":"https://shop.test/a?b=1&c=<d>"}` {
		t.Fatalf("encoded %s", got)
	}
	if got := CompactJSON(map[string]any{"f": func() {}}, []byte(`{"error":"internal"}`)); string(got) != `{"error":"internal"}` {
		t.Fatalf("unencodable value gave %s", got)
	}
}

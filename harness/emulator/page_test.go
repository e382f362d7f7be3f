package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// A list route pages: DefaultPage items by default, a Link to the next
// page, every item once when following it, and refusals for a bad limit
// or a cursor that names nothing kept.
func TestServePage(t *testing.T) {
	items := make([]string, 250)
	for i := range items {
		items[i] = "x-" + strconv.Itoa(i)
	}
	g := NewEngine("test", []byte(`{}`))
	g.GET("/_uatrun/things", func(c *gin.Context) { ServePage(c, items, func(s string) string { return s }) })
	get := func(target string) (int, []string, http.Header) {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		var page []string
		_ = json.Unmarshal(rec.Body.Bytes(), &page)
		return rec.Code, page, rec.Header()
	}
	code, page, h := get("/_uatrun/things")
	if code != 200 || len(page) != DefaultPage || h.Get(HeaderNext) != "x-99" || h.Get(HeaderTotal) != "250" ||
		!strings.Contains(h.Get("Link"), "after=x-99") {
		t.Fatalf("first page: %d, %d items, headers %v", code, len(page), h)
	}
	var all []string
	for target := "/_uatrun/things?limit=70"; ; {
		_, page, h := get(target)
		all = append(all, page...)
		if h.Get(HeaderNext) == "" {
			break
		}
		target = strings.TrimSuffix(strings.TrimPrefix(strings.Fields(h.Get("Link"))[0], "<"), ">;")
	}
	if len(all) != 250 || all[249] != "x-249" {
		t.Fatalf("following the links gave %d items", len(all))
	}
	for _, bad := range []string{"?limit=0", "?limit=1001", "?limit=x", "?after=gone"} {
		if code, _, _ := get("/_uatrun/things" + bad); code != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d; want 400", bad, code)
		}
	}
	if code, page, h := get("/_uatrun/things?after=x-249"); code != 200 || len(page) != 0 || h.Get(HeaderNext) != "" {
		t.Errorf("after the last: %d %v", code, page)
	}
}

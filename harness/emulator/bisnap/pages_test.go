package bisnap

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestNormalizePhone_SandboxConvention(t *testing.T) {
	for in, want := range map[string]string{
		"083811223355": "83811223355", "83811223355": "83811223355", "6283811223355": "83811223355",
		"+62 838-1122-3355": "83811223355", "0811 2233": "", "0711223344": "", "08123456789012": "", "08x1223344": "", "": "",
	} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	for pin, ok := range map[string]bool{"181818": true, "12345": false, "1234567": false, "12a456": false} {
		if ValidPIN(pin) != ok {
			t.Errorf("PIN %q valid %v", pin, !ok)
		}
	}
}

func TestSettledNoticeAndRefused(t *testing.T) {
	if n := SettledNotice(true, "SUCCESS", ""); n != "This order is already paid." || Refused(n) != "Payment refused: this order is already paid." {
		t.Errorf("paid: %q / %q", n, Refused(n))
	}
	if n := SettledNotice(false, "CLOSED", "EXPIRED"); n != "This order is closed (EXPIRED) and can no longer be paid." {
		t.Errorf("closed: %q", n)
	}
	if Refused("") != "Payment refused" {
		t.Error("Refused of nothing")
	}
}

func render(t *testing.T, f func(c *gin.Context)) *httptest.ResponseRecorder {
	t.Helper()
	gin.SetMode(gin.TestMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	f(c)
	return w
}

// A page carries the shared style inline, is never cached, and escapes
// what it shows; a template that fails answers 500, not half a page.
func TestRenderPage_SharedStyleInlineAndEscaped(t *testing.T) {
	tmpl := PageTemplate("t", `<style>{{pageStyle}}.own{}</style><p>{{.}}</p>{{if eq . "boom"}}{{index . 10}}{{end}}`)
	w := render(t, func(c *gin.Context) { RenderPage(c, http.StatusOK, tmpl, "<b>") })
	body := w.Body.String()
	if w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" || !strings.Contains(body, "box-sizing:border-box") ||
		strings.Contains(body, "ZgotmplZ") || !strings.Contains(body, "&lt;b&gt;") {
		t.Errorf("%d %q %s", w.Code, w.Header().Get("Cache-Control"), body)
	}
	if w := render(t, func(c *gin.Context) { RenderPage(c, http.StatusOK, tmpl, "boom") }); w.Code != 500 {
		t.Errorf("a failing template answered %d", w.Code)
	}
	w = render(t, func(c *gin.Context) { PageNotFound(c, "No <such> order.") })
	if w.Code != 404 || !strings.Contains(w.Body.String(), "No &lt;such&gt; order. (uatrun emulator)") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

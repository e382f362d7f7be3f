package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// HeaderEmulator marks every answer as an emulator's, never a gateway's.
const HeaderEmulator = "X-Uatrun-Emulator"

// NewEngine returns the gin engine an emulator builds its routes on. Paths
// are exact, as at the gateways: a trailing slash is another (unknown)
// path, not a redirect. Every answer carries HeaderEmulator: version, and
// a handler panic is answered 500 with panicBody, the gateway's own
// internal-error JSON, instead of a dropped connection.
func NewEngine(version string, panicBody []byte) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	g := gin.New()
	g.RedirectTrailingSlash, g.RedirectFixedPath = false, false
	g.Use(func(c *gin.Context) {
		c.Header(HeaderEmulator, version)
		c.Next()
	}, gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, _ any) {
		c.Data(http.StatusInternalServerError, "application/json", panicBody)
	}))
	return g
}

// CompactJSON encodes v on one line without HTML escaping, so URLs in an
// answer read as they were sent. Emulators encode values built from
// strings, numbers and maps, which cannot fail; should one, fallback (the
// gateway's internal-error JSON) is the answer still owed.
func CompactJSON(v any, fallback []byte) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fallback
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

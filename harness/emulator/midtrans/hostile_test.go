package midtrans

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/internal/hostile"
)

const bombs = 64

func basicAuth(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

// 64 concurrent 1 MiB nesting bombs, authenticated or not, to Snap's
// create and to a Core API refund: an anonymous bomb is refused for its
// credentials, an authenticated one as malformed JSON, and neither is
// parsed; the burst costs a small constant per request.
func TestHostile_NestingBombsAreCheapAndRefused(t *testing.T) {
	bomb := hostile.Bomb(emulator.MaxRequestBody)
	for _, tc := range []struct {
		name, path, auth string
		status           int
	}{
		{"snap anonymous", "/snap/v1/transactions", "", http.StatusUnauthorized},
		{"snap authenticated", "/snap/v1/transactions", basicAuth(testKey), http.StatusBadRequest},
		{"refund authenticated", "/v2/ORDER-1/refund", basicAuth(testKey), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			recs, cost := hostile.Burst(f.emu.Handler(), bombs, func(int) *http.Request {
				req := httptest.NewRequest(http.MethodPost, tc.path, io.NopCloser(bytes.NewReader(bomb)))
				req.Header.Set("Content-Type", "application/json")
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				return req
			})
			for _, rec := range recs {
				if rec.Code != tc.status {
					t.Fatalf("bomb answered HTTP %d %s; want %d", rec.Code, rec.Body, tc.status)
				}
			}
			if tc.status == http.StatusBadRequest && !strings.Contains(recs[0].Header().Get(HeaderHint), "deeper than") {
				t.Errorf("hint %q should say the body nests too deep", recs[0].Header().Get(HeaderHint))
			}
			hostile.CheckCost(t, bombs, cost, 2*emulator.MaxRecordedBody+16<<10)
		})
	}
}

// FuzzHandler sends arbitrary bodies, authenticated, to every Midtrans
// path that reads one: nothing may panic, every answer is JSON in
// Midtrans' shape with a 2xx or 4xx status.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		`{"transaction_details":{"order_id":"F-1","gross_amount":10000}}`,
		`{"refund_key":"RK-1","amount":5000,"reason":"fuzz"}`,
		`{"transaction_details":{"order_id":"F-2","gross_amount":1e309},"item_details":[{"price":-1}]}`,
		`[]`, `"x"`, ``, "{\"a\":\"\xff\"}", string(hostile.Bomb(100)), string(hostile.ObjectBomb(1000)),
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(2))
	}
	fx := newFixture(f)
	paths := []string{"/snap/v1/transactions", "/v2/F-1/refund", "/v2/F-1/refund/online/direct", "/v2/F-1/cancel",
		"/v2/F-1/expire", "/v2/F-1/approve", "/v2/F-1/deny"}
	f.Fuzz(func(t *testing.T, body string, p uint8) {
		req := httptest.NewRequest(http.MethodPost, paths[int(p)%len(paths)], strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", basicAuth(testKey))
		rec := httptest.NewRecorder()
		fx.emu.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 || !json200(rec.Body.Bytes()) {
			t.Fatalf("HTTP %d %q for %q", rec.Code, rec.Body, body)
		}
	})
}

func json200(b []byte) bool {
	return emulator.CheckJSONDepth(b, 8) == nil && len(b) > 1 && b[0] == '{'
}

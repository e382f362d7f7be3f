package gopaymini

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/internal/hostile"
)

// bombs is how many nesting bombs hit the emulator at once.
const bombs = 64

// 64 concurrent anonymous 1 MiB nesting bombs, on a BI-SNAP API and on a
// mini-app API, are each answered as an invalid body in the API's own
// dialect before anything parses or authenticates them, and the burst
// costs a small constant per request.
func TestHostile_NestingBombsAreCheapAndRefused(t *testing.T) {
	for _, tc := range []struct {
		name, path, field, want string
		bomb                    []byte
	}{
		{"snap arrays", "/v1.0/debit/payment-host-to-host", "responseCode", "4005401", hostile.Bomb(emulator.MaxRequestBody)},
		{"snap objects", "/v1.0/debit/payment-host-to-host", "responseCode", "4005401", hostile.ObjectBomb(emulator.MaxRequestBody)},
		{"mini-app arrays", "/v1/mini-apps/authorizations/token", "error.code", "INVALID_REQUEST", hostile.Bomb(emulator.MaxRequestBody)},
		{"mini-app objects", "/v1/mini-apps/cashback", "error.code", "INVALID_REQUEST", hostile.ObjectBomb(emulator.MaxRequestBody)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			recs, cost := hostile.Burst(f.e.Handler(), bombs, func(int) *http.Request {
				req := httptest.NewRequest(http.MethodPost, tc.path, io.NopCloser(bytes.NewReader(tc.bomb)))
				req.Header.Set("Content-Type", "application/json")
				return req
			})
			for _, rec := range recs {
				if rec.Code != http.StatusBadRequest || gjson.Get(rec.Body.String(), tc.field).Str != tc.want {
					t.Fatalf("bomb answered HTTP %d %s; want 400 %s %s", rec.Code, rec.Body, tc.field, tc.want)
				}
			}
			hostile.CheckCost(t, bombs, cost, 2*emulator.MaxRecordedBody+16<<10)
		})
	}
}

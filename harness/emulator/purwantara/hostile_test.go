package purwantara

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

const bombs = 64

// 64 concurrent 1 MiB nesting bombs to a create endpoint, with and
// without the API token: refused for the token, or as a body that is not
// one JSON object, before anything parses them; the burst costs a small
// constant per request.
func TestHostile_NestingBombsAreCheapAndRefused(t *testing.T) {
	bomb := hostile.ObjectBomb(emulator.MaxRequestBody)
	for _, tc := range []struct {
		name, auth string
		status     int
	}{{"anonymous", "", http.StatusUnauthorized}, {"authenticated", "Bearer " + testToken, http.StatusBadRequest}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			recs, cost := hostile.Burst(f.e.Handler(), bombs, func(int) *http.Request {
				req := httptest.NewRequest(http.MethodPost, "/v1/"+channels[0].path, io.NopCloser(bytes.NewReader(bomb)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json")
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				return req
			})
			for _, rec := range recs {
				if rec.Code != tc.status || gjson.Get(rec.Body.String(), "success").Type != gjson.False {
					t.Fatalf("bomb answered HTTP %d %s; want %d in the envelope", rec.Code, rec.Body, tc.status)
				}
			}
			hostile.CheckCost(t, bombs, cost, 2*emulator.MaxRecordedBody+16<<10)
		})
	}
}

// FuzzCancel sends arbitrary bodies to the cancel endpoint, the other
// handler that takes a body: nothing panics, every answer is the envelope.
func FuzzCancel(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"reason":"x"}`, "\xff", string(hostile.Bomb(200))} {
		f.Add(s)
	}
	e, err := New(Options{Token: testToken, WebhookSecret: testSecret, SkipCreateWebhook: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = e.Close() })
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/virtual-account/cancel/00000000-0000-0000-0000-000000000000", bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("HTTP %d for %q", rec.Code, body)
		}
		if _, err := ReencodePHP(rec.Body.Bytes()); err != nil {
			t.Fatalf("answer is not JSON: %v: %s", err, rec.Body.Bytes())
		}
	})
}

package astapa

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/internal/hostile"
)

const bombs = 64

// Astapa's credentials travel in the JSON body, so a byte scan bounds the
// nesting before anything reads them: 64 concurrent anonymous 1 MiB
// nesting bombs are each answered invalid_json, and the burst costs a
// small constant per request (before, 8 of them held 1.29 GB).
func TestHostile_NestingBombsAreCheapAndRefused(t *testing.T) {
	for name, bomb := range map[string][]byte{"arrays": hostile.Bomb(emulator.MaxRequestBody),
		"objects": []byte(`{"client_id":"x","metadata":` + string(hostile.ObjectBomb(emulator.MaxRequestBody-64)))} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			recs, cost := hostile.Burst(f.emu.Handler(), bombs, func(int) *http.Request {
				req := httptest.NewRequest(http.MethodPost, "/api/platform/shop-payment", io.NopCloser(bytes.NewReader(bomb)))
				req.Header.Set("Content-Type", "application/json")
				return req
			})
			for _, rec := range recs {
				if rec.Code != http.StatusBadRequest || gjson.Get(rec.Body.String(), "error").Str != "invalid_json" {
					t.Fatalf("bomb answered HTTP %d %s; want 400 invalid_json", rec.Code, rec.Body)
				}
			}
			hostile.CheckCost(t, bombs, cost, 2*emulator.MaxRecordedBody+16<<10)
		})
	}
}

// FuzzCreate sends arbitrary bodies to the create endpoint: nothing
// panics, every answer is a JSON object with a 2xx or 4xx status.
func FuzzCreate(f *testing.F) {
	for _, s := range []string{
		`{"client_id":"cl_test","client_secret":"sk_test_very_secret","order_id":"F-1","amount":15000,"buyer_email":"a@b.co"}`,
		`{"client_id":"cl_test","client_secret":"sk_test_very_secret","order_id":"F-2","amount":1e400,"metadata":{"a":[1,{"b":null}]}}`,
		`[]`, `"x"`, ``, "{\"client_id\":\"\xff\"}", string(hostile.Bomb(100)),
	} {
		f.Add(s)
	}
	emu, err := New(Options{ClientID: testID, ClientSecret: testSecret, WebhookURL: "http://127.0.0.1:1/hook", Version: "test"})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = emu.Close() })
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/platform/shop-payment", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		emu.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 || !gjson.Valid(rec.Body.String()) || !gjson.Parse(rec.Body.String()).IsObject() {
			t.Fatalf("HTTP %d %q for %q", rec.Code, rec.Body, body)
		}
	})
}

package dana

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/internal/hostile"
)

// bombs is how many nesting bombs hit the emulator at once.
const bombs = 64

// 64 concurrent 1 MiB nesting bombs, with every header right but the
// signature (a bomb cannot be minified, so it cannot be signed), are each
// answered Invalid Field Format before anything parses them, and the
// burst costs a small constant per request.
func TestHostile_NestingBombsAreCheapAndRefused(t *testing.T) {
	for name, bomb := range map[string][]byte{"arrays": hostile.Bomb(emulator.MaxRequestBody),
		"objects": hostile.ObjectBomb(emulator.MaxRequestBody)} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			path := pathOf(APICreateOrder)
			recs, cost := hostile.Burst(f.e.Handler(), bombs, func(int) *http.Request {
				req := f.request(path, []byte("{}"), "")
				req.Body, req.ContentLength = nopCloser{bytes.NewReader(bomb)}, int64(len(bomb))
				req.Header.Set("X-SIGNATURE", "c2lnbmF0dXJl")
				return req
			})
			for _, rec := range recs {
				res := gjson.Parse(rec.Body.String())
				if rec.Code != http.StatusBadRequest || res.Get("responseCode").Str != "4005401" {
					t.Fatalf("bomb answered HTTP %d %s; want 400 4005401 Invalid Field Format", rec.Code, rec.Body)
				}
			}
			hostile.CheckCost(t, bombs, cost, 2*emulator.MaxRecordedBody+16<<10)
			calls := f.e.Calls(APICreateOrder)
			if len(calls) != bombs || calls[0].Signature == nil || calls[0].Signature.Valid ||
				!strings.Contains(calls[0].Signature.Detail, "not checked") {
				t.Fatalf("calls %d, signature %+v; want every bomb recorded with its signature not checked", len(calls), calls[0].Signature)
			}
		})
	}
}

// A bomb with a header wrong is answered for the header, as DANA checks
// headers first; the body is never read as JSON.
func TestHostile_BombWithBadHeaderAnswersTheHeader(t *testing.T) {
	f := newFixture(t)
	req := f.request(pathOf(APICreateOrder), hostile.Bomb(1<<20), "")
	req.Header.Set("X-SIGNATURE", "c2lnbmF0dXJl")
	req.Header.Del("CHANNEL-ID")
	if status, res, _ := f.serve(req); status != http.StatusBadRequest || res.Get("responseCode").Str != "4005402" {
		t.Fatalf("HTTP %d %s; want 4005402 for the missing CHANNEL-ID", status, res.Raw)
	}
}

// DANA's bodies are UTF-8, as the emulator's own format error says: a
// correctly signed create whose body holds invalid UTF-8 is answered
// Invalid Field Format, not created.
func TestHostile_InvalidUTF8IsInvalidFieldFormat(t *testing.T) {
	f := newFixture(t)
	body := mustJSON(t, f.createBody("INV-UTF8", "10000.00"))
	body = bytes.Replace(body, []byte("Order INV-UTF8"), []byte("Order \xff\xfe"), 1)
	status, res, _ := f.serve(f.request(pathOf(APICreateOrder), body, ""))
	if status != http.StatusBadRequest || res.Get("responseCode").Str != "4005401" {
		t.Fatalf("HTTP %d %s; want 400 4005401 for a body that is not UTF-8", status, res.Raw)
	}
	if c := f.e.Calls(APICreateOrder); len(c) != 1 || c[0].Signature == nil || !c[0].Signature.Valid {
		t.Fatalf("the signature over the received bytes should still verify: %+v", c)
	}
	if len(f.e.Orders()) != 0 {
		t.Fatal("an order was created from a body that is not UTF-8")
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

package danawidget

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
	"github.com/uatrun/uatrun/harness/snap"
)

// bombs is how many nesting bombs hit the emulator at once.
const bombs = 64

// 64 concurrent 1 MiB nesting bombs are each refused before anything
// parses them, and the burst costs a small constant per request: on a
// SNAP API with every header right but the signature (a bomb cannot be
// minified, so it cannot be signed) as Invalid Field Format with the
// signature recorded as not checked; on the Open API profile query as
// PARAM_ILLEGAL.
func TestHostile_NestingBombsAreCheapAndRefused(t *testing.T) {
	snapPath, openPath := "", ""
	for _, s := range services {
		switch s.Name {
		case APIPayment:
			snapPath = s.Path
		case APIProfile:
			openPath = s.Path
		}
	}
	for _, tc := range []struct {
		name, path, field, want string
		bomb                    []byte
	}{
		{"snap arrays", snapPath, "responseCode", "4005401", hostile.Bomb(emulator.MaxRequestBody)},
		{"snap objects", snapPath, "responseCode", "4005401", hostile.ObjectBomb(emulator.MaxRequestBody)},
		{"open api arrays", openPath, "response.body.resultInfo.resultCodeId", "00000004", hostile.Bomb(emulator.MaxRequestBody)},
		{"open api objects", openPath, "response.body.resultInfo.resultCodeId", "00000004", hostile.ObjectBomb(emulator.MaxRequestBody)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			recs, cost := hostile.Burst(r.e.Handler(), bombs, func(int) *http.Request {
				req := httptest.NewRequest(http.MethodPost, tc.path, io.NopCloser(bytes.NewReader(tc.bomb)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-TIMESTAMP", snap.FormatTimestamp(r.clk.Now()))
				req.Header.Set("X-SIGNATURE", "c2lnbmF0dXJl")
				req.Header.Set("X-PARTNER-ID", "P1")
				req.Header.Set("X-EXTERNAL-ID", token("", 8))
				req.Header.Set("CHANNEL-ID", "95221")
				return req
			})
			for _, rec := range recs {
				if got := gjson.Get(rec.Body.String(), tc.field).Str; got != tc.want || rec.Code >= 500 {
					t.Fatalf("bomb answered HTTP %d %.300s; want %s %s", rec.Code, rec.Body, tc.field, tc.want)
				}
			}
			hostile.CheckCost(t, bombs, cost, 2*emulator.MaxRecordedBody+16<<10)
			if tc.path == snapPath {
				calls := r.e.Calls(APIPayment)
				if len(calls) != bombs || calls[0].Signature == nil || calls[0].Signature.Valid ||
					!strings.Contains(calls[0].Signature.Detail, "not checked") {
					t.Fatalf("calls %d, signature %+v; want every bomb recorded with its signature not checked", len(calls), calls[0].Signature)
				}
			}
		})
	}
}

package dana

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
)

// FuzzBodies feeds arbitrary JSON to every API's body validation and
// business rules (the part behind the signature check) and to the full
// handler unsigned: nothing may panic, and every answer must be a SNAP
// code whose first three digits are the HTTP status.
func FuzzBodies(f *testing.F) {
	fx := newFixture(f)
	seeds := [][]byte{
		mustJSON(f, fx.createBody("INV-F", "10000.00")),
		mustJSON(f, queryBody("INV-F")),
		mustJSON(f, refundBody("INV-F", "RF-1", "1.00")),
		[]byte(`{"amount":{"value":99999999999999999.99},"urlParams":[null,1,{"type":[]}]}`),
		[]byte(`{"additionalInfo":{"order":{"scenario":"API"}},"payOptionDetails":[{"payOption":"QRIS"}]}`),
		[]byte(`{"refundAmount":{"value":"9223372036854775807.99","currency":"IDR"}}`),
		[]byte(`[]`), []byte(`"x"`), []byte(``),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	handlers := map[string]handler{APICreateOrder: fx.e.createOrder, APIQueryPayment: fx.e.queryPayment,
		APICancelOrder: fx.e.cancelOrder, APIRefundOrder: fx.e.refundOrder, APIConsultPay: fx.e.consultPay}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, a := range apis {
			req := httptest.NewRequest(http.MethodPost, a.path, bytes.NewReader(body))
			req.Header.Set("X-PARTNER-ID", testPartner)
			in := &inbound{Inbound: emulator.Inbound{Req: req, Body: body}, api: a, doc: gjson.ParseBytes(body)}
			if rep := handlers[a.name](in); rep == nil || len(rep.code) != 7 {
				t.Fatalf("%s answered %+v", a.name, rep)
			}
			status, res, _ := fx.serve(httptest.NewRequest(http.MethodPost, a.path, bytes.NewReader(body)))
			if code := res.Get("responseCode").Str; len(code) != 7 || httpStatus(code) != status {
				t.Fatalf("%s: HTTP %d %s", a.name, status, res.Raw)
			}
		}
	})
}

package dana

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// control calls the /_uatrun/ API in process.
func (f *fixture) control(method, path, contentType, body string) (int, gjson.Result, *httptest.ResponseRecorder) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	f.e.Handler().ServeHTTP(rec, req)
	return rec.Code, gjson.Parse(rec.Body.String()), rec
}

func TestControl_DrivesOrdersOverHTTP(t *testing.T) {
	f := newFixture(t)
	f.create("INV-1", "10000.00")
	cases := []struct {
		method, path, ctype, body string
		status                    int
		check                     string // gjson path that must exist
	}{
		{"GET", "/_uatrun/orders", "", "", 200, "0.referenceNo"},
		{"POST", "/_uatrun/orders/INV-1/pay", "application/x-www-form-urlencoded", "notify=send", 200, "deliveries.0.acked"},
		{"POST", "/_uatrun/orders/INV-1/notify?variant=duplicate", "", "", 200, "deliveries.1.acked"},
		{"POST", "/_uatrun/orders/INV-1/notify", "application/json", `{"variant":"concurrent","copies":3}`, 200, "deliveries.2.exchange"},
		{"POST", "/_uatrun/orders/INV-1/pay", "", "", 409, "error"},
		{"POST", "/_uatrun/orders/INV-404/pay", "", "", 404, "error"},
		{"POST", "/_uatrun/orders/INV-1/refund", "", "", 404, "error"},
		{"POST", "/_uatrun/orders/INV-1/notify", "application/json", `{"variant":"nope"}`, 400, "error"},
		{"POST", "/_uatrun/respond_next", "application/json", `{"api":"query_payment","code":"5005501"}`, 200, "detail"},
		{"GET", "/_uatrun/exchanges", "", "", 200, "0.kind"},
		{"GET", "/_uatrun/nothing", "", "", 404, "error"},
	}
	for _, tc := range cases {
		status, res, rec := f.control(tc.method, tc.path, tc.ctype, tc.body)
		if status != tc.status || !res.Get(tc.check).Exists() {
			t.Errorf("%s %s: HTTP %d %s", tc.method, tc.path, status, clip(rec.Body.String()))
		}
	}
	if _, res := f.post(pathOf(APIQueryPayment), queryBody("INV-1")); res.Get("responseCode").Str != "5005501" {
		t.Errorf("respond_next over HTTP not applied: %s", res.Raw)
	}
	// 2 duplicate + 3 concurrent + 1 pay
	if n := len(f.merchant.notifies()); n != 6 {
		t.Errorf("%d notifies, want 6", n)
	}
}

func TestCheckout_PageShowsTheOrderEscaped(t *testing.T) {
	f := newFixture(t)
	body := f.createBody("INV-1", "10000.00")
	setPath(body, "additionalInfo.order.orderTitle", "<script>alert(1)</script>")
	_, res := f.post(pathOf(APICreateOrder), body)
	u, err := url.Parse(res.Get("webRedirectUrl").Str)
	if err != nil {
		t.Fatal(err)
	}
	status, _, rec := f.control("GET", u.Path, "", "")
	page := rec.Body.String()
	if status != 200 || !strings.Contains(page, "10000.00") || !strings.Contains(page, testMerchant) ||
		!strings.Contains(page, "INV-1") || strings.Contains(page, "<script>") || strings.Contains(page, "src=") || strings.Contains(page, "<link") || strings.Contains(page, "http") {
		t.Fatalf("HTTP %d page:\n%s", status, page)
	}
	if status, _, _ := f.control("GET", "/checkout/12345", "", ""); status != 404 {
		t.Errorf("unknown checkout HTTP %d", status)
	}
}

func TestCheckout_ButtonsSettleAndReturnTheShopper(t *testing.T) {
	cases := []struct {
		choice, status string
		notifies       int
	}{
		{"pay", StatusSuccess, 1},
		{"fail", StatusClosed, 1},
		{"cancel", StatusInit, 0},
	}
	for _, tc := range cases {
		t.Run(tc.choice, func(t *testing.T) {
			f := newFixture(t)
			ref := f.create("INV-1", "10000.00").Get("referenceNo").Str
			status, _, rec := f.control("POST", "/checkout/"+ref+"/"+tc.choice, "", "")
			if status != http.StatusSeeOther || rec.Header().Get("Location") != f.merchant.URL+"/return" {
				t.Fatalf("HTTP %d Location %q", status, rec.Header().Get("Location"))
			}
			if got := f.order("INV-1").Status; got != tc.status || len(f.merchant.notifies()) != tc.notifies {
				t.Errorf("status %s with %d notifies", got, len(f.merchant.notifies()))
			}
			// Pressing again (browser back) changes nothing and still returns.
			if status, _, _ := f.control("POST", "/checkout/"+ref+"/pay", "", ""); tc.choice != "cancel" && status != http.StatusSeeOther {
				t.Errorf("second press HTTP %d", status)
			}
		})
	}
}

func TestStart_ServesOnLoopbackAndUsesItsURLForCheckout(t *testing.T) {
	f := newFixture(t)
	if err := f.e.Start(""); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.e.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q", f.e.URL())
	}
	if err := f.e.Start(""); err == nil {
		t.Error("second Start succeeded")
	}
	if got := f.create("INV-1", "10000.00").Get("webRedirectUrl").Str; !strings.HasPrefix(got, f.e.URL()+"/checkout/") {
		t.Errorf("webRedirectUrl %q", got)
	}
	resp, err := http.Get(f.e.URL() + "/_uatrun/orders")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var orders []OrderView
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &orders); err != nil || len(orders) != 1 || resp.Header.Get(HeaderEmulator) != "dana-gapura/test" {
		t.Errorf("orders over the network: %v %s", err, b)
	}
	if err := f.e.Close(); err != nil || f.e.URL() != "" {
		t.Errorf("Close: %v, URL %q", err, f.e.URL())
	}
}

func TestCheckoutBaseURL_OptionWins(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.CheckoutBaseURL = "https://checkout.test/" })
	if got := f.create("INV-1", "10000.00").Get("webRedirectUrl").Str; !strings.HasPrefix(got, "https://checkout.test/checkout/") {
		t.Errorf("webRedirectUrl %q", got)
	}
}

package merchant

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/evidence"
)

func newDriver(t *testing.T, base string, actions map[string]config.Action, o Options) *Driver {
	t.Helper()
	o.BaseURL = base
	d, err := New(actions, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

func TestDo_TemplatesTheRequest(t *testing.T) {
	vars := map[string]any{"order": "INV-42", "amount": "15000.00", "token": "tok-1", "qty": 2}
	for _, tc := range []struct {
		name   string
		action config.Action
		want   seen // Header holds only the headers to check
	}{
		{"path and default GET", config.Action{Path: "/orders/{{.order}}"},
			seen{Method: "GET", Path: "/orders/INV-42"}},
		{"query values templated and encoded", config.Action{Path: "/orders", Query: map[string]string{"id": "{{.order}}", "q": "a b&c"}},
			seen{Method: "GET", Path: "/orders", RawQuery: "id=INV-42&q=a+b%26c"}},
		{"headers templated", config.Action{Path: "/x", Headers: map[string]string{"X-Token": "{{.token}}", "X-Fixed": "yes"}},
			seen{Method: "GET", Path: "/x", Header: http.Header{"X-Token": {"tok-1"}, "X-Fixed": {"yes"}}}},
		{"json string leaves templated, other leaves kept, POST by default", config.Action{Path: "/checkout", JSON: map[string]any{
			"amount": "{{.amount}}", "qty": 3, "gift": false, "note": nil,
			"items": []any{map[string]any{"ref": "{{.order}}-1"}, "{{.qty}}"},
			"url":   "https://shop.example/return?a=1&b=2",
		}}, seen{Method: "POST", Path: "/checkout",
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   `{"amount":"15000.00","gift":false,"items":[{"ref":"INV-42-1"},"2"],"note":null,"qty":3,"url":"https://shop.example/return?a=1&b=2"}`}},
		{"form body", config.Action{Path: "/pay", Form: map[string]string{"order": "{{.order}}", "amt": "{{.amount}}"}},
			seen{Method: "POST", Path: "/pay", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
				Body: "amt=15000.00&order=INV-42"}},
		{"explicit method and lower case", config.Action{Method: "delete", Path: "orders/{{.order}}"},
			seen{Method: "DELETE", Path: "/orders/INV-42"}},
		{"urlquery escapes a path value", config.Action{Path: "/o/{{urlquery .order \"/\"}}"},
			seen{Method: "GET", Path: "/o/INV-42%2F"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newFakeMerchant(t, jsonAnswer(200, `{"ok":true}`))
			d := newDriver(t, m.URL, map[string]config.Action{"a": tc.action}, Options{})
			res, err := d.Do(context.Background(), "a", vars)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			got := m.requests()
			if len(got) != 1 {
				t.Fatalf("merchant saw %d requests, want 1", len(got))
			}
			checkSeen(t, got[0], tc.want)
			if res.Status != 200 || res.Exchange.Request.Method != tc.want.Method {
				t.Errorf("status %d, recorded method %q", res.Status, res.Exchange.Request.Method)
			}
		})
	}
}

func checkSeen(t *testing.T, got, want seen) {
	t.Helper()
	if got.Method != want.Method || unescape(got.Path) != unescape(want.Path) || got.RawQuery != want.RawQuery || got.Body != want.Body {
		t.Errorf("got %s %s ?%s body %s\nwant %s %s ?%s body %s", got.Method, got.Path, got.RawQuery, got.Body,
			want.Method, want.Path, want.RawQuery, want.Body)
	}
	for k, v := range want.Header {
		if g := got.Header.Values(k); !reflect.DeepEqual(g, v) {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
}

// unescape compares decoded paths: the server already decodes %2F.
func unescape(p string) string { return strings.ReplaceAll(p, "%2F", "/") }

func TestDo_CapturesFromTheJSONAnswer(t *testing.T) {
	m := newFakeMerchant(t, jsonAnswer(201, `{"order_id":"ORD-7","redirect_url":"https://pay.example/r?x=1","amount":15000,"items":[{"sku":"A"}],"meta":{"k":"v"}}`))
	d := newDriver(t, m.URL, map[string]config.Action{"checkout": {Path: "/checkout", JSON: map[string]any{},
		Capture: map[string]string{"order": "order_id", "redirect": "redirect_url", "amount": "amount", "sku": "items.0.sku", "meta": "meta"}}}, Options{})
	res, err := d.Do(context.Background(), "checkout", nil)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	want := map[string]string{"order": "ORD-7", "redirect": "https://pay.example/r?x=1", "amount": "15000", "sku": "A", "meta": `{"k":"v"}`}
	if !reflect.DeepEqual(res.Captures, want) {
		t.Errorf("captures %v, want %v", res.Captures, want)
	}
	if res.Status != 201 {
		t.Errorf("status %d, want 201", res.Status)
	}
	if obj, ok := res.JSON.(map[string]any); !ok || obj["order_id"] != "ORD-7" {
		t.Errorf("JSON = %#v", res.JSON)
	}
	if res.Exchange.Kind != evidence.KindAction || res.Exchange.Label != "checkout" || res.Exchange.Response.Status != 201 {
		t.Errorf("exchange %+v", res.Exchange)
	}
}

func TestDo_MissingCaptureNamesThePathAndShowsTheBody(t *testing.T) {
	m := newFakeMerchant(t, jsonAnswer(200, `{"status":"pending"}`))
	d := newDriver(t, m.URL, map[string]config.Action{"status": {Path: "/s",
		Capture: map[string]string{"status": "status", "count": "fulfilments.count"}}}, Options{})
	res, err := d.Do(context.Background(), "status", nil)
	if !errors.Is(err, ErrCapture) {
		t.Fatalf("err = %v, want ErrCapture", err)
	}
	for _, s := range []string{`count (path "fulfilments.count") not found`, `{"status":"pending"}`, "HTTP 200"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	if res.Captures["status"] != "pending" || res.Exchange.Error != err.Error() {
		t.Errorf("captures %v, exchange error %q", res.Captures, res.Exchange.Error)
	}
}

func TestDo_ReturnsARedirectWithoutFollowingIt(t *testing.T) {
	m := newFakeMerchant(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://pay.example/checkout/abc", http.StatusFound)
	})
	d := newDriver(t, m.URL, map[string]config.Action{"go": {Path: "/go"}}, Options{})
	res, err := d.Do(context.Background(), "go", nil)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if res.Status != http.StatusFound || res.Exchange.Response.Headers["Location"][0] != "https://pay.example/checkout/abc" {
		t.Errorf("status %d headers %v", res.Status, res.Exchange.Response.Headers)
	}
}

func TestDo_AbsolutePathIsUsedAsIs(t *testing.T) {
	m := newFakeMerchant(t, jsonAnswer(200, `{}`))
	d := newDriver(t, "http://127.0.0.1:1", map[string]config.Action{"follow": {Path: "{{.redirect}}"}}, Options{})
	if _, err := d.Do(context.Background(), "follow", map[string]any{"redirect": m.URL + "/landing?x=1"}); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if got := m.requests(); len(got) != 1 || got[0].Path != "/landing" || got[0].RawQuery != "x=1" {
		t.Errorf("requests %+v", got)
	}
}

func TestDo_UnreachableMerchantIsAnErrorWithTheExchange(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	d := newDriver(t, "http://"+addr, map[string]config.Action{"checkout": {Path: "/checkout", JSON: map[string]any{"a": "1"}}}, Options{})
	res, err := d.Do(context.Background(), "checkout", nil)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	if !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "POST http://"+addr+"/checkout") {
		t.Errorf("error lacks the reason or target: %v", err)
	}
	ex := res.Exchange
	if ex.Error == "" || ex.Request.URL != "http://"+addr+"/checkout" || ex.Request.Body != `{"a":"1"}` || ex.Response != nil {
		t.Errorf("exchange %+v", ex)
	}
}

func TestDo_TimesOutWhenTheMerchantHangs(t *testing.T) {
	m := newFakeMerchant(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	d := newDriver(t, m.URL, map[string]config.Action{
		"slow": {Path: "/slow", Timeout: config.Duration(30 * time.Millisecond)},
	}, Options{})
	res, err := d.Do(context.Background(), "slow", nil)
	if !errors.Is(err, ErrTimeout) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrTimeout only", err)
	}
	if !strings.Contains(err.Error(), "within 30ms") || res.Exchange.Error == "" {
		t.Errorf("error %q, exchange error %q", err, res.Exchange.Error)
	}
}

func TestDo_CancelledRunIsNotATimeout(t *testing.T) {
	m := newFakeMerchant(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	d := newDriver(t, m.URL, map[string]config.Action{"slow": {Path: "/slow"}}, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := d.Do(ctx, "slow", nil)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestDo_NonJSONAnswer(t *testing.T) {
	html := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>Thanks!</html>"))
	}
	m := newFakeMerchant(t, html)
	d := newDriver(t, m.URL, map[string]config.Action{
		"page":    {Path: "/thanks"},
		"capture": {Path: "/thanks", Capture: map[string]string{"order": "order_id"}},
	}, Options{})
	res, err := d.Do(context.Background(), "page", nil)
	if err != nil || res.JSON != nil || string(res.Body) != "<html>Thanks!</html>" {
		t.Fatalf("without captures: err %v, JSON %v, body %q", err, res.JSON, res.Body)
	}
	res, err = d.Do(context.Background(), "capture", nil)
	if !errors.Is(err, ErrNotJSON) || !strings.Contains(err.Error(), "<html>Thanks!</html>") {
		t.Fatalf("with captures: err = %v, want ErrNotJSON showing the body", err)
	}
	for _, want := range []string{"is not JSON", "Content-Type: text/html", "so order cannot be read"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v; want it to say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "add capture") {
		t.Errorf("err = %v; a non-JSON answer is not a missing capture", err)
	}
	if res.Status != 200 || res.Exchange.Error == "" {
		t.Errorf("status %d, exchange error %q", res.Status, res.Exchange.Error)
	}
}

// A non-JSON answer is quoted by its Content-Type and first bytes, with
// secrets redacted before the quote is cut.
func TestDo_NonJSONAnswerShowsItsStartRedacted(t *testing.T) {
	const secret = "tok-very-secret-value"
	m := newFakeMerchant(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("upstream said: token=" + secret + " " + strings.Repeat("z", 500)))
	})
	d := newDriver(t, m.URL, map[string]config.Action{
		"status": {Path: "/status", Capture: map[string]string{"status": "order.status"}},
	}, Options{Redactor: evidence.NewRedactor(secret)})
	_, err := d.Do(context.Background(), "status", nil)
	if !errors.Is(err, ErrNotJSON) {
		t.Fatalf("err = %v; want ErrNotJSON", err)
	}
	msg := err.Error()
	for _, want := range []string{"Content-Type: text/plain; charset=utf-8", "first 120", "upstream said: token=" + evidence.Redacted} {
		if !strings.Contains(msg, want) {
			t.Errorf("err = %v; want %q", msg, want)
		}
	}
	if strings.Contains(msg, secret) || strings.Contains(msg, strings.Repeat("z", 200)) {
		t.Errorf("err = %v; want the secret redacted and the body cut", msg)
	}
}

func TestDo_OversizeAnswerIsTruncatedAndAnError(t *testing.T) {
	m := newFakeMerchant(t, jsonAnswer(200, `{"pad":"`+strings.Repeat("x", 300)+`"}`))
	d := newDriver(t, m.URL, map[string]config.Action{"big": {Path: "/big"}}, Options{MaxBody: 100})
	res, err := d.Do(context.Background(), "big", nil)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "answer larger than 100 bytes") {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if len(res.Body) != 100 || !res.Exchange.Response.Truncated || len(res.Exchange.Response.Body) != 100 {
		t.Errorf("body %d bytes, recorded truncated=%v", len(res.Body), res.Exchange.Response.Truncated)
	}
}

func TestDo_MissingVariableIsNamedAndNothingIsSent(t *testing.T) {
	m := newFakeMerchant(t, jsonAnswer(200, `{}`))
	d := newDriver(t, m.URL, map[string]config.Action{
		"refund": {Path: "/orders/{{.order}}/refund", JSON: map[string]any{"amount": "{{.amount}}"}},
	}, Options{})
	res, err := d.Do(context.Background(), "refund", map[string]any{"order": "INV-1", "ref": "x"})
	if !errors.Is(err, ErrTemplate) {
		t.Fatalf("err = %v, want ErrTemplate", err)
	}
	for _, s := range []string{`"amount"`, "json.amount", "variables set: order, ref"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
	if n := len(m.requests()); n != 0 {
		t.Errorf("merchant received %d requests", n)
	}
	if res.Exchange.Error == "" || res.Exchange.Label != "refund" {
		t.Errorf("exchange %+v", res.Exchange)
	}
}

func TestDo_UnknownActionListsTheDefinedOnes(t *testing.T) {
	d := newDriver(t, "http://127.0.0.1:1", map[string]config.Action{"checkout": {Path: "/c"}, "cancel": {Path: "/x"}}, Options{})
	res, err := d.Do(context.Background(), "refund", nil)
	if !errors.Is(err, ErrUnknownAction) || !strings.Contains(err.Error(), "cancel, checkout") {
		t.Fatalf("err = %v", err)
	}
	if res.Exchange.Label != "refund" || res.Exchange.Kind != evidence.KindAction || res.Exchange.Error == "" {
		t.Errorf("exchange %+v", res.Exchange)
	}
	if !d.Has("cancel") || d.Has("refund") || !reflect.DeepEqual(d.Names(), []string{"cancel", "checkout"}) {
		t.Errorf("Has/Names wrong: %v", d.Names())
	}
}

func TestDo_RedactsCredentialsAndSecrets(t *testing.T) {
	const secret = "sk-live-SUPERSECRET"
	m := newFakeMerchant(t, jsonAnswer(200, `{"echo":"`+secret+`"}`))
	d := newDriver(t, m.URL, map[string]config.Action{"admin": {
		Path:    "/admin",
		Query:   map[string]string{"key": "{{.key}}"},
		Headers: map[string]string{"Authorization": "Bearer {{.key}}", "X-Api-Key": "{{.key}}"},
		JSON:    map[string]any{"secret": "{{.key}}"},
		Capture: map[string]string{"missing": "nope"},
	}}, Options{Redactor: evidence.NewRedactor(secret)})
	res, err := d.Do(context.Background(), "admin", map[string]any{"key": secret})
	if !errors.Is(err, ErrCapture) {
		t.Fatalf("err = %v, want ErrCapture", err)
	}
	if got := m.requests(); got[0].Header.Get("Authorization") != "Bearer "+secret {
		t.Fatalf("the merchant must receive the real credential, got %q", got[0].Header.Get("Authorization"))
	}
	recorded, _ := json.Marshal(res.Exchange)
	if strings.Contains(string(recorded), secret) || strings.Contains(err.Error(), secret) {
		t.Fatalf("secret leaked:\nexchange %s\nerror %v", recorded, err)
	}
	if got := res.Exchange.Request.Headers["Authorization"]; len(got) != 1 || got[0] != "Bearer "+evidence.Redacted {
		t.Errorf("Authorization recorded as %q", got)
	}
}

func TestDo_StampsTheVirtualClock(t *testing.T) {
	virtual := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	m := newFakeMerchant(t, jsonAnswer(200, `{}`))
	d := newDriver(t, m.URL, map[string]config.Action{"a": {Path: "/"}}, Options{Clock: clock.NewFake(virtual)})
	res, err := d.Do(context.Background(), "a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Exchange.At.Virtual.Equal(virtual) || res.Exchange.At.Real.IsZero() {
		t.Errorf("stamp %+v", res.Exchange.At)
	}
}

func TestDo_ConcurrentCallsKeepDistinctIDs(t *testing.T) {
	m := newFakeMerchant(t, jsonAnswer(200, `{"id":"x"}`))
	d := newDriver(t, m.URL, map[string]config.Action{"a": {Path: "/{{.n}}", Capture: map[string]string{"id": "id"}}}, Options{})
	var wg sync.WaitGroup
	ids := make([]string, 16)
	for i := range ids {
		wg.Go(func() {
			res, err := d.Do(context.Background(), "a", map[string]any{"n": i})
			if err != nil {
				t.Error(err)
			}
			ids[i] = res.Exchange.ID
		})
	}
	wg.Wait()
	uniq := map[string]bool{}
	for _, id := range ids {
		uniq[id] = true
	}
	if len(uniq) != len(ids) || len(m.requests()) != len(ids) {
		t.Errorf("ids %v, requests %d", ids, len(m.requests()))
	}
}

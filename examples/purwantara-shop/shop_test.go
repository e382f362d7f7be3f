package purwantarashop

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestCheckout_CreatesOnTheChosenChannelWithBearerAndReference(t *testing.T) {
	cases := []struct {
		channel, path, amountField, refField string
	}{
		{"virtual-account", "/v1/virtual-account", "expected_amount", "external_id"},
		{"qris", "/v1/qris", "amount", "order_id"},
		{"ewallet/ovo", "/v1/ewallet/ovo", "amount", "external_id"},
		{"ewallet/shopeepay", "/v1/ewallet/shopeepay", "amount", "external_id"},
		{"ewallet/dana", "/v1/ewallet/dana", "amount", "external_id"},
		{"payment-link", "/v1/payment-link", "amount", "external_id"},
		{"counter", "/v1/counter", "expected_amount", "external_id"},
	}
	for _, c := range cases {
		t.Run(c.channel, func(t *testing.T) {
			b := newBench(t)
			id := b.checkout(t, c.channel)
			r := b.ppn.requests()[0]
			if r.Path != c.path || r.Auth != "Bearer "+testToken || r.Accept != "application/json" {
				t.Errorf("request %s auth %q accept %q", r.Path, r.Auth, r.Accept)
			}
			if r.Body[c.amountField] != float64(15000) || r.Body[c.refField] != id {
				t.Errorf("body %v", r.Body)
			}
			if o := b.order(t, id); o["status"] != "pending" || o["uuid"] == "" || num(o["fulfilments"]) != 0 {
				t.Errorf("order %v", o)
			}
		})
	}
}

// Purwantara answers a successful create with status 201 (HTTP and body);
// the shop must take it as created. 200 is accepted too.
func TestCheckout_AcceptsPurwantaras201(t *testing.T) {
	for _, c := range []struct{ http, body int }{{http.StatusCreated, 201}, {http.StatusOK, 200}, {http.StatusOK, 201}, {http.StatusCreated, 200}} {
		t.Run(fmt.Sprint(c.http, "/", c.body), func(t *testing.T) {
			b := newBench(t)
			b.ppn.status, b.ppn.createStatus = c.http, c.body
			status, out := b.do(t, http.MethodPost, "/checkout", `{"amount":"15000","channel":"payment-link"}`, nil)
			if status != http.StatusOK || out["uuid"] == "" || out["redirect_url"] != "https://pay.example/x" {
				t.Fatalf("HTTP %d %v", status, out)
			}
		})
	}
}

func TestCheckout_RejectsBadInput(t *testing.T) {
	b := newBench(t)
	for _, body := range []string{`{"amount":"0"}`, `{"amount":"15000.50"}`, `{"amount":"abc"}`,
		`{"amount":"15000","channel":"gopay"}`, `[`} {
		if status, _ := b.do(t, http.MethodPost, "/checkout", body, nil); status != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d, want 400", body, status)
		}
	}
	if len(b.ppn.requests()) != 0 {
		t.Error("bad input reached Purwantara")
	}
}

func TestCheckout_GatewayRefusalLeavesNoPayableOrder(t *testing.T) {
	cases := []struct {
		gateway int
		kept    bool // a 5xx is "unknown": the order stays pending for reconcile
	}{{http.StatusUnauthorized, false}, {http.StatusUnprocessableEntity, false}, {http.StatusInternalServerError, true}}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.gateway), func(t *testing.T) {
			b := newBench(t)
			b.ppn.status = c.gateway
			status, out := b.do(t, http.MethodPost, "/checkout", `{"amount":"15000"}`, nil)
			if status != http.StatusBadGateway || num(out["gateway_status"]) != c.gateway {
				t.Fatalf("HTTP %d %v", status, out)
			}
			if msg, _ := out["error"].(string); !strings.Contains(msg, "REFUSED: refused") {
				t.Errorf("error %q does not carry Purwantara's error.code and error.message", msg)
			}
			got, _ := b.do(t, http.MethodGet, "/orders/"+out["order_id"].(string), "", nil)
			if kept := got == http.StatusOK; kept != c.kept {
				t.Errorf("order kept = %v, want %v", kept, c.kept)
			}
		})
	}
}

func TestWebhook_PaidFulfilsExactlyOnce(t *testing.T) {
	b := newBench(t)
	id := b.checkout(t, "payment-link")
	for i, delivery := range []string{"d-1", "d-1", "d-2"} {
		if code := b.hook(t, id, "PAID", delivery); code != http.StatusOK {
			t.Fatalf("webhook %d: HTTP %d", i+1, code)
		}
	}
	if o := b.order(t, id); o["status"] != "paid" || num(o["fulfilments"]) != 1 {
		t.Errorf("order %v", o)
	}
}

func TestWebhook_ConcurrentCopiesFulfilOnce(t *testing.T) {
	b := newBench(t)
	id := b.checkout(t, "qris")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.hook(t, id, "PAID", fmt.Sprintf("c-%d", i%3))
		}()
	}
	wg.Wait()
	if got := num(b.order(t, id)["fulfilments"]); got != 1 {
		t.Errorf("%d fulfilments", got)
	}
}

func TestWebhook_RejectsWhatIsNotAuthentic(t *testing.T) {
	b := newBench(t)
	id := b.checkout(t, "payment-link")
	uuid := b.order(t, id)["uuid"].(string)
	body := webhookBody(uuid, id, "PAID", "15000.0000")
	tampered := webhookBody(uuid, id, "PAID", "1.0000")
	cases := []struct {
		name string
		body []byte
		sig  string
		want int
	}{
		{"wrong secret", body, sign("not-the-secret", body), http.StatusUnauthorized},
		{"missing signature", body, "", http.StatusUnauthorized},
		{"not hex", body, "zz" + sign(testSecret, body)[2:], http.StatusUnauthorized},
		{"tampered after signing", tampered, sign(testSecret, body), http.StatusUnauthorized},
		{"signed but wrong amount", tampered, sign(testSecret, tampered), http.StatusBadRequest},
		{"signed but another transaction", webhookBody("other-uuid", id, "PAID", "15000.0000"),
			sign(testSecret, webhookBody("other-uuid", id, "PAID", "15000.0000")), http.StatusBadRequest},
		{"signed but unknown order", webhookBody(uuid, "PPN-nope", "PAID", "15000.0000"),
			sign(testSecret, webhookBody(uuid, "PPN-nope", "PAID", "15000.0000")), http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, _ := b.do(t, http.MethodPost, WebhookPath, string(c.body), hookHeaders(c.sig, "x-"+c.name)); code != c.want {
				t.Errorf("HTTP %d, want %d", code, c.want)
			}
		})
	}
	if o := b.order(t, id); o["status"] != "pending" || num(o["fulfilments"]) != 0 {
		t.Errorf("order changed: %v", o)
	}
}

func TestWebhook_StatusesMoveOnlyForwardFromPending(t *testing.T) {
	cases := []struct {
		name   string
		events []string
		want   string
		ships  int
	}{
		{"active is nothing", []string{"ACTIVE"}, "pending", 0},
		{"expired closes", []string{"ACTIVE", "EXPIRED"}, "expired", 0},
		{"failed closes", []string{"FAILED"}, "failed", 0},
		{"late paid after expiry does not ship", []string{"EXPIRED", "PAID"}, "expired", 0},
		{"late expiry after paid does not downgrade", []string{"PAID", "EXPIRED"}, "paid", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBench(t)
			id := b.checkout(t, "virtual-account")
			for i, ev := range c.events {
				if code := b.hook(t, id, ev, fmt.Sprint("d", i)); code != http.StatusOK {
					t.Fatalf("%s: HTTP %d", ev, code)
				}
			}
			if o := b.order(t, id); o["status"] != c.want || num(o["fulfilments"]) != c.ships {
				t.Errorf("order %v, want %s with %d fulfilments", o, c.want, c.ships)
			}
		})
	}
}

func TestReconcile_AppliesTheInquiry(t *testing.T) {
	b := newBench(t)
	id := b.checkout(t, "counter")
	b.ppn.inquiry = "PAID"
	for range 2 {
		if status, out := b.do(t, http.MethodPost, "/orders/"+id+"/reconcile", "", nil); status != http.StatusOK {
			t.Fatalf("HTTP %d %v", status, out)
		}
	}
	if o := b.order(t, id); o["status"] != "paid" || num(o["fulfilments"]) != 1 {
		t.Errorf("order %v", o)
	}
	if last := b.ppn.requests()[2]; last.Method != http.MethodGet || last.Path != "/v1/counter/inquiry/"+b.ppn.lastUUID {
		t.Errorf("inquiry %s %s", last.Method, last.Path)
	}
}

func TestCancel_VirtualAccountsOnly(t *testing.T) {
	b := newBench(t)
	va := b.checkout(t, "virtual-account")
	if status, out := b.do(t, http.MethodPost, "/orders/"+va+"/cancel", "", nil); status != http.StatusOK || out["status"] != "cancelled" {
		t.Errorf("cancel VA: HTTP %d %v", status, out)
	}
	qr := b.checkout(t, "qris")
	if status, _ := b.do(t, http.MethodPost, "/orders/"+qr+"/cancel", "", nil); status != http.StatusConflict {
		t.Errorf("cancel QRIS: HTTP %d, want 409", status)
	}
}

func TestNew_RefusesIncompleteConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no gateway": {APIToken: "t", WebhookSecret: "s"},
		"no token":   {GatewayURL: "http://g", WebhookSecret: "s"},
		"no secret":  {GatewayURL: "http://g", APIToken: "t"},
		"bad fault":  {GatewayURL: "http://g", APIToken: "t", WebhookSecret: "s", Faults: []string{"nope"}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

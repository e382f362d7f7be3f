package astapa

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// These tests pin facts of Astapa's shop-payments page (seed 003, fact
// sheet §4); docs/emulators/astapa.md maps each one to its source.

// The item.purchased webhook carries the published sample's keys, in its
// order, with item_id "__direct__", an integer amount, IDR and the
// merchant's metadata echoed.
func TestWebhook_KeysInThePublishedOrder(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	res := f.act("pay", "A-1", nil)
	body := res.Deliveries[0].Exchange.Request.Body
	for h := range res.Deliveries[0].Exchange.Request.Headers {
		if strings.Contains(strings.ToLower(h), "signature") {
			t.Errorf("header %s: Astapa describes no webhook signature", h)
		}
	}
	var keys []string
	dec := json.NewDecoder(strings.NewReader(body))
	_, _ = dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		_ = dec.Decode(&skip)
	}
	want := "event,order_id,item_id,item_name,buyer_email,buyer_name,amount,currency,paid_at,metadata"
	if got := strings.Join(keys, ","); got != want {
		t.Errorf("keys %s, want %s", got, want)
	}
	for _, s := range []string{`"item_id":"__direct__"`, `"amount":15000,`, `"currency":"IDR"`, `"store_slug":"warung"`, `"paid_at":"2026-05-06T10:00:00Z"`} {
		if !strings.Contains(body, s) {
			t.Errorf("webhook lacks %s: %s", s, body)
		}
	}
}

// "Server-side only. Never call this from the browser": a create sent
// from a web page is answered, and recorded as a violation.
func TestCreate_FromABrowserIsAViolation(t *testing.T) {
	f := newFixture(t)
	for i, hdr := range [][2]string{{"Origin", "https://shop.example"}, {"Sec-Fetch-Mode", "cors"}} {
		req, _ := http.NewRequest(http.MethodPost, f.emu.URL()+"/api/platform/shop-payment",
			bytes.NewBufferString(createBody(map[string]any{"order_id": []string{"B-1", "B-2"}[i]})))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(hdr[0], hdr[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		calls := f.emu.Calls(APICreatePayment)
		v := calls[len(calls)-1].Violations
		if resp.StatusCode != http.StatusOK || len(v) != 1 || !strings.Contains(v[0], "server-side only") {
			t.Errorf("%s: HTTP %d violations %v", hdr[0], resp.StatusCode, v)
		}
	}
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(map[string]any{"order_id": "S-1"}))
	if calls := f.emu.Calls(APICreatePayment); len(calls[len(calls)-1].Violations) != 0 {
		t.Errorf("a server-side create has violations %v", calls[len(calls)-1].Violations)
	}
}

var refresh = regexp.MustCompile(`<meta http-equiv="refresh" content="3;url=([^"]+)">`)

// The callback page "polls every 3 seconds for up to 60 seconds if status
// is still pending" and "auto-redirects back to your store if you passed
// metadata.store_slug" once there is an outcome.
func TestCallbackPage_PollsWhilePendingThenReturnsToTheStore(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	page := func(q string) string {
		resp, err := http.Get(f.emu.URL() + "/purchase/callback?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	m := refresh.FindStringSubmatch(page("order_id=A-1"))
	if m == nil || m[1] != "/purchase/callback?order_id=A-1&amp;poll=1" {
		t.Fatalf("pending page does not poll in 3 s: %v", m)
	}
	if m := refresh.FindStringSubmatch(page("order_id=A-1&poll=19")); m == nil || !strings.Contains(m[1], "poll=20") {
		t.Errorf("poll 19 of 20 stops early: %v", m)
	}
	if p := page("order_id=A-1&poll=20"); refresh.MatchString(p) || !strings.Contains(p, "Menunggu pembayaran") {
		t.Errorf("after 60 s the page still reloads, or lost its pending state:\n%s", p)
	}
	f.act("pay", "A-1", nil)
	p := page("order_id=A-1&poll=4")
	if m := refresh.FindStringSubmatch(p); m == nil || m[1] != f.emu.URL()+"/warung" || !strings.Contains(p, "Pembayaran berhasil") {
		t.Errorf("a paid payment does not return to the store:\n%s", p)
	}
	_, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", "")
	if v["redirect_url"] != f.emu.URL()+"/warung" {
		t.Errorf("verify redirect_url %v differs from the page's", v["redirect_url"])
	}
}

// "Webhook on settlement": item.purchased fires when a payment settles;
// cancel, expire and refund send nothing (a choice: Astapa documents no
// other event), so merchants learn them from verify.
func TestWebhook_OnlyOnSettlement(t *testing.T) {
	f := newFixture(t)
	for i, steps := range [][]string{{actCancel}, {actExpire}, {actPay, actRefund}} {
		id := []string{"C-1", "E-1", "R-1"}[i]
		f.call(http.MethodPost, "/api/platform/shop-payment", createBody(map[string]any{"order_id": id}))
		for _, s := range steps {
			f.act(s, id, nil)
		}
		want := 0
		if steps[0] == actPay {
			want = 1
		}
		if n := len(f.emu.Deliveries(id)); n != want {
			t.Errorf("%v: %d webhooks, want %d", steps, n, want)
		}
	}
}

// invoice_url is where the buyer pays (Midtrans' UI behind Astapa); after
// paying the buyer lands on /purchase/callback?order_id=.
func TestInvoicePage_PayLandsOnTheCallbackPage(t *testing.T) {
	f := newFixture(t)
	_, m := f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	inv := m["invoice_url"].(string)
	resp, err := http.Get(inv)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "/pay\"") {
		t.Fatalf("invoice page HTTP %d:\n%s", resp.StatusCode, page)
	}
	resp, err = http.Post(inv+"/pay", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path != "/purchase/callback" || resp.Request.URL.Query().Get("order_id") != "A-1" ||
		!strings.Contains(string(page), "Pembayaran berhasil") {
		t.Errorf("after paying the buyer is at %s:\n%s", resp.Request.URL, page)
	}
}

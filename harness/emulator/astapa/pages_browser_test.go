package astapa

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator/internal/browsertest"
	"github.com/uatrun/uatrun/harness/evidence"
)

// storeShop starts an emulator whose project webhook URL is a fresh
// in-test merchant that acknowledges every item.purchased with 200.
func storeShop(t *testing.T) (*Emulator, *browsertest.Merchant) {
	shop := browsertest.NewMerchant(t, nil)
	emu, err := New(Options{ClientID: testID, ClientSecret: testSecret, WebhookURL: shop.URL + "/webhooks/astapa",
		Clock: clock.NewFake(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC)), Redactor: evidence.NewRedactor(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	return emu, shop
}

// createInvoice creates a shop payment as the merchant's server does and
// answers its invoice_url.
func createInvoice(t *testing.T, emu *Emulator, order, slug string) string {
	t.Helper()
	f := &fixture{t: t, emu: emu}
	st, res := f.call(http.MethodPost, "/api/platform/shop-payment", createBody(map[string]any{"order_id": order,
		"metadata": map[string]any{"store_id": "s1", "store_slug": slug, "store_name": "Warung Kopi"}}))
	link, _ := res["invoice_url"].(string)
	if st != http.StatusOK || link == "" {
		t.Fatalf("create %s: HTTP %d %v", order, st, res)
	}
	return link
}

func TestInvoicePages_Browser(t *testing.T) {
	b := browsertest.Start(t)

	t.Run("pay, land on the store, a second press refused", func(t *testing.T) {
		t.Parallel() // each flow waits 3 s on the callback page's refresh
		emu, shop := storeShop(t)
		invoice := createInvoice(t, emu, "AST-PAY", "warung-kopi")
		stale := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH) // the same invoice left open in another tab
		browsertest.Do(t, stale, "open a second copy", chromedp.Navigate(invoice), chromedp.WaitVisible(chromedp.CSS("button.pay")))

		ctx := b.Tab(t, browsertest.DesktopW, browsertest.DesktopH)
		browsertest.Do(t, ctx, "open invoice_url", chromedp.Navigate(invoice), chromedp.WaitVisible(chromedp.CSS("button.pay")))
		browsertest.CheckPage(t, ctx, "astapa-invoice")
		if !browsertest.Tabbable(t, ctx, "button.pay") {
			t.Error("Bayar is not reachable with Tab")
		}
		browsertest.Do(t, ctx, "pay", chromedp.Click(chromedp.CSS("button.pay")))
		cb := browsertest.WaitURL(t, ctx, "the purchase callback page", func(u string) bool { return strings.Contains(u, "/purchase/callback?") })
		if want := emu.URL() + "/purchase/callback?order_id=AST-PAY"; cb != want {
			t.Errorf("callback page at %s, want %s", cb, want)
		}
		if text := browsertest.Text(t, ctx); !strings.Contains(text, "Pembayaran berhasil") {
			t.Errorf("callback page after paying:\n%s", text)
		}
		browsertest.CheckPage(t, ctx, "astapa-callback-paid")

		n := shop.WaitNotifies(t, 1, 5*time.Second)
		var hook map[string]any
		if err := json.Unmarshal(n[0].Body, &hook); err != nil || n[0].Path != "/webhooks/astapa" {
			t.Fatalf("notify %s %s: %v", n[0].Path, n[0].Body, err)
		}
		if hook["event"] != "item.purchased" || !strings.Contains(string(n[0].Body), `"AST-PAY"`) {
			t.Errorf("notify %s", n[0].Body)
		}
		if ds := emu.Payments(); len(ds) != 1 || ds[0].Status != StatusSettlement || ds[0].Deliveries != 1 {
			t.Errorf("after paying: %+v", ds)
		}

		store := browsertest.WaitURL(t, ctx, "the store page", func(u string) bool { return !strings.Contains(u, "/purchase/callback") })
		if want := emu.URL() + "/warung-kopi"; store != want {
			t.Errorf("landed on %s, want %s", store, want)
		}
		if text := browsertest.Text(t, ctx); !strings.Contains(text, "Warung Kopi") {
			t.Errorf("store page:\n%s", text)
		}
		browsertest.CheckPage(t, ctx, "astapa-store")

		browsertest.Do(t, stale, "press Bayar on the stale copy", chromedp.Click(chromedp.CSS("button.pay")), chromedp.WaitVisible(chromedp.CSS("[role=alert]")))
		if text := browsertest.Text(t, stale); !strings.Contains(text, "sudah dibayar") {
			t.Errorf("second payment page:\n%s", text)
		}
		browsertest.CheckPage(t, stale, "astapa-invoice-refused")
		if len(shop.Notifies()) != 1 {
			t.Errorf("%d notifies after a second press", len(shop.Notifies()))
		}
	})

	t.Run("cancel, land on the store, no webhook", func(t *testing.T) {
		t.Parallel()
		emu, shop := storeShop(t)
		invoice := createInvoice(t, emu, "AST-CANCEL", "warung-kopi")
		ctx := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH)
		browsertest.Do(t, ctx, "open invoice_url and press Batal", chromedp.Navigate(invoice), chromedp.Click(chromedp.CSS("button.cancel")))
		browsertest.WaitURL(t, ctx, "the purchase callback page", func(u string) bool { return strings.Contains(u, "/purchase/callback?") })
		if text := browsertest.Text(t, ctx); !strings.Contains(text, "Pembayaran gagal") {
			t.Errorf("callback page after cancelling:\n%s", text)
		}
		browsertest.CheckPage(t, ctx, "astapa-callback-cancelled")
		if store := browsertest.WaitURL(t, ctx, "the store page", func(u string) bool { return !strings.Contains(u, "/purchase/callback") }); store != emu.URL()+"/warung-kopi" {
			t.Errorf("landed on %s", store)
		}
		if ds := emu.Payments(); len(ds) != 1 || ds[0].Status != StatusCancel {
			t.Errorf("after cancelling: %+v", ds)
		}
		if len(shop.Notifies()) != 0 {
			t.Errorf("a cancelled payment sent %d notifies", len(shop.Notifies()))
		}
	})
}

package midtrans

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/uatrun/uatrun/harness/emulator/internal/browsertest"
)

func TestSnapPage_Browser(t *testing.T) {
	b := browsertest.Start(t)
	// open creates a Snap transaction at an emulator whose notification and
	// finish URLs are a fresh in-test merchant's, and opens redirect_url.
	open := func(t *testing.T, order string, w, h int) (*fixture, *browsertest.Merchant, string, tab) {
		shop := browsertest.NewMerchant(t, func(browsertest.Call) (int, string, []byte) { return http.StatusOK, "text/plain", []byte("OK") })
		f := newFixture(t, func(o *Options) {
			o.NotifyURL, o.FinishURL = shop.URL+"/midtrans/notification", shop.URL+"/finish"
		})
		body, _ := json.Marshal(map[string]any{"transaction_details": map[string]any{"order_id": order, "gross_amount": 150000}})
		st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", string(body))
		page, _ := m["redirect_url"].(string)
		if st != http.StatusCreated || page == "" {
			t.Fatalf("create %s: HTTP %d %v", order, st, m)
		}
		ctx := b.Tab(t, w, h)
		browsertest.Do(t, ctx, "open redirect_url", chromedp.Navigate(page))
		return f, shop, page, tab{ctx}
	}

	t.Run("pay, then the page offers no second payment", func(t *testing.T) {
		_, shop, page, tb := open(t, "SNAP-PAY", browsertest.DesktopW, browsertest.DesktopH)
		ctx := tb.ctx
		browsertest.CheckPage(t, ctx, "midtrans-snap")
		if !browsertest.Tabbable(t, ctx, "button.pay") {
			t.Error("Pay is not reachable with Tab")
		}
		browsertest.Do(t, ctx, "pay", chromedp.Click(chromedp.CSS("button.pay")))
		landed := browsertest.WaitURL(t, ctx, "finish URL", func(u string) bool { return shop.LandedOn(u, "/finish") })
		if want := shop.URL + "/finish?order_id=SNAP-PAY&status_code=200&transaction_status=settlement"; landed != want {
			t.Errorf("landed on %s, want %s", landed, want)
		}
		n := shop.WaitNotifies(t, 1, 5*time.Second)
		if !strings.Contains(string(n[0].Body), `"transaction_status":"settlement"`) {
			t.Errorf("notification %s", n[0].Body)
		}
		browsertest.Do(t, ctx, "open again", chromedp.Navigate(page))
		if c, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("button.pay").length`)); err != nil || c != 0 {
			t.Errorf("a settled transaction offers %d Pay buttons (%v)", c, err)
		}
		browsertest.Shot(t, ctx, "midtrans-snap-settled-desktop")
		if len(shop.Notifies()) != 1 {
			t.Errorf("%d notifications", len(shop.Notifies()))
		}
	})

	t.Run("deny keeps the shopper on the page", func(t *testing.T) {
		_, shop, page, tb := open(t, "SNAP-DENY", browsertest.PhoneW, browsertest.PhoneH)
		browsertest.Do(t, tb.ctx, "deny", chromedp.Click(chromedp.CSS("button.deny")))
		if u := browsertest.WaitURL(t, tb.ctx, "the page again", func(u string) bool { return strings.HasPrefix(u, page) }); u != page {
			t.Errorf("after one denial at %s", u)
		}
		n := shop.WaitNotifies(t, 1, 5*time.Second)
		if !strings.Contains(string(n[0].Body), `"transaction_status":"deny"`) {
			t.Errorf("notification %s", n[0].Body)
		}
	})

	t.Run("back to merchant leaves it pending", func(t *testing.T) {
		_, shop, _, tb := open(t, "SNAP-BACK", browsertest.PhoneW, browsertest.PhoneH)
		browsertest.Do(t, tb.ctx, "back", chromedp.Click(chromedp.CSS("button.back")))
		landed := browsertest.WaitURL(t, tb.ctx, "finish URL", func(u string) bool { return shop.LandedOn(u, "/finish") })
		if !strings.Contains(landed, "order_id=SNAP-BACK") || !strings.Contains(landed, "transaction_status=pending") || len(shop.Notifies()) != 0 {
			t.Errorf("landed on %s with %d notifications", landed, len(shop.Notifies()))
		}
	})
}

type tab struct{ ctx context.Context }

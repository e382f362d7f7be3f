package dana

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/uatrun/uatrun/harness/emulator/internal/browsertest"
	"github.com/uatrun/uatrun/harness/snap"
)

// DANA's own browser flow for the hosted checkout (PaymentPGBrowser in
// github.com/dana-id/uat-script), with its selectors.
const (
	selDANAMethod   = `//*[contains(@class,"dana")]/*[contains(@class,"bank-title")]`
	selPhone        = `.desktop-input>.txt-input-phone-number-field`
	selContinue     = `.agreement__button>.btn-continue`
	selPIN          = `.txt-input-pin-field`
	selPay          = `.btn.btn-primary`
	selAlreadyPaid  = `//*[contains(text(),'order is already paid.')]`
	sandboxPhone    = "083811223355"
	sandboxPIN      = "181818"
	notifyAckWithin = 5 * time.Second
)

// browserShop is an in-test merchant that verifies DANA's finish notify
// signature and acknowledges it, and serves /return.
func browserShop(t *testing.T) *browsertest.Merchant {
	_, gk := testKeys(t)
	return browsertest.NewMerchant(t, func(c browsertest.Call) (int, string, []byte) {
		sts, err := snap.AsymmetricStringToSign(c.Method, c.Path, c.Body, c.Header.Get("X-TIMESTAMP"))
		if err == nil {
			err = snap.VerifyRSA(&gk.PublicKey, sts, c.Header.Get("X-SIGNATURE"))
		}
		if err != nil {
			return http.StatusUnauthorized, "application/json", []byte(`{"responseCode":"4015600","responseMessage":"Unauthorized. invalid signature"}`)
		}
		return http.StatusOK, "application/json", []byte(`{"responseCode":"2005600","responseMessage":"Successful"}`)
	})
}

// browserOrder creates an order whose PAY_RETURN and NOTIFICATION are the
// shop's, as a merchant would, and returns its webRedirectUrl.
func browserOrder(t *testing.T, f *fixture, shop *browsertest.Merchant, ref string) string {
	body := f.createBody(ref, "10000.00")
	body["urlParams"] = []any{
		map[string]any{"url": shop.URL + "/return?order=" + ref, "type": "PAY_RETURN", "isDeeplink": "N"},
		map[string]any{"url": shop.URL + "/v1.0/debit/notify", "type": "NOTIFICATION", "isDeeplink": "N"},
	}
	status, res := f.post(pathOf(APICreateOrder), body)
	if status != http.StatusOK || res.Get("responseCode").Str != "2005400" {
		t.Fatalf("create %s: HTTP %d %s", ref, status, res.Raw)
	}
	return res.Get("webRedirectUrl").Str
}

func TestCheckout_Browser(t *testing.T) {
	b := browsertest.Start(t)
	f := newFixture(t)
	if err := f.e.Start(""); err != nil {
		t.Fatal(err)
	}

	t.Run("PaymentPGBrowser flow pays once, second payment refused", func(t *testing.T) {
		shop := browserShop(t)
		page := browserOrder(t, f, shop, "INV-PG-1")
		ctx := b.Tab(t, browsertest.DesktopW, browsertest.DesktopH)
		browsertest.Do(t, ctx, "open webRedirectUrl", chromedp.Navigate(page))
		browsertest.CheckPage(t, ctx, "dana-gapura-checkout")
		if !browsertest.Tabbable(t, ctx, ".bank-title") {
			t.Error("the DANA method is not reachable with Tab")
		}
		browsertest.Do(t, ctx, "pick DANA", chromedp.Click(chromedp.Search(selDANAMethod)))
		browsertest.Do(t, ctx, "phone field", chromedp.WaitVisible(chromedp.CSS(selPhone)))
		browsertest.CheckPage(t, ctx, "dana-gapura-phone")
		browsertest.Do(t, ctx, "log in",
			chromedp.SendKeys(chromedp.CSS(selPhone), strings.TrimPrefix(sandboxPhone, "0")),
			chromedp.Click(chromedp.CSS(selContinue)),
			chromedp.WaitVisible(chromedp.CSS(selPIN)))
		browsertest.CheckPage(t, ctx, "dana-gapura-pin")
		if !browsertest.Tabbable(t, ctx, selPay) {
			t.Error("the pay button is not reachable with Tab")
		}
		browsertest.Do(t, ctx, "pay",
			chromedp.SendKeys(chromedp.CSS(selPIN), sandboxPIN),
			chromedp.Click(chromedp.CSS(selPay)))
		landed := browsertest.WaitURL(t, ctx, "PAY_RETURN", func(u string) bool { return shop.LandedOn(u, "/return") })
		if want := shop.URL + "/return?order=INV-PG-1"; landed != want {
			t.Errorf("landed on %s, want %s", landed, want)
		}
		n := shop.WaitNotifies(t, 1, notifyAckWithin)
		if len(n) != 1 || !strings.Contains(string(n[0].Body), `"latestTransactionStatus":"00"`) {
			t.Fatalf("notifies %d: %s", len(n), n[0].Body)
		}
		if o := f.order("INV-PG-1"); o.Status != StatusSuccess || o.Deliveries != 1 {
			t.Errorf("order %s after %d deliveries", o.Status, o.Deliveries)
		}

		// DANA's flow then opens the page again and presses pay.
		browsertest.Do(t, ctx, "open again", chromedp.Navigate(page))
		if !strings.Contains(browsertest.Text(t, ctx), "order is already paid.") {
			t.Error("a paid order's page does not say it is paid")
		}
		browsertest.Do(t, ctx, "pay again",
			chromedp.Click(chromedp.CSS(selPay)),
			chromedp.WaitVisible(chromedp.Search(selAlreadyPaid)))
		browsertest.Shot(t, ctx, "dana-gapura-already-paid-desktop")
		if got := len(shop.Notifies()); got != 1 {
			t.Errorf("%d notifies after paying twice, want 1", got)
		}
	})

	for _, tc := range []struct {
		name, button, status string
		notifies             int
	}{
		{"fail", "button.shortcut.fail", StatusClosed, 1},
		{"cancel", "button.shortcut.cancel", StatusInit, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shop := browserShop(t)
			ref := "INV-" + strings.ToUpper(tc.name)
			page := browserOrder(t, f, shop, ref)
			ctx := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH)
			browsertest.Do(t, ctx, "open and press "+tc.name, chromedp.Navigate(page), chromedp.Click(chromedp.CSS(tc.button)))
			if landed := browsertest.WaitURL(t, ctx, "PAY_RETURN", func(u string) bool { return shop.LandedOn(u, "/return") }); landed != shop.URL+"/return?order="+ref {
				t.Errorf("landed on %s", landed)
			}
			if tc.notifies > 0 {
				n := shop.WaitNotifies(t, tc.notifies, notifyAckWithin)
				if !strings.Contains(string(n[0].Body), `"latestTransactionStatus":"05"`) {
					t.Errorf("notify %s", n[0].Body)
				}
			}
			if o := f.order(ref); o.Status != tc.status || len(shop.Notifies()) != tc.notifies {
				t.Errorf("order %s with %d notifies", o.Status, len(shop.Notifies()))
			}
		})
	}

	t.Run("abandon then expire", func(t *testing.T) {
		shop := browserShop(t)
		page := browserOrder(t, f, shop, "INV-ABANDON")
		ctx := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH)
		browsertest.Do(t, ctx, "open and leave at the phone step",
			chromedp.Navigate(page), chromedp.Click(chromedp.Search(selDANAMethod)), chromedp.WaitVisible(chromedp.CSS(selPhone)))
		if o := f.order("INV-ABANDON"); o.Status != StatusInit || len(shop.Notifies()) != 0 {
			t.Fatalf("abandoned order %s with %d notifies", o.Status, len(shop.Notifies()))
		}
		f.act(actExpire, "INV-ABANDON", nil) // the order's clock runs out; no real wait
		browsertest.Do(t, ctx, "submit the stale login",
			chromedp.SendKeys(chromedp.CSS(selPhone), "83811223355"), chromedp.Click(chromedp.CSS(selContinue)),
			chromedp.WaitVisible(chromedp.Search(`//*[@role="alert"]`)))
		text := browsertest.Text(t, ctx)
		if !strings.Contains(text, "Payment refused") || !strings.Contains(text, "can no longer be paid") {
			t.Errorf("stale login on an expired order shows:\n%s", text)
		}
		browsertest.Do(t, ctx, "open again", chromedp.Navigate(page))
		browsertest.CheckPage(t, ctx, "dana-gapura-closed")
		if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".btn.btn-primary").length`)); err != nil || n != 0 {
			t.Errorf("an expired order offers %d pay buttons (%v)", n, err)
		}
	})
}

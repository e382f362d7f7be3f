package gopaymini

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/uatrun/uatrun/harness/emulator/internal/browsertest"
	"github.com/uatrun/uatrun/harness/snap"
)

// miniShop is the in-test merchant: it verifies the notify with the
// gateway's key and acknowledges it, and serves the mini app's /return.
func miniShop(t *testing.T, f *fixture) *browsertest.Merchant {
	return browsertest.NewMerchant(t, func(c browsertest.Call) (int, string, []byte) {
		sts, err := snap.AsymmetricStringToSign(c.Method, c.Path, c.Body, c.Header.Get("X-TIMESTAMP"))
		if err == nil {
			err = snap.VerifyRSA(&f.gkey.PublicKey, sts, c.Header.Get("X-SIGNATURE"))
		}
		if err != nil {
			return http.StatusUnauthorized, "application/json", []byte(`{"responseCode":"4015600","responseMessage":"Unauthorized. Invalid Signature"}`)
		}
		return http.StatusOK, "application/json", []byte(`{"responseCode":"2005600","responseMessage":"Successful"}`)
	})
}

func TestLaunchPage_Browser(t *testing.T) {
	b := browsertest.Start(t)
	f := newFixture(t, nil)
	create := func(t *testing.T, shop *browsertest.Merchant, ref string) string {
		st, res := f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", shop.URL+"/v1.0/debit/notify", shop.URL+"/return?ref="+ref), nil)
		if st != http.StatusOK || res.Get("responseCode").Str != "2005400" {
			t.Fatalf("create %s: %d %s", ref, st, res.Raw)
		}
		return res.Get("webRedirectUrl").Str
	}
	phone := func(t *testing.T) tab { return tab{b.Tab(t, browsertest.PhoneW, browsertest.PhoneH)} }

	t.Run("pay in a phone-sized screen, a second press refused", func(t *testing.T) {
		shop := miniShop(t, f)
		page := create(t, shop, "GP-PAY")
		stale := phone(t) // the same screen left open, pressed again later
		browsertest.Do(t, stale.ctx, "open a second copy", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("button.pay")))
		ctx := phone(t).ctx
		browsertest.Do(t, ctx, "open launchPayment's page", chromedp.Navigate(page))
		browsertest.CheckPage(t, ctx, "gopay-launch")
		browsertest.Do(t, ctx, "viewport phone", chromedp.EmulateViewport(browsertest.PhoneW, browsertest.PhoneH))
		if !browsertest.Tabbable(t, ctx, "button.pay") {
			t.Error("Pay is not reachable with Tab")
		}
		browsertest.Do(t, ctx, "pay", chromedp.Click(chromedp.CSS("button.pay")))
		if landed := browsertest.WaitURL(t, ctx, "PAY_RETURN", func(u string) bool { return shop.LandedOn(u, "/return") }); landed != shop.URL+"/return?ref=GP-PAY&status=success" {
			t.Errorf("landed on %s", landed)
		}
		n := shop.WaitNotifies(t, 1, 5*time.Second)
		if !strings.Contains(string(n[0].Body), `"latestTransactionStatus":"00"`) {
			t.Errorf("notify %s", n[0].Body)
		}
		browsertest.Do(t, stale.ctx, "press Pay on the stale copy", chromedp.Click(chromedp.CSS("button.pay")), chromedp.WaitVisible(chromedp.CSS(`[role=alert]`)))
		if text := browsertest.Text(t, stale.ctx); !strings.Contains(text, "Refused") {
			t.Errorf("second payment page:\n%s", text)
		}
		browsertest.Shot(t, stale.ctx, "gopay-launch-refused-phone")
		if len(shop.Notifies()) != 1 {
			t.Errorf("%d notifies after a second press", len(shop.Notifies()))
		}
	})

	for _, tc := range []struct{ button, status, notify string }{
		{"fail", "failed", `"latestTransactionStatus":"06"`},
		{"abandon", "pending", ""},
	} {
		t.Run(tc.button, func(t *testing.T) {
			shop := miniShop(t, f)
			ref := "GP-" + strings.ToUpper(tc.button)
			page := create(t, shop, ref)
			ctx := phone(t).ctx
			browsertest.Do(t, ctx, "open and press "+tc.button, chromedp.Navigate(page), chromedp.Click(chromedp.CSS("button."+tc.button)))
			if landed := browsertest.WaitURL(t, ctx, "PAY_RETURN", func(u string) bool { return shop.LandedOn(u, "/return") }); landed != shop.URL+"/return?ref="+ref+"&status="+tc.status {
				t.Errorf("landed on %s", landed)
			}
			if tc.notify == "" {
				if len(shop.Notifies()) != 0 {
					t.Errorf("abandoned payment sent %d notifies", len(shop.Notifies()))
				}
				return
			}
			n := shop.WaitNotifies(t, 1, 5*time.Second)
			if !strings.Contains(string(n[0].Body), `"latestTransactionStatus"`) {
				t.Errorf("notify %s", n[0].Body)
			}
		})
	}
}

type tab struct{ ctx context.Context }

package danawidget

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/uatrun/uatrun/harness/emulator/internal/browsertest"
)

// DANA's own browser flows for the widget (OauthBrowser and
// PaymentWidgetBrowser in github.com/dana-id/uat-script), with their
// selectors.
const (
	selMethod    = `//*[contains(@class,"dana")]/*[contains(@class,"bank-title")]`
	selPhone     = `.desktop-input>.txt-input-phone-number-field`
	selContinue  = `.agreement__button>.btn-continue`
	selPIN       = `.txt-input-pin-field`
	selPay       = `.btn.btn-primary`
	selPaidTwice = `//*[contains(text(),'order is already paid.')]`
	sandboxPIN   = "181818"
)

// fill replaces an input's value by typing, as Playwright's fill does.
func fill(sel, text string) chromedp.Action[chromedp.Void] {
	clear := chromedp.Evaluate[any](`document.querySelector(` + strconv.Quote(sel) + `).value = ""`)
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error { _, err := clear(ctx, t); return err }),
		chromedp.SendKeys(chromedp.CSS(sel), text))
}

func widgetShop(t *testing.T) *browsertest.Merchant {
	return browsertest.NewMerchant(t, func(c browsertest.Call) (int, string, []byte) {
		if c.Header.Get("X-SIGNATURE") == "" {
			return 401, "application/json", []byte(`{"responseCode":"4015600","responseMessage":"Unauthorized. missing signature"}`)
		}
		return 200, "application/json", []byte(`{"responseCode":"2005600","responseMessage":"Successful"}`)
	})
}

// cashierURL creates a widget payment whose PAY_RETURN and NOTIFICATION
// are shop's and returns its webRedirectUrl, with a fresh OTT of a
// binding of phone when phone is set (the complete payment URL).
func cashierURL(t *testing.T, u *wuat, shop *browsertest.Merchant, ref, phone string) string {
	body := u.payment(ref, "25000.00")
	body["urlParams"] = []any{
		map[string]any{"url": shop.URL + "/return?order=" + ref, "type": "PAY_RETURN", "isDeeplink": "N"},
		map[string]any{"url": shop.URL + "/notify", "type": "NOTIFICATION", "isDeeplink": "N"},
	}
	_, res := u.send(wPayPath, body, false, nil)
	if res.Get("responseCode").Str != "2005400" {
		t.Fatalf("widget payment: %s", res.Raw)
	}
	target, _ := url.Parse(res.Get("webRedirectUrl").Str)
	if phone != "" {
		tok := u.accessToken(phone)
		_, ott := u.send(wOTTPath, map[string]any{"userResources": []string{"OTT"}, "additionalInfo": map[string]any{"accessToken": tok, "deviceId": "deviceid123"}}, false, nil)
		q := target.Query()
		q.Set("ott", ott.Get("userResources.0.value").Str)
		target.RawQuery = q.Encode()
	}
	return target.String()
}

func (u *wuat) status(ref string) string {
	u.e.mu.Lock()
	defer u.e.mu.Unlock()
	o, err := u.e.st.lookup(ref)
	if err != nil {
		return "unknown"
	}
	return o.status
}

func TestPages_Browser(t *testing.T) {
	b := browsertest.Start(t)
	u := newWUAT(t)

	t.Run("OauthBrowser flow binds and redirects with authCode", func(t *testing.T) {
		shop := widgetShop(t)
		raw, _ := u.sdkOAuthURL(t, phoneOK, shop.URL+"/oauth/cb")
		ctx := b.Tab(t, browsertest.DesktopW, browsertest.DesktopH)
		browsertest.Do(t, ctx, "open the OAuth URL", chromedp.Navigate(raw), chromedp.WaitVisible(chromedp.CSS(selPhone)))
		browsertest.CheckPage(t, ctx, "dana-widget-oauth")
		if !browsertest.Tabbable(t, ctx, ".btn-continue") {
			t.Error("Continue is not reachable with Tab")
		}
		browsertest.Do(t, ctx, "log in", fill(selPhone, phoneOK), chromedp.Click(chromedp.CSS(selContinue)), chromedp.WaitVisible(chromedp.CSS(selPIN)))
		browsertest.CheckPage(t, ctx, "dana-widget-oauth-pin")
		browsertest.Do(t, ctx, "type the PIN", chromedp.SendKeys(chromedp.CSS(selPIN), sandboxPIN))
		landed := browsertest.WaitURL(t, ctx, "the redirect with authCode", func(s string) bool { return strings.Contains(s, "authCode=") })
		lu, _ := url.Parse(landed)
		code := lu.Query().Get("authCode")
		if !shop.LandedOn(landed, "/oauth/cb") || code == "" || lu.Query().Get("state") != "s1" {
			t.Fatalf("landed on %s", landed)
		}
		_, res := u.send(wTokenPath, map[string]any{"grantType": "AUTHORIZATION_CODE", "authCode": code, "refreshToken": "", "additionalInfo": map[string]any{}}, true, nil)
		if res.Get("accessToken").Str == "" {
			t.Errorf("the page's authCode does not apply: %s", res.Raw)
		}
	})

	t.Run("deny", func(t *testing.T) {
		shop := widgetShop(t)
		raw, _ := u.sdkOAuthURL(t, phoneOK, shop.URL+"/oauth/cb")
		ctx := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH)
		browsertest.Do(t, ctx, "open and deny", chromedp.Navigate(raw), chromedp.Click(chromedp.CSS("button.deny")))
		landed := browsertest.WaitURL(t, ctx, "the redirect", func(s string) bool { return shop.LandedOn(s, "/oauth/cb") })
		if q, _ := url.Parse(landed); q.Query().Get("error") != "access_denied" || q.Query().Get("authCode") != "" || q.Query().Get("state") != "s1" {
			t.Errorf("landed on %s", landed)
		}
	})

	t.Run("PaymentWidgetBrowser flow pays once, second payment refused", func(t *testing.T) {
		shop := widgetShop(t)
		page := cashierURL(t, u, shop, "W-PAY-1", phoneOK)
		ctx := b.Tab(t, browsertest.DesktopW, browsertest.DesktopH)
		browsertest.Do(t, ctx, "open the payment URL", chromedp.Navigate(page))
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.evaluate('`+strings.ReplaceAll(selMethod, `'`, `\'`)+`', document, null, 9, null).singleNodeValue !== null`)); ok {
			browsertest.Do(t, ctx, "pick DANA", chromedp.Click(chromedp.Search(selMethod)))
		}
		browsertest.Do(t, ctx, "phone field", chromedp.WaitVisible(chromedp.CSS(selPhone)))
		browsertest.CheckPage(t, ctx, "dana-widget-cashier")
		browsertest.Do(t, ctx, "log in and pay",
			fill(selPhone, strings.TrimPrefix(phoneOK, "0")),
			chromedp.Click(chromedp.CSS(selContinue)),
			chromedp.WaitVisible(chromedp.CSS(selPIN)))
		browsertest.CheckPage(t, ctx, "dana-widget-cashier-pin")
		browsertest.Do(t, ctx, "pay", chromedp.SendKeys(chromedp.CSS(selPIN), sandboxPIN), chromedp.Click(chromedp.CSS(selPay)))
		if landed := browsertest.WaitURL(t, ctx, "PAY_RETURN", func(s string) bool { return shop.LandedOn(s, "/return") }); landed != shop.URL+"/return?order=W-PAY-1" {
			t.Errorf("landed on %s", landed)
		}
		n := shop.WaitNotifies(t, 1, 5*time.Second)
		if !strings.Contains(string(n[0].Body), `"latestTransactionStatus":"00"`) {
			t.Errorf("notify %s", n[0].Body)
		}
		if s := u.status("W-PAY-1"); s != StatusSuccess {
			t.Errorf("order %s", s)
		}
		browsertest.Do(t, ctx, "pay again", chromedp.Navigate(page), chromedp.Click(chromedp.CSS(selPay)), chromedp.WaitVisible(chromedp.Search(selPaidTwice)))
		browsertest.Shot(t, ctx, "dana-widget-cashier-already-paid-desktop")
		if len(shop.Notifies()) != 1 {
			t.Errorf("%d notifies after paying twice", len(shop.Notifies()))
		}
	})

	t.Run("cashier without OTT: fail", func(t *testing.T) {
		shop := widgetShop(t)
		page := cashierURL(t, u, shop, "W-FAIL-1", "")
		ctx := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH)
		browsertest.Do(t, ctx, "open and fail", chromedp.Navigate(page), chromedp.Click(chromedp.CSS("button.fail")))
		if landed := browsertest.WaitURL(t, ctx, "PAY_RETURN", func(s string) bool { return shop.LandedOn(s, "/return") }); landed != shop.URL+"/return?order=W-FAIL-1" {
			t.Errorf("landed on %s", landed)
		}
		n := shop.WaitNotifies(t, 1, 5*time.Second)
		if !strings.Contains(string(n[0].Body), `"latestTransactionStatus":"05"`) || u.status("W-FAIL-1") != StatusClosed {
			t.Errorf("order %s, notify %s", u.status("W-FAIL-1"), n[0].Body)
		}
	})

	t.Run("cashier: cancel leaves the order open", func(t *testing.T) {
		shop := widgetShop(t)
		page := cashierURL(t, u, shop, "W-CANCEL-1", "")
		ctx := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH)
		browsertest.Do(t, ctx, "open and cancel", chromedp.Navigate(page), chromedp.Click(chromedp.CSS("button.cancel")))
		browsertest.WaitURL(t, ctx, "PAY_RETURN", func(s string) bool { return shop.LandedOn(s, "/return") })
		if s := u.status("W-CANCEL-1"); s != StatusInit || len(shop.Notifies()) != 0 {
			t.Errorf("order %s with %d notifies", s, len(shop.Notifies()))
		}
	})
}

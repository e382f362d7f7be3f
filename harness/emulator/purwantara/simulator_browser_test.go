package purwantara

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator/internal/browsertest"
)

// linkShop starts an emulator whose team Callback URL is a fresh in-test
// merchant: it checks each webhook's Signature with the team secret,
// answering 200 when it matches and 401 when not.
func linkShop(t *testing.T) (*fixture, *browsertest.Merchant) {
	shop := browsertest.NewMerchant(t, func(c browsertest.Call) (int, string, []byte) {
		if c.Header.Get(HeaderSignature) != Sign(testSecret, c.Body) {
			return http.StatusUnauthorized, "application/json", []byte(`{"success":false}`)
		}
		return http.StatusOK, "application/json", []byte(`{"success":true}`)
	})
	f := newFixture(t, func(o *Options) { o.CallbackURL = shop.URL + "/webhooks/purwantara" })
	return f, shop
}

// createLink creates a payment link as the merchant's server does and
// answers its payment_link_url.
func createLink(t *testing.T, f *fixture, shop *browsertest.Merchant, ref string) string {
	t.Helper()
	st, res := f.do(http.MethodPost, "/v1/payment-link", `{"amount":"15000","title":"Kopi Susu","external_id":"`+ref+
		`","return_url":"`+shop.URL+`/return?order=`+ref+`"}`)
	link := res.Get("data.payment_link_url").Str
	if st != http.StatusCreated || link == "" {
		t.Fatalf("create %s: HTTP %d %s", ref, st, res.Raw)
	}
	return link
}

// statusHook waits for the webhook whose payload status is want and
// checks that the merchant acknowledged it.
func statusHook(t *testing.T, f *fixture, shop *browsertest.Merchant, ref, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, c := range shop.Notifies() {
			p := gjson.ParseBytes(c.Body)
			if p.Get("status").Str == want && p.Get("external_id").Str == ref {
				if c.Path != "/webhooks/purwantara" || c.Header.Get(HeaderSignature) != Sign(testSecret, c.Body) {
					t.Errorf("%s webhook at %s not signed with the team secret: %s", want, c.Path, c.Body)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s webhook for %s; got %d webhooks", want, ref, len(shop.Notifies()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSimulatorPage_Browser(t *testing.T) {
	b := browsertest.Start(t)

	t.Run("pay, return to the merchant, a second press refused", func(t *testing.T) {
		t.Parallel()
		f, shop := linkShop(t)
		link := createLink(t, f, shop, "PL-PAY")
		stale := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH) // the same link left open in another tab
		browsertest.Do(t, stale, "open a second copy", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("button.pay")))

		ctx := b.Tab(t, browsertest.DesktopW, browsertest.DesktopH)
		browsertest.Do(t, ctx, "open payment_link_url", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("button.pay")))
		browsertest.CheckPage(t, ctx, "purwantara-simulator")
		if !browsertest.Tabbable(t, ctx, "button.pay") {
			t.Error("Pay is not reachable with Tab")
		}
		browsertest.Do(t, ctx, "pay", chromedp.Click(chromedp.CSS("button.pay")), chromedp.WaitVisible(chromedp.CSS("a.return")))
		if text := browsertest.Text(t, ctx); !strings.Contains(text, StatusPaid) {
			t.Errorf("simulator page after paying:\n%s", text)
		}
		browsertest.CheckPage(t, ctx, "purwantara-simulator-paid")
		statusHook(t, f, shop, "PL-PAY", StatusPaid)
		if v := f.e.Transactions(); len(v) != 1 || v[0].Status != StatusPaid || v[0].PaidAt == "" {
			t.Errorf("after paying: %+v", v)
		}

		browsertest.Do(t, ctx, "back to the merchant", chromedp.Click(chromedp.CSS("a.return")))
		if landed := browsertest.WaitURL(t, ctx, "return_url", func(u string) bool { return shop.LandedOn(u, "/return") }); landed != shop.URL+"/return?order=PL-PAY" {
			t.Errorf("landed on %s", landed)
		}

		hooks := len(shop.Notifies())
		browsertest.Do(t, stale, "press Pay on the stale copy", chromedp.Click(chromedp.CSS("button.pay")), chromedp.WaitVisible(chromedp.CSS("[role=alert]")))
		if text := browsertest.Text(t, stale); !strings.Contains(text, "already "+StatusPaid) {
			t.Errorf("second payment page:\n%s", text)
		}
		browsertest.CheckPage(t, stale, "purwantara-simulator-refused")
		if len(shop.Notifies()) != hooks || f.e.Transactions()[0].Status != StatusPaid {
			t.Errorf("a second press: %d webhooks (had %d), status %s", len(shop.Notifies()), hooks, f.e.Transactions()[0].Status)
		}
	})

	for _, tc := range []struct{ button, status string }{{"fail", StatusFailed}, {"expire", StatusExpired}} {
		t.Run(tc.button+", return to the merchant", func(t *testing.T) {
			t.Parallel()
			f, shop := linkShop(t)
			ref := "PL-" + strings.ToUpper(tc.button)
			link := createLink(t, f, shop, ref)
			ctx := b.Tab(t, browsertest.PhoneW, browsertest.PhoneH)
			browsertest.Do(t, ctx, "open and press "+tc.button, chromedp.Navigate(link), chromedp.Click(chromedp.CSS("button."+tc.button)),
				chromedp.WaitVisible(chromedp.CSS("a.return")))
			if text := browsertest.Text(t, ctx); !strings.Contains(text, tc.status) || strings.Contains(text, "Pay\n") {
				t.Errorf("simulator page after %s:\n%s", tc.button, text)
			}
			statusHook(t, f, shop, ref, tc.status)
			browsertest.Do(t, ctx, "back to the merchant", chromedp.Click(chromedp.CSS("a.return")))
			if landed := browsertest.WaitURL(t, ctx, "return_url", func(u string) bool { return shop.LandedOn(u, "/return") }); landed != shop.URL+"/return?order="+ref {
				t.Errorf("landed on %s", landed)
			}
		})
	}
}

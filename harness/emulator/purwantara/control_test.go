package purwantara

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
)

func post(t *testing.T, u, contentType, body string) (int, gjson.Result) {
	t.Helper()
	resp, err := http.Post(u, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, gjson.ParseBytes(b)
}

func TestControl_DrivesTheSimulatorOverHTTP(t *testing.T) {
	f := newFixture(t, noCreateHook)
	uuid := f.mustCreate("ewallet/ovo", validBodies["ewallet/ovo"])
	base := f.e.URL() + emulator.ControlPrefix
	cases := []struct {
		name, path, ctype, body string
		want                    int
	}{
		{"unknown action", "/transactions/" + uuid + "/refund", "", "", http.StatusNotFound},
		{"unknown transaction", "/transactions/nope/pay", "", "", http.StatusNotFound},
		{"bad params", "/transactions/" + uuid + "/pay", "application/json", `{"notify":"maybe"}`, http.StatusBadRequest},
		{"not JSON", "/transactions/" + uuid + "/pay", "application/json", `notify`, http.StatusBadRequest},
		{"pay", "/transactions/" + uuid + "/pay", "application/json", `{"notify":"send"}`, http.StatusOK},
		{"pay again", "/transactions/" + uuid + "/pay", "", "", http.StatusConflict},
		{"forged webhook by form", "/transactions/OVO-1/notify", "application/x-www-form-urlencoded", "variant=wrong_secret", http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, res := post(t, base+c.path, c.ctype, c.body)
			if status != c.want {
				t.Errorf("HTTP %d, want %d: %s", status, c.want, res.Raw)
			}
		})
	}
	if got := f.sink.statuses(); len(got) != 2 {
		t.Errorf("webhooks %v, want the paid one and the forged one", got)
	}
	resp, err := http.Get(base + "/transactions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if got := gjson.GetBytes(b, "0.status").Str; got != StatusPaid {
		t.Errorf("GET /transactions: %s", b)
	}
}

func TestControl_CallbackURLIsTheDashboardSetting(t *testing.T) {
	f := newFixture(t, noCreateHook, func(o *Options) { o.CallbackURL = "" })
	target := f.sink.srv.URL + "/hooks"
	if status, res := post(t, f.e.URL()+emulator.ControlPrefix+"/callback_url", "application/json", `{"url":"`+target+`"}`); status != http.StatusOK {
		t.Fatalf("HTTP %d %s", status, res.Raw)
	}
	if f.e.CallbackURL() != target {
		t.Fatalf("callback URL %q", f.e.CallbackURL())
	}
	if status, _ := post(t, f.e.URL()+emulator.ControlPrefix+"/callback_url", "application/json", `{"url":"not a url"}`); status != http.StatusBadRequest {
		t.Errorf("a bad URL: HTTP %d, want 400", status)
	}
	for body, want := range map[string]int{`{"callback_url":"` + target + `/2"}`: http.StatusOK,
		`{"notify_url":"` + target + `"}`: http.StatusBadRequest, `{"callback_url":"relative"}`: http.StatusBadRequest} {
		if status, res := post(t, f.e.URL()+emulator.ControlPrefix+"/dashboard", "application/json", body); status != want {
			t.Errorf("dashboard %s: HTTP %d %s, want %d", body, status, res.Raw, want)
		}
	}
	if f.e.CallbackURL() != target+"/2" {
		t.Fatalf("callback URL after the dashboard: %q", f.e.CallbackURL())
	}
	f.mustCreate("qris", validBodies["qris"])
	f.act("pay", "QR-1", nil)
	if len(f.sink.hooks()) != 1 {
		t.Error("no webhook at the callback URL set over HTTP")
	}
}

func TestSimulator_PagePaysLikeTheSandbox(t *testing.T) {
	f := newFixture(t, noCreateHook)
	_, res := f.do(http.MethodPost, "/v1/payment-link", validBodies["payment-link"])
	link := res.Get("data.payment_link_url").Str
	page, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(string(b), ">Pay</button>") {
		t.Fatalf("simulator page HTTP %d", page.StatusCode)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(link+"/pay", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || f.e.Transactions()[0].Status != StatusPaid {
		t.Errorf("pay button: HTTP %d, status %s", resp.StatusCode, f.e.Transactions()[0].Status)
	}
	if resp, _ := http.Get(f.e.URL() + "/simulator/nope"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown transaction page: HTTP %d", resp.StatusCode)
	}
}

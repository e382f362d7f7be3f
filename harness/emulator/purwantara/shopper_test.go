package purwantara

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// TestReturnShopper_VisitsTheReturnURLAndChangesNothing: the shopper's
// browser comes back to return_url (payment link) or pay_return (DANA),
// plainly or with forged success parameters; the transaction stays ACTIVE,
// no webhook is sent, and the visit is recorded.
func TestReturnShopper_VisitsTheReturnURLAndChangesNothing(t *testing.T) {
	var mu sync.Mutex
	var seen []*http.Request
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(shop.Close)
	f := newFixture(t, noCreateHook)
	link := strings.Replace(validBodies["payment-link"], "https://shop.example/return", shop.URL+"/return?order=PL-1", 1)
	dana := strings.Replace(validBodies["ewallet/dana"], "https://shop.example/return", shop.URL+"/dana-return", 1)
	for _, c := range []struct{ path, body string }{{"payment-link", link}, {"ewallet/dana", dana}} {
		uuid := f.mustCreate(c.path, c.body)
		f.act(actReturnShopper, uuid, nil)
		res := f.act(actReturnShopper, uuid, map[string]string{"forged": "true"})
		if len(res.Exchanges) != 1 || res.Exchanges[0].Response.Status != http.StatusOK || !strings.Contains(res.Detail, "unchanged") {
			t.Errorf("%s: result %+v", c.path, res)
		}
		for _, v := range f.e.Transactions() {
			if v.UUID == uuid && v.Status != StatusActive {
				t.Errorf("%s: status %s after the return, want ACTIVE", c.path, v.Status)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 4 {
		t.Fatalf("%d visits, want 4", len(seen))
	}
	plain, forged := seen[0].URL.Query(), seen[1].URL.Query()
	if seen[0].URL.Path != "/return" || plain.Get("order") != "PL-1" || plain.Get("status") != "" {
		t.Errorf("plain return %s", seen[0].URL)
	}
	if forged.Get("order") != "PL-1" || forged.Get("status") != StatusPaid || forged.Get("resultStatus") != "S" || forged.Get("paid") != "true" {
		t.Errorf("forged return %s: want the order kept, status=PAID and the generic success names", seen[1].URL)
	}
	if seen[2].URL.Path != "/dana-return" || seen[0].Method != http.MethodGet || !strings.Contains(seen[0].UserAgent(), "uatrun shopper") {
		t.Errorf("visits %s %s %q", seen[0].Method, seen[2].URL, seen[0].UserAgent())
	}
	if got := f.sink.statuses(); len(got) != 0 {
		t.Errorf("webhooks %v, want none", got)
	}
	n := 0
	for _, x := range f.e.Exchanges() {
		if x.Kind == evidence.KindShopper && x.Label == actReturnShopper {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d return_shopper exchanges recorded, want 4", n)
	}
}

func TestReturnShopper_RefusesWhatItCannotDo(t *testing.T) {
	f := newFixture(t, noCreateHook)
	ovo := f.mustCreate("ewallet/ovo", validBodies["ewallet/ovo"])
	link := f.mustCreate("payment-link", strings.Replace(validBodies["payment-link"], `,"return_url":"https://shop.example/return"`, "", 1))
	for _, c := range []struct {
		order, forged, want string
	}{
		{ovo, "", "takes no return URL"},
		{link, "", "sent no return_url"},
		{link, "yes", "want true or false"},
		{"nope", "", "nope"},
	} {
		_, err := f.e.Act(context.Background(), emulator.Action{Name: actReturnShopper, Order: c.order, Params: map[string]string{"forged": c.forged}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s forged=%q: %v, want %q", c.order, c.forged, err, c.want)
		}
		if c.order != "nope" && c.forged == "" && !errors.Is(err, emulator.ErrOrderState) {
			t.Errorf("%s: %v is not an order-state error", c.order, err)
		}
	}
}

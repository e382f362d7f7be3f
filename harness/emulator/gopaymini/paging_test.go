package gopaymini

import (
	"io"
	"net/http"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
)

// Attack: the GoPay Mini App /_uatrun/ lists ignored ?limit= and answered
// everything kept in one response (67 MB), although the README says every
// list is paged. They now answer a page at a time.
func TestControlLists_ArePaged(t *testing.T) {
	f := newFixture(t, nil)
	for range 5 {
		f.login("user-1") // each login records a token exchange
	}
	get := func(path string) (*http.Response, gjson.Result) {
		t.Helper()
		resp, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, gjson.ParseBytes(b)
	}
	resp, body := get("/_uatrun/exchanges?limit=2")
	if resp.StatusCode != http.StatusOK || len(body.Array()) != 2 || resp.Header.Get(emulator.HeaderNext) == "" {
		t.Fatalf("?limit=2: status %d, %d items, next %q", resp.StatusCode, len(body.Array()), resp.Header.Get(emulator.HeaderNext))
	}
	next := resp.Header.Get(emulator.HeaderNext)
	resp, body = get("/_uatrun/exchanges?limit=2&after=" + next)
	if resp.StatusCode != http.StatusOK || len(body.Array()) != 2 || body.Array()[0].Get("id").String() == next {
		t.Errorf("second page: status %d, %s", resp.StatusCode, body.Raw)
	}
	for _, path := range []string{"/_uatrun/exchanges?limit=100000", "/_uatrun/payments?limit=0", "/_uatrun/payments?after=nothing"} {
		if resp, _ := get(path); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", path, resp.StatusCode)
		}
	}
	if resp, body := get("/_uatrun/payments"); resp.StatusCode != http.StatusOK || !body.IsArray() || resp.Header.Get(emulator.HeaderTotal) != "0" {
		t.Errorf("/_uatrun/payments: status %d total %q %s", resp.StatusCode, resp.Header.Get(emulator.HeaderTotal), body.Raw)
	}
}

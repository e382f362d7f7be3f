package astapa

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
)

// Issue 28: the buyer returned to <emulator>/<store_slug> was answered 404,
// so the return flow of seed 003 ("redirects back to your store if you
// passed metadata.store_slug") could not be walked. The store page now
// answers for every slug a payment was created with; other paths stay 404.
func TestStorePage_TheBuyerReturnsToTheStore(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(map[string]any{
		"metadata": map[string]any{"store_slug": "warung-bu-sari", "store_name": "Warung Bu Sari"}}))
	f.act("pay", "A-1", nil)
	_, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", "")
	resp, err := http.Get(v["redirect_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Warung Bu Sari") {
		t.Fatalf("store page HTTP %d:\n%s", resp.StatusCode, b)
	}
	resp, err = http.Get(f.emu.URL() + "/no-such-store")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown slug answered %d, want 404", resp.StatusCode)
	}
}

// respond_next code=timeout closes the connection without an answer: the
// merchant's verify fails at once (no real waiting) and the call is
// recorded without a response code.
func TestRespondNext_TimeoutClosesTheConnection(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	f.act("respond_next", "", map[string]string{"api": "verify", "code": "timeout"})
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := fresh.Get(f.emu.URL() + "/api/platform/shop-payment/verify?order_id=A-1")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("verify answered HTTP %d, want no answer", resp.StatusCode)
	}
	calls := f.emu.Calls(APIVerify)
	if len(calls) != 1 || calls[0].ResponseCode != "" {
		t.Fatalf("calls %+v", calls)
	}
	if st, v := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); st != 200 || v["status"] != "pending" {
		t.Fatalf("the next verify: %d %v", st, v)
	}
	if _, err := f.emu.Act(t.Context(), actionOf("respond_next", "", map[string]string{"api": "verify", "code": "slow"})); err == nil {
		t.Error("code slow accepted")
	}
}

// altered: another payment's genuine payload with order_id rewritten.
func TestNotify_AlteredRewritesOnlyTheOrderID(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(map[string]any{"order_id": "B-2", "amount": 20000}))
	f.act("pay", "A-1", nil)
	f.act("notify", "A-1", map[string]string{"variant": "altered", "order_id": "B-2"})
	f.hook.mu.Lock()
	last := f.hook.bodies[len(f.hook.bodies)-1]
	f.hook.mu.Unlock()
	if last["order_id"] != "B-2" || last["amount"] != float64(15000) {
		t.Fatalf("altered body %v", last)
	}
	for _, p := range []map[string]string{{"variant": "altered"}, {"variant": "valid", "order_id": "B-2"}} {
		if _, err := f.emu.Act(t.Context(), actionOf("notify", "A-1", p)); err == nil {
			t.Errorf("%v accepted", p)
		}
	}
}

// Concurrent copies are in the merchant's handler at the same time: each
// copy waits there until all are in, which copies sent one after another
// (or racing a fast handler) never reach.
func TestNotify_ConcurrentCopiesOverlap(t *testing.T) {
	f := newFixture(t)
	const n = 10
	var in sync.WaitGroup
	in.Add(n)
	all := make(chan struct{})
	go func() { in.Wait(); close(all) }()
	f.hook.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		in.Done()
		select {
		case <-all:
			w.WriteHeader(http.StatusOK)
		case <-time.After(3 * time.Second):
			w.WriteHeader(http.StatusConflict)
		}
	})
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	f.act("pay", "A-1", map[string]string{"notify": "drop"})
	res := f.act("notify", "A-1", map[string]string{"variant": "concurrent", "copies": "10"})
	if len(res.Deliveries) != n {
		t.Fatalf("%d deliveries", len(res.Deliveries))
	}
	for _, d := range res.Deliveries {
		if !d.Acked {
			t.Fatalf("copy %d answered %d: the copies did not overlap", d.Attempt, d.Status)
		}
	}
}

func actionOf(name, order string, params map[string]string) emulator.Action {
	return emulator.Action{Name: name, Order: order, Params: params}
}

// respond_next order_id= scopes an injected verify answer to one order, so
// a background verify of another order neither takes nor is hit by it.
func TestRespondNext_ScopedToOneOrder(t *testing.T) {
	f := newFixture(t)
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(nil))
	f.call(http.MethodPost, "/api/platform/shop-payment", createBody(map[string]any{"order_id": "B-2"}))
	f.act("respond_next", "", map[string]string{"api": "verify", "code": "503", "order_id": "B-2"})
	if st, _ := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=A-1", ""); st != 200 {
		t.Fatalf("another order's verify answered %d", st)
	}
	if st, _ := f.call(http.MethodGet, "/api/platform/shop-payment/verify?order_id=B-2", ""); st != 503 {
		t.Fatalf("the scoped order's verify answered %d, want 503", st)
	}
}

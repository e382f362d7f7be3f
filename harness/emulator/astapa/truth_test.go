package astapa

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// truthMerchant confirms every item.purchased by verify the moment it
// arrives, as Astapa asks (its webhooks are unsigned), and records what
// verify answered.
type truthMerchant struct {
	t      *testing.T
	base   string
	mu     sync.Mutex
	got    map[string][]string // order_id → verify's status per webhook
	refuse map[string]int      // order_id → webhooks still answered 503
}

func (m *truthMerchant) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	order := gjson.GetBytes(b, "order_id").String()
	if ev := gjson.GetBytes(b, "event").String(); ev != EventPurchased {
		m.t.Errorf("webhook event %q", ev)
	}
	answer := m.verify(order)
	m.mu.Lock()
	m.got[order] = append(m.got[order], answer)
	refuse := m.refuse[order] > 0
	if refuse {
		m.refuse[order]--
	}
	m.mu.Unlock()
	if refuse {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// verify asks GET /api/platform/shop-payment/verify for order: its status,
// or "404".
func (m *truthMerchant) verify(order string) string {
	resp, err := http.Get(m.base + "/api/platform/shop-payment/verify?order_id=" + order)
	if err != nil {
		m.t.Errorf("verify %s: %v", order, err)
		return "error"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return "404"
	}
	return gjson.GetBytes(b, "status").String()
}

func (m *truthMerchant) seen(order string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[order]...)
}

// TestWebhook_EveryItemPurchasedIsWhatVerifyAnswers: for each way the
// emulator sends a legitimate item.purchased — the buyer paying, the
// valid, duplicate and concurrent variants for a pending or a settled
// payment, and the retries of a webhook the merchant did not acknowledge
// — verify, asked when the webhook arrives, answers settlement. A retry
// pending when the payment is refunded is not sent, cancel, expiry and
// refund send nothing, a legitimate webhook for a closed payment is
// refused, and every adversarial webhook's record says what it claims
// against what verify answers.
func TestWebhook_EveryItemPurchasedIsWhatVerifyAnswers(t *testing.T) {
	m := &truthMerchant{t: t, got: map[string][]string{}, refuse: map[string]int{}}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	clk := clock.NewFake(time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC))
	emu, err := New(Options{ClientID: testID, ClientSecret: testSecret, WebhookURL: srv.URL + "/webhooks/astapa",
		Clock: clk, Redactor: evidence.NewRedactor(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	m.base = emu.URL()
	f := &fixture{t: t, clk: clk, emu: emu}

	order := func(id string) string {
		t.Helper()
		if st, b := f.call(http.MethodPost, "/api/platform/shop-payment", createBody(map[string]any{"order_id": id})); st/100 != 2 {
			t.Fatalf("create %s: HTTP %d %v", id, st, b)
		}
		return id
	}
	act := func(name, id string, p map[string]string) (emulator.Result, error) {
		return emu.Act(context.Background(), emulator.Action{Name: name, Order: id, Params: p})
	}
	must := func(_ emulator.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	paths := map[string]int{} // order → webhooks it must have received, exactly

	must(act(actPay, order("PAY"), nil))
	paths["PAY"] = 1
	for _, v := range []string{"valid", "duplicate", "concurrent"} {
		id := order(strings.ToUpper(v) + "-FOR-PENDING")
		must(act(actNotify, id, map[string]string{"variant": v}))
		paths[id] = variants[v].copies
		id = order(strings.ToUpper(v) + "-FOR-SETTLED")
		must(act(actPay, id, nil))
		must(act(actNotify, id, map[string]string{"variant": v}))
		paths[id] = 1 + variants[v].copies
	}
	for _, closing := range []string{actCancel, actExpire, actRefund} {
		id := order("CLOSED-BY-" + strings.ToUpper(closing))
		if closing == actRefund {
			must(act(actPay, id, nil))
			paths[id] = 1
		} else {
			paths[id] = 0
		}
		must(act(closing, id, nil))
		if _, err := act(actNotify, id, map[string]string{"variant": "valid"}); !errors.Is(err, emulator.ErrOrderState) {
			t.Errorf("a valid item.purchased for a payment closed by %s: %v, want refused", closing, err)
		}
	}
	order("EXPIRES-BY-TIMER")
	paths["EXPIRES-BY-TIMER"] = 0

	// Retries of an unacknowledged webhook, and of one refunded since.
	m.refuse["RETRIED"] = 2
	must(act(actPay, order("RETRIED"), nil))
	paths["RETRIED"] = 3
	m.refuse["REFUNDED-SINCE"] = 100
	must(act(actPay, order("REFUNDED-SINCE"), nil))
	must(act(actRefund, "REFUNDED-SINCE", nil))
	paths["REFUNDED-SINCE"] = 1

	for range 8 {
		clk.Advance(6 * time.Hour) // expiry and every retry
	}

	// The adversarial webhooks may disagree with verify, and say so.
	order("LYING")
	order("OTHER")
	must(act(actPay, order("SETTLED"), nil))
	paths["SETTLED"] = 1
	for _, c := range []struct {
		id   string
		p    map[string]string
		want string
	}{
		{"LYING", map[string]string{"variant": "forged"}, "this webhook says item.purchased (paid), amount 15000 for LYING; verify (GET /api/platform/shop-payment/verify?order_id=LYING) answers pending for LYING"},
		{"LYING", map[string]string{"variant": "wrong_amount"}, "answers pending for LYING, and the payment's amount is 15000"},
		{"SETTLED", map[string]string{"variant": "wrong_amount"}, "amount 14999 for SETTLED; verify (GET /api/platform/shop-payment/verify?order_id=SETTLED) answers settlement for SETTLED, and the payment's amount is 15000"},
		{"LYING", map[string]string{"variant": "unknown_order"}, "verify (GET /api/platform/shop-payment/verify?order_id=LYING-UNKNOWN) answers 404 Payment not found"},
		{"SETTLED", map[string]string{"variant": "altered", "order_id": "OTHER"}, "for OTHER; verify (GET /api/platform/shop-payment/verify?order_id=OTHER) answers pending for OTHER"},
	} {
		res, err := act(actNotify, c.id, c.p)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Deliveries) != 1 || !strings.Contains(strings.Join(res.Deliveries[0].Exchange.Notes, " | "), c.want) {
			t.Errorf("%v for %s: its record does not say %q: %+v", c.p, c.id, c.want, res.Deliveries)
		}
	}
	m.mu.Lock()
	for _, lied := range []string{"LYING", "LYING-UNKNOWN", "OTHER"} {
		delete(m.got, lied) // they lie by design
	}
	m.got["SETTLED"] = m.got["SETTLED"][:1] // its wrong_amount webhook says what verify answers, with another amount
	m.mu.Unlock()

	for id, want := range paths {
		got := m.seen(id)
		if len(got) != want {
			t.Errorf("%s: %d webhooks received (%v), want %d", id, len(got), got, want)
		}
		for i, g := range got {
			if g != StatusSettlement {
				t.Errorf("%s: item.purchased %d arrived while verify answers %s", id, i+1, g)
			}
		}
	}
	if extra := func() []string {
		m.mu.Lock()
		defer m.mu.Unlock()
		var out []string
		for id := range m.got {
			if _, ok := paths[id]; !ok {
				out = append(out, id)
			}
		}
		return out
	}(); len(extra) > 0 {
		t.Errorf("webhooks for orders no path expects: %v", extra)
	}
}

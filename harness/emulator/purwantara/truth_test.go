package purwantara

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

	"github.com/uatrun/uatrun/harness/emulator"
)

// truthMerchant confirms every webhook by the transaction's inquiry API
// the moment it arrives, and records both.
type truthMerchant struct {
	t      *testing.T
	e      *Emulator
	mu     sync.Mutex
	got    map[string][]string // external_id → "webhook/inquiry" per webhook ("status,amount")
	refuse map[string]int      // external_id → webhooks still answered 503
}

func (m *truthMerchant) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	doc := gjson.ParseBytes(b)
	ref := doc.Get("external_id").String()
	answer := m.inquiry(doc.Get("uuid").String())
	m.mu.Lock()
	m.got[ref] = append(m.got[ref], doc.Get("status").String()+","+doc.Get("amount").String()+"/"+answer)
	refuse := m.refuse[ref] > 0
	if refuse {
		m.refuse[ref]--
	}
	m.mu.Unlock()
	if refuse {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// inquiry asks the channel's inquiry route for uuid, with the API token,
// and returns "status,amount", or "404".
func (m *truthMerchant) inquiry(uuid string) string {
	m.e.mu.Lock()
	t := m.e.st.byUUID[uuid]
	path := ""
	if t != nil {
		path = strings.Replace(t.ch.inquiryPath, ":uuid", uuid, 1)
	}
	m.e.mu.Unlock()
	if path == "" {
		return "404"
	}
	req, _ := http.NewRequest(http.MethodGet, m.e.URL()+path, nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Errorf("inquiry %s: %v", uuid, err)
		return "error"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return "404"
	}
	doc := gjson.ParseBytes(b)
	return doc.Get("data.status").String() + "," + doc.Get("data.amount").String()
}

func (m *truthMerchant) seen(ref string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[ref]...)
}

// wait waits (bounded, real time) until ref has had n webhooks: creation
// webhooks go out asynchronously after the answer.
func (m *truthMerchant) wait(ref string, n int) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if len(m.seen(ref)) >= n {
			return
		}
	}
}

// TestWebhook_EveryLegitimateWebhookSaysWhatTheInquiryAnswers: for each
// way the emulator sends a legitimate webhook — creation on every channel,
// the simulator's pay, fail and expire, expiry by timer, the merchant's
// cancel, the valid and concurrent variants for an ACTIVE or a settled
// transaction, redelivery and new_delivery_id, and the retries of a
// webhook the merchant did not acknowledge — the inquiry API, asked when
// the webhook arrives, answers its status and amount. A retry pending
// when the transaction moves on is not sent, a legitimate webhook
// contradicting a closed transaction is refused, and every adversarial
// webhook's record says what it claims against what the inquiry answers.
func TestWebhook_EveryLegitimateWebhookSaysWhatTheInquiryAnswers(t *testing.T) {
	m := &truthMerchant{t: t, got: map[string][]string{}, refuse: map[string]int{}}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	f := newFixture(t, func(o *Options) { o.CallbackURL = srv.URL + "/webhooks/purwantara" })
	m.e = f.e

	paths := map[string]int{} // external_id → webhooks it must have received at least
	create := func(channel, ref string) string {
		t.Helper()
		body := validBodies[channel]
		old := gjson.Get(body, "external_id").String()
		if old == "" {
			old = gjson.Get(body, "order_id").String()
		}
		return f.mustCreate(channel, strings.Replace(body, `"`+old+`"`, `"`+ref+`"`, 1))
	}
	act := func(name, ref string, p map[string]string) error {
		_, err := f.e.Act(context.Background(), emulator.Action{Name: name, Order: ref, Params: p})
		return err
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	va := func(ref string) string { return create("virtual-account", ref) }

	for channel := range validBodies {
		ref := "PAY-" + strings.ReplaceAll(channel, "/", "-")
		create(channel, ref)
		must(act(actPay, ref, nil))
		paths[ref] = 2
	}
	va("FAIL")
	must(act(actFail, "FAIL", nil))
	paths["FAIL"] = 2
	va("EXPIRE")
	must(act(actExpire, "EXPIRE", nil))
	paths["EXPIRE"] = 2
	va("EXPIRY-TIMER")
	paths["EXPIRY-TIMER"] = 2
	uuid := va("CANCEL")
	m.wait("CANCEL", 1)
	if st, res := f.do(http.MethodPost, "/v1/virtual-account/cancel/"+uuid, ""); st != http.StatusOK {
		t.Fatalf("cancel: HTTP %d %s", st, res.Raw)
	}
	paths["CANCEL"] = 2

	// The legitimate variants move an ACTIVE transaction first.
	for _, v := range []string{"valid", "concurrent"} {
		ref := strings.ToUpper(v) + "-PAID-FOR-ACTIVE"
		va(ref)
		must(act(actNotify, ref, map[string]string{"variant": v}))
		must(act(actNotify, ref, map[string]string{"variant": "redelivery"}))
		must(act(actNotify, ref, map[string]string{"variant": "new_delivery_id"}))
		paths[ref] = 4
		ref = strings.ToUpper(v) + "-PAID-FOR-PAID"
		va(ref)
		must(act(actPay, ref, nil))
		must(act(actNotify, ref, map[string]string{"variant": v, "copies": "3"}))
		paths[ref] = 5
		for _, status := range []string{StatusFailed, StatusExpired, StatusCancelled} {
			ref = strings.ToUpper(v) + "-" + status + "-FOR-ACTIVE"
			va(ref)
			must(act(actNotify, ref, map[string]string{"variant": v, "status": status, "copies": "2"}))
			paths[ref] = 3
		}
	}
	create("qris", "CANCELLED-FOR-QRIS")
	if err := act(actNotify, "CANCELLED-FOR-QRIS", map[string]string{"variant": "valid", "status": StatusCancelled}); !errors.Is(err, emulator.ErrOrderState) {
		t.Errorf("a valid CANCELLED webhook for a QRIS (which cannot be cancelled): %v, want refused", err)
	}
	va("PAID-FOR-EXPIRED")
	must(act(actExpire, "PAID-FOR-EXPIRED", nil))
	if err := act(actNotify, "PAID-FOR-EXPIRED", map[string]string{"variant": "valid"}); !errors.Is(err, emulator.ErrOrderState) {
		t.Errorf("a valid PAID webhook for an EXPIRED transaction: %v, want refused", err)
	}
	paths["CANCELLED-FOR-QRIS"], paths["PAID-FOR-EXPIRED"] = 1, 2

	// Retries of unacknowledged webhooks.
	m.refuse["RETRIED-CREATE"] = 2
	va("RETRIED-CREATE")
	paths["RETRIED-CREATE"] = 3
	m.refuse["RETRIED-PAID"] = 1
	va("RETRIED-PAID")
	m.wait("RETRIED-PAID", 1)
	m.refuse["RETRIED-PAID"] = 2
	must(act(actPay, "RETRIED-PAID", nil))
	paths["RETRIED-PAID"] = 4 // ACTIVE (its retry withdrawn by the payment), PAID refused twice, then acknowledged

	// A retry pending when the transaction moves on is not sent.
	m.refuse["CREATE-REFUSED-THEN-PAID"] = 1
	va("CREATE-REFUSED-THEN-PAID")
	must(act(actPay, "CREATE-REFUSED-THEN-PAID", nil))
	m.refuse["CREATE-REFUSED-THEN-CANCELLED"] = 1
	uuid = va("CREATE-REFUSED-THEN-CANCELLED")
	m.wait("CREATE-REFUSED-THEN-CANCELLED", 1)
	if st, res := f.do(http.MethodPost, "/v1/virtual-account/cancel/"+uuid, ""); st != http.StatusOK {
		t.Fatalf("cancel: HTTP %d %s", st, res.Raw)
	}
	m.refuse["CREATE-REFUSED-THEN-VALID-PAID"] = 1
	va("CREATE-REFUSED-THEN-VALID-PAID")
	must(act(actNotify, "CREATE-REFUSED-THEN-VALID-PAID", nil))
	m.wait("CREATE-REFUSED-THEN-CANCELLED", 2)

	// Every timer: expiries and retries.
	for range 12 {
		f.clk.Advance(6 * time.Hour)
	}

	// The adversarial webhooks may disagree with the inquiry, and say so.
	va("OTHER")
	must(act(actPay, "OTHER", nil))
	lyingUUID := va("LYING")
	m.wait("LYING", 1)
	inquiry := "the inquiry API (GET /v1/virtual-account/inquiry/" + lyingUUID + ") answers ACTIVE, amount 15000.0000 for LYING"
	for _, p := range []map[string]string{
		{"variant": "wrong_secret"}, {"variant": "tampered_amount"}, {"variant": "missing_signature"},
		{"variant": "tampered_status"}, {"variant": "other_signature", "from": "OTHER"},
		{"variant": "valid", "amount": "14999"}, {"variant": "concurrent", "amount": "14999", "copies": "2"},
	} {
		res, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: "LYING", Params: p})
		must(err)
		for _, d := range res.Deliveries {
			if d.Exchange.Signature == nil || !strings.Contains(d.Exchange.Signature.Detail, inquiry) {
				t.Errorf("%v for an ACTIVE transaction: its record does not say %q: %+v", p, inquiry, d.Exchange.Signature)
			}
		}
	}
	res, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: "LYING", Params: map[string]string{"variant": "unknown_order"}})
	must(err)
	if d := res.Deliveries; len(d) != 1 || !strings.Contains(d[0].Exchange.Signature.Detail, "knows no such transaction (404)") {
		t.Errorf("unknown_order: its record does not say the inquiry knows no such transaction: %+v", d)
	}
	va("LATE")
	must(act(actPay, "LATE", nil))
	for _, p := range []map[string]string{{"variant": "replay", "status": StatusActive}, {"variant": "valid", "status": StatusActive}} {
		res, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: "LATE", Params: p})
		must(err)
		if d := res.Deliveries; len(d) != 1 || !strings.Contains(d[0].Exchange.Signature.Detail, "this webhook says ACTIVE, amount 15000.0000 for LATE") ||
			!strings.Contains(d[0].Exchange.Signature.Detail, "answers PAID, amount 15000.0000 for LATE") {
			t.Errorf("%v after the payment: its record does not say ACTIVE against PAID: %+v", p, d)
		}
	}
	m.mu.Lock()
	delete(m.got, "LYING") // they lie by design
	delete(m.got, "")      // unknown_order: external_id null
	m.got["LATE"] = m.got["LATE"][:2]
	m.mu.Unlock()
	paths["LATE"], paths["OTHER"] = 2, 2

	for ref, want := range paths {
		m.wait(ref, want)
		got := m.seen(ref)
		if len(got) < want {
			t.Errorf("%s: %d webhooks received (%v), want at least %d", ref, len(got), got, want)
		}
		for i, g := range got {
			if w, q, _ := strings.Cut(g, "/"); w != q {
				t.Errorf("%s: webhook %d says %s while the inquiry answers %s", ref, i+1, w, q)
			}
		}
	}
	active, paid, cancelled := "ACTIVE,15000.0000/ACTIVE,15000.0000", "PAID,15000.0000/PAID,15000.0000", "CANCELLED,15000.0000/CANCELLED,15000.0000"
	for ref, want := range map[string][]string{
		"CREATE-REFUSED-THEN-PAID":       {active, paid},
		"CREATE-REFUSED-THEN-CANCELLED":  {active, cancelled},
		"CREATE-REFUSED-THEN-VALID-PAID": {active, paid},
	} {
		if got := m.seen(ref); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: webhooks %v, want %v: a retry of the ACTIVE creation webhook after the change would contradict the inquiry", ref, got, want)
		}
	}
}

package midtrans

import (
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

// truthMerchant confirms every notification by GET /v2/{order_id}/status
// the moment it arrives, as Midtrans' own libraries do, and records both.
type truthMerchant struct {
	t      *testing.T
	base   string // the emulator's URL
	mu     sync.Mutex
	got    map[string][]string // order_id → "notification/status API" per notification
	refuse map[string]int      // order_id → notifications still answered refuseWith
	code   map[string]int      // order_id → the HTTP status a refusal answers (503 by default)
}

func newTruthMerchant(t *testing.T) *truthMerchant {
	return &truthMerchant{t: t, got: map[string][]string{}, refuse: map[string]int{}, code: map[string]int{}}
}

// view is transaction_status and fraud_status, what a merchant acts on.
func view(doc gjson.Result) string {
	return doc.Get("transaction_status").String() + "," + doc.Get("fraud_status").String()
}

func (m *truthMerchant) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	doc := gjson.ParseBytes(b)
	order := doc.Get("order_id").String()
	answer := m.status(order)
	m.mu.Lock()
	m.got[order] = append(m.got[order], view(doc)+"/"+answer)
	refuse, code := m.refuse[order] > 0, m.code[order]
	if refuse {
		m.refuse[order]--
	}
	m.mu.Unlock()
	if refuse {
		if code == 0 {
			code = http.StatusServiceUnavailable
		}
		w.WriteHeader(code)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// status asks the Get Status API, with the server key, what it answers
// for order now: "transaction_status,fraud_status", or "404".
func (m *truthMerchant) status(order string) string {
	req, _ := http.NewRequest(http.MethodGet, m.base+"/v2/"+order+"/status", nil)
	req.SetBasicAuth(testKey, "")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Errorf("status of %s: %v", order, err)
		return "error"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	doc := gjson.ParseBytes(b)
	if doc.Get("status_code").String() == "404" {
		return "404"
	}
	return view(doc)
}

func (m *truthMerchant) seen(order string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[order]...)
}

// TestNotify_EveryLegitimateNotificationSaysWhatTheStatusAPIAnswers: for
// each way the emulator sends a legitimate notification — the shopper's
// choice, payment (transfer, card capture and its settlement), denial and
// a new try, fraud challenge accepted or denied, expiry by action, by
// timer and by the expire API, cancel, refunds (two within the event
// delay, the bank's confirmation, a pending refund settling), the valid,
// duplicate and concurrent variants, the retries of a notification the
// merchant did not acknowledge — GET /v2/{order_id}/status, asked when
// the notification arrives, answers its transaction_status and
// fraud_status. A retry pending when the transaction moves on is not
// sent, a legitimate notification contradicting a closed transaction is
// refused, and every adversarial variant's record says what it claims
// against what the status API answers.
func TestNotify_EveryLegitimateNotificationSaysWhatTheStatusAPIAnswers(t *testing.T) {
	m := newTruthMerchant(t)
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	f := newFixture(t, func(o *Options) { o.NotifyURL = srv.URL + "/midtrans/notification" })
	m.base = f.emu.URL()

	paths := map[string]int{} // order → notifications it must have received at least
	order := func(name string) string {
		id := strings.ReplaceAll(name, " ", "-")
		f.create(id, 10000)
		return id
	}
	act := func(name, id string, p map[string]string) error {
		_, err := f.emu.Act(nil, emulator.Action{Name: name, Order: id, Params: p})
		return err
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	core := func(id, verb, body string) {
		t.Helper()
		if st, b, _ := f.call(http.MethodPost, "/v2/"+id+"/"+verb, body); st != http.StatusOK {
			t.Fatalf("%s %s: HTTP %d %v", verb, id, st, b)
		}
	}
	bank := map[string]string{"payment_type": "bank_transfer"}
	gopay := map[string]string{"payment_type": "gopay"}

	id := order("choose then pay")
	must(act(actChoose, id, bank))
	must(act(actPay, id, nil))
	paths[id] = 2
	id = order("pay unchosen")
	must(act(actPay, id, nil))
	paths[id] = 1
	id = order("card capture then settlement")
	must(act(actPay, id, map[string]string{"payment_type": "credit_card"}))
	paths[id] = 2
	id = order("challenge accepted")
	must(act(actChoose, id, map[string]string{"payment_type": "credit_card"}))
	must(act(actChallenge, id, nil))
	must(act(actAccept, id, nil))
	paths[id] = 4
	id = order("challenge denied by the API")
	must(act(actChallenge, id, nil))
	core(id, "deny", "")
	paths[id] = 2
	id = order("deny then pay")
	must(act(actChoose, id, map[string]string{"payment_type": "credit_card"}))
	must(act(actDeny, id, nil))
	must(act(actPay, id, bank))
	paths[id] = 3
	id = order("expire action")
	must(act(actChoose, id, bank))
	must(act(actExpire, id, nil))
	paths[id] = 2
	id = order("expire by timer")
	must(act(actChoose, id, bank))
	paths[id] = 2
	id = order("expire API")
	must(act(actChoose, id, bank))
	core(id, "expire", "")
	paths[id] = 2
	id = order("cancel API")
	must(act(actChoose, id, bank))
	core(id, "cancel", "")
	paths[id] = 2

	// Two refunds within EventNotifyDelay: the first notification is due
	// after the transaction is already fully refunded.
	twice := order("two refunds at once")
	must(act(actPay, twice, gopay))
	core(twice, "refund", `{"refund_key":"r1","amount":4000}`)
	core(twice, "refund", `{"refund_key":"r2","amount":6000}`)
	paths[twice] = 3 // settlement, refund, refund with bank_confirmed_at
	id = order("pending refund settles")
	must(act(actPay, id, gopay))
	must(act(actRefundPending, id, map[string]string{"settle_after": "1h"}))
	core(id, "refund", `{"refund_key":"p1","amount":3000}`)
	paths[id] = 3

	// The legitimate variants, for a transaction in each state they may meet.
	for _, v := range []string{"valid", "duplicate", "concurrent"} {
		id = order(v + " settlement for a pending order")
		must(act(actChoose, id, bank))
		must(act(actNotify, id, map[string]string{"variant": v}))
		paths[id] = 2
		id = order(v + " settlement for an unchosen order")
		must(act(actNotify, id, map[string]string{"variant": v}))
		paths[id] = 1
		id = order(v + " settlement for a settled order")
		must(act(actPay, id, nil))
		must(act(actNotify, id, map[string]string{"variant": v}))
		paths[id] = 2
		id = order(v + " expire for a pending order")
		must(act(actChoose, id, bank))
		must(act(actNotify, id, map[string]string{"variant": v, "status": StatusExpire}))
		paths[id] = 2
		id = order(v + " pending for an unchosen order")
		must(act(actNotify, id, map[string]string{"variant": v, "status": StatusPending}))
		paths[id] = 1
	}
	closed := order("valid settlement for a cancelled order")
	must(act(actChoose, closed, bank))
	core(closed, "cancel", "")
	if err := act(actNotify, closed, map[string]string{"variant": "valid"}); !errors.Is(err, emulator.ErrOrderState) {
		t.Errorf("a legitimate settlement notification for a cancelled transaction: %v, want refused", err)
	}
	paths[closed] = 2

	// Retries of unacknowledged notifications (503: four retries; 500: one).
	retried := order("retried settlement")
	m.refuse[retried] = 3
	must(act(actPay, retried, nil))
	paths[retried] = 4
	retried500 := order("retried pending")
	m.refuse[retried500], m.code[retried500] = 1, http.StatusInternalServerError
	must(act(actChoose, retried500, bank))
	paths[retried500] = 2

	// Retries pending when the transaction moves on are not sent.
	paidSince := order("pending refused then paid")
	m.refuse[paidSince] = 1
	must(act(actChoose, paidSince, bank))
	must(act(actPay, paidSince, nil))
	refundedSince := order("settlement refused then refunded")
	m.refuse[refundedSince] = 1
	must(act(actPay, refundedSince, gopay))
	core(refundedSince, "refund", "")
	captureSettled := order("capture refused then settled")
	m.refuse[captureSettled] = 100
	must(act(actPay, captureSettled, map[string]string{"payment_type": "credit_card"}))
	challengeAccepted := order("challenge refused then accepted")
	m.refuse[challengeAccepted] = 1
	must(act(actChallenge, challengeAccepted, nil))
	must(act(actAccept, challengeAccepted, nil))
	reused := order("expire refused then order_id reused")
	m.refuse[reused] = 100
	must(act(actChoose, reused, bank))
	must(act(actExpire, reused, nil))
	f.create(reused, 10000) // an expired transaction frees its order_id

	// Every timer: event delays, card settlement, expiry, refunds, retries.
	for range 12 {
		f.clk.Advance(6 * time.Hour)
	}

	// The adversarial variants may disagree with the status API, and say so.
	other := order("another paid order")
	must(act(actPay, other, nil))
	lying := order("adversarial variants")
	must(act(actChoose, lying, bank))
	for _, v := range []string{"wrong_signature", "missing_signature", "tampered_amount", "wrong_amount", "out_of_order", "other_order_signature"} {
		p := map[string]string{"variant": v}
		if v == "other_order_signature" {
			p["signature_from"] = other
		}
		res, err := f.emu.Act(nil, emulator.Action{Name: actNotify, Order: lying, Params: p})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Deliveries) == 0 || res.Deliveries[0].Exchange.Signature == nil ||
			!strings.Contains(res.Deliveries[0].Exchange.Signature.Detail, "the Get Status API (GET /v2/"+lying+"/status) answers transaction_status pending") {
			t.Errorf("%s for a pending transaction: its record does not say the status API answers pending: %+v", v, res.Deliveries)
		}
	}
	replayed := order("replay of pending")
	must(act(actChoose, replayed, bank))
	must(act(actPay, replayed, nil))
	res, err := f.emu.Act(nil, emulator.Action{Name: actNotify, Order: replayed, Params: map[string]string{"variant": "replay", "status": StatusPending}})
	must(err)
	if d := res.Deliveries; len(d) != 1 || !strings.Contains(d[0].Exchange.Signature.Detail, "this notification says transaction_status pending") ||
		!strings.Contains(d[0].Exchange.Signature.Detail, "answers transaction_status settlement") {
		t.Errorf("replay of a pending notification for a settled transaction: its record does not say so: %+v", d)
	}
	m.mu.Lock()
	delete(m.got, lying) // they lie by design
	m.got[replayed] = m.got[replayed][:2]
	m.mu.Unlock()
	paths[replayed] = 2
	paths[other] = 1

	for id, want := range paths {
		got := m.seen(id)
		if len(got) < want {
			t.Errorf("%s: %d notifications received (%v), want at least %d", id, len(got), got, want)
		}
		for i, g := range got {
			if n, q, _ := strings.Cut(g, "/"); n != q {
				t.Errorf("%s: notification %d says %s while the status API answers %s", id, i+1, n, q)
			}
		}
	}
	for id, want := range map[string][]string{
		paidSince:         {"pending,accept/pending,accept", "settlement,accept/settlement,accept"},
		refundedSince:     {"settlement,accept/settlement,accept", "refund,accept/refund,accept", "refund,accept/refund,accept"},
		challengeAccepted: {"capture,challenge/capture,challenge", "capture,accept/capture,accept", "settlement,accept/settlement,accept"},
		twice:             {"settlement,accept/settlement,accept", "refund,accept/refund,accept", "refund,accept/refund,accept"},
	} {
		if got := m.seen(id); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: notifications %v, want %v: a stale retry or late notification would contradict the status API", id, got, want)
		}
	}
	// A capture refused until it settled: every capture attempt came
	// before the settlement, none after.
	got := m.seen(captureSettled)
	if i := slicesIndex(got, "settlement,accept/settlement,accept"); i < 0 || i != len(got)-1 && !allEqual(got[i:]) {
		t.Errorf("capture refused then settled: %v: a capture retry went out after the settlement", got)
	}
	if got := m.seen(reused); len(got) != 2 {
		t.Errorf("expire refused then order_id reused: %v, want the pending and the first expire notification only", got)
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func allEqual(s []string) bool {
	for _, x := range s {
		if x != s[0] {
			return false
		}
	}
	return true
}

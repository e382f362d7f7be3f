package dana

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

// queryMerchant confirms every finish notify by Query Payment the moment
// it arrives, and records both.
type queryMerchant struct {
	f      *fixture
	mu     sync.Mutex
	got    map[string][]string // ref → "notify/Query Payment" per notify
	refuse map[string]int      // ref → notifies still answered 500
}

func (m *queryMerchant) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	ref, status := gjson.GetBytes(b, "originalPartnerReferenceNo").Str, gjson.GetBytes(b, "latestTransactionStatus").Str
	_, q := m.f.post(pathOf(APIQueryPayment), queryBody(ref))
	m.mu.Lock()
	m.got[ref] = append(m.got[ref], status+"/"+q.Get("latestTransactionStatus").Str)
	refuse := m.refuse[ref] > 0
	if refuse {
		m.refuse[ref]--
	}
	m.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if refuse {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"responseCode":"5005601","responseMessage":"Internal Server Error"}`)
		return
	}
	_, _ = io.WriteString(w, `{"responseCode":"2005600","responseMessage":"Successful"}`)
}

func (m *queryMerchant) seen(ref string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[ref]...)
}

// TestNotify_EveryLegitimateFinishNotifySaysWhatQueryPaymentAnswers: for
// each way the Gapura emulator sends a legitimate finish notify — pay,
// fail, expire and validUpTo passing, the valid, duplicate and concurrent
// variants for an open or a settled order, and the retries of a notify the
// merchant did not acknowledge — Query Payment, asked when the notify
// arrives, answers its latestTransactionStatus. A retry of a paid notify
// for an order cancelled since is not sent, a legitimate notify
// contradicting a final state is refused, and every adversarial notify's
// record says what it claims against what Query Payment answers.
func TestNotify_EveryLegitimateFinishNotifySaysWhatQueryPaymentAnswers(t *testing.T) {
	m := &queryMerchant{got: map[string][]string{}, refuse: map[string]int{}}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	f := newFixture(t, func(o *Options) { o.NotifyURL = srv.URL + "/v1.0/debit/notify" })
	m.f = f

	paths := map[string]int{} // ref → notifies it must have received at least
	order := func(name string) string {
		ref := strings.ReplaceAll(name, " ", "-")
		f.create(ref, "10000.00")
		return ref
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

	for _, a := range []string{actPay, actFail, actExpire} {
		ref := order(a)
		must(act(a, ref, nil))
		paths[ref] = 1
	}
	for _, v := range []string{"valid", "duplicate", "concurrent"} {
		for _, status := range []string{"00", "05"} {
			ref := order(v + " " + status + " for an open order")
			must(act(actNotify, ref, map[string]string{"variant": v, ParamStatus: status}))
			paths[ref] = 1
		}
	}
	ref := order("valid 00 for a paid order")
	must(act(actPay, ref, nil))
	must(act(actNotify, ref, map[string]string{"variant": "valid"}))
	paths[ref] = 2
	ref = order("duplicate 05 for an expired order")
	must(act(actExpire, ref, nil))
	must(act(actNotify, ref, map[string]string{"variant": "duplicate", ParamStatus: "05"}))
	paths[ref] = 3

	// Retries of an unacknowledged paid notify, and of a 05 one.
	retried := order("retried paid notify")
	m.refuse[retried] = 2
	must(act(actPay, retried, nil))
	paths[retried] = 3
	retried05 := order("retried failed notify")
	m.refuse[retried05] = 1
	must(act(actFail, retried05, nil))
	paths[retried05] = 2

	// A paid notify refused, then the order cancelled (within DANA's
	// 24-hour window): its retries stop.
	cancelled := order("paid then cancelled")
	m.refuse[cancelled] = 100
	must(act(actPay, cancelled, nil))
	if _, res := f.post(pathOf(APICancelOrder), refBody(cancelled)); res.Get("responseCode").Str != "2005700" {
		t.Fatalf("cancel answered %s", res.Raw)
	}
	paths[cancelled] = 1
	if err := act(actNotify, cancelled, map[string]string{"variant": "valid"}); !errors.Is(err, emulator.ErrOrderState) {
		t.Errorf("a legitimate paid notify for a cancelled order: %v, want refused", err)
	}

	expiring := order("validUpTo passes")
	paths[expiring] = 1
	for range 8 {
		f.clk.Advance(6 * time.Hour)
	}

	// The adversarial variants may disagree with Query Payment, and say so.
	lying := order("adversarial variants")
	for _, v := range []string{"wrong_key", "missing_signature", "stale_timestamp", "wrong_amount", "tampered_body"} {
		res, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: lying, Params: map[string]string{"variant": v}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Deliveries) == 0 || res.Deliveries[0].Exchange.Signature == nil ||
			!strings.Contains(res.Deliveries[0].Exchange.Signature.Detail, "Query Payment answers 01 INIT") {
			t.Errorf("%s for an open order: its record does not say Query Payment answers 01 INIT: %+v", v, res.Deliveries)
		}
	}
	m.mu.Lock()
	delete(m.got, lying) // they lie by design
	m.mu.Unlock()

	for ref, want := range paths {
		got := m.seen(ref)
		if len(got) < want {
			t.Errorf("%s: %d notifies received (%v), want at least %d", ref, len(got), got, want)
		}
		for i, g := range got {
			if n, q, _ := strings.Cut(g, "/"); n != q {
				t.Errorf("%s: notify %d says %s while Query Payment answers %s", ref, i+1, n, q)
			}
		}
	}
	if got := m.seen(cancelled); len(got) != 1 {
		t.Errorf("paid then cancelled: %d notifies (%v), want the first only: a retry after the cancel would say 00 while Query answers 05", len(got), got)
	}
}

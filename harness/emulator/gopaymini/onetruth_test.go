package gopaymini

import (
	"context"
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

// statusMerchant confirms every debit notify by the payment status API
// the moment it arrives, and records both.
type statusMerchant struct {
	f      *fixture
	call   sync.Mutex // the fixture's signed calls are not safe for concurrent use
	mu     sync.Mutex
	got    map[string][]string // partnerReferenceNo → "notify/status API" per notify
	refuse map[string]int      // partnerReferenceNo → notifies still answered 500
}

func (m *statusMerchant) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	ref, status := gjson.GetBytes(b, "originalPartnerReferenceNo").Str, gjson.GetBytes(b, "latestTransactionStatus").Str
	m.call.Lock()
	_, q := m.f.snapCall("/v1.0/debit/status", map[string]any{"originalPartnerReferenceNo": ref, "serviceCode": "54"}, nil)
	m.call.Unlock()
	m.mu.Lock()
	m.got[ref] = append(m.got[ref], status+"/"+q.Get("latestTransactionStatus").String())
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

func (m *statusMerchant) seen(ref string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[ref]...)
}

// TestNotify_EveryLegitimateNotifySaysWhatTheStatusAPIAnswers: for each
// way the emulator sends a legitimate debit notify — pay and fail, the
// valid, duplicate and concurrent variants for a pending, paid or failed
// payment, and the retries of a notify the merchant did not acknowledge —
// the payment status API, asked when the notify arrives, answers its
// latestTransactionStatus. A retry of a paid notify for a payment refunded
// since is not sent, and every adversarial notify's record names what the
// status API answers instead of what it claims.
func TestNotify_EveryLegitimateNotifySaysWhatTheStatusAPIAnswers(t *testing.T) {
	f := newFixture(t, nil)
	m := &statusMerchant{f: f, got: map[string][]string{}, refuse: map[string]int{}}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)

	paths := map[string]int{} // ref → notifies it must have received at least
	payment := func(name string) string {
		ref := strings.ReplaceAll(name, " ", "-")
		m.call.Lock()
		st, b := f.snapCall("/v1.0/debit/payment-host-to-host", paymentBody(ref, "15000.00", srv.URL+"/v1.0/debit/notify", srv.URL+"/back"), nil)
		m.call.Unlock()
		if st != http.StatusOK {
			t.Fatalf("create %s: %d %s", ref, st, b.Raw)
		}
		return ref
	}
	do := func(name, ref string, p map[string]string) emulator.Result {
		t.Helper()
		return act(t, f.e, emulator.Action{Name: name, Order: ref, Params: p})
	}

	ref := payment("pay")
	do(actPay, ref, nil)
	paths[ref] = 1
	ref = payment("fail")
	do(actFail, ref, nil)
	paths[ref] = 1
	for _, v := range []string{"valid", "duplicate", "concurrent"} {
		ref = payment(v + " for a pending payment")
		do(actNotify, ref, map[string]string{"variant": v})
		paths[ref] = 1
		ref = payment(v + " for a paid payment")
		do(actPay, ref, nil)
		do(actNotify, ref, map[string]string{"variant": v})
		paths[ref] = 2
		ref = payment(v + " for a failed payment")
		do(actFail, ref, nil)
		do(actNotify, ref, map[string]string{"variant": v})
		paths[ref] = 2
	}

	// Retries of an unacknowledged notify (the fixture retries once).
	retried := payment("retried paid notify")
	m.refuse[retried] = 1
	do(actPay, retried, nil)
	paths[retried] = 2
	// A paid notify refused, then the payment refunded: its retry stops.
	refunded := payment("paid then refunded")
	m.refuse[refunded] = 100
	do(actPay, refunded, nil)
	m.call.Lock()
	_, rb := f.snapCall("/v1.0/debit/refund", map[string]any{"originalPartnerReferenceNo": refunded, "partnerRefundNo": "RF-1",
		"refundAmount": map[string]any{"value": "15000.00", "currency": "IDR"}}, nil)
	m.call.Unlock()
	if c := rb.Get("responseCode").String(); c != "2005800" {
		t.Fatalf("refund answered %s", rb.Raw)
	}
	paths[refunded] = 1
	for range 8 {
		f.clk.Advance(6 * time.Hour)
	}
	m.call.Lock()
	f.b2b = "" // the B2B token expired on the way; the next call gets a new one
	m.call.Unlock()

	// The adversarial variants may disagree with the status API, and say so.
	lying := payment("adversarial variants")
	for _, v := range []string{"wrong_key", "missing_signature", "stale_timestamp", "wrong_amount", "tampered_body"} {
		r, err := f.e.Act(context.Background(), emulator.Action{Name: actNotify, Order: lying, Params: map[string]string{"variant": v}})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Deliveries) == 0 || r.Deliveries[0].Exchange.Signature == nil ||
			!strings.Contains(r.Deliveries[0].Exchange.Signature.Detail, "the status API answers 03") {
			t.Errorf("%s for a pending payment: its record does not say the status API answers 03: %+v", v, r.Deliveries)
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
				t.Errorf("%s: notify %d says %s while the status API answers %s", ref, i+1, n, q)
			}
		}
	}
	if got := m.seen(refunded); len(got) != 1 {
		t.Errorf("paid then refunded: %d notifies (%v), want the first only: a retry after the refund would say 00 while the status API answers 04", len(got), got)
	}
}

package danawidget

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

// truthMerchant is a merchant that confirms every finish notify by Query
// Payment the moment it arrives, and records both.
type truthMerchant struct {
	t      *testing.T
	r      *rig
	mu     sync.Mutex
	got    map[string][]string // ref → "notify/query" per notify received
	refuse map[string]int      // ref → attempts still answered 500
}

func (m *truthMerchant) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	ref, status := gjson.GetBytes(b, "originalPartnerReferenceNo").Str, gjson.GetBytes(b, "latestTransactionStatus").Str
	q, err := m.query(ref)
	if err != nil {
		m.t.Errorf("query for %s: %v", ref, err)
	}
	m.mu.Lock()
	m.got[ref] = append(m.got[ref], status+"/"+q)
	refuse := m.refuse[ref] > 0
	if refuse {
		m.refuse[ref]--
	}
	m.mu.Unlock()
	if refuse {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"responseCode":"5005601","responseMessage":"Internal Server Error"}`))
		return
	}
	_, _ = w.Write([]byte(`{"responseCode":"2005600","responseMessage":"Successful"}`))
}

// query asks Query Payment for ref, signed as a merchant does, and returns
// latestTransactionStatus.
func (m *truthMerchant) query(ref string) (string, error) {
	raw, _ := json.Marshal(map[string]any{"merchantId": "M1", "originalPartnerReferenceNo": ref, "serviceCode": "54"})
	ks, _ := testKeys()
	ts := snap.FormatTimestamp(m.r.clk.Now())
	req, _ := http.NewRequest(http.MethodPost, m.r.srv.URL+wQueryPath, bytes.NewReader(raw))
	for k, v := range map[string]string{"Content-Type": "application/json", "X-TIMESTAMP": ts, "CHANNEL-ID": "95221", "X-PARTNER-ID": "P1", "X-EXTERNAL-ID": token("", 8)} {
		req.Header.Set(k, v)
	}
	msg, _ := snap.AsymmetricStringToSign(http.MethodPost, wQueryPath, raw, ts)
	sig, _ := snap.SignRSA(ks[0].PrivateKey, msg)
	req.Header.Set("X-SIGNATURE", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if code := gjson.GetBytes(b, "responseCode").Str; code != "2005500" {
		return "", fmt.Errorf("answered %s", b)
	}
	return gjson.GetBytes(b, "latestTransactionStatus").Str, nil
}

func (m *truthMerchant) seen(ref string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[ref]...)
}

// TestNotify_EveryLegitimateNotifySaysWhatQueryAnswers: for each way the
// emulator sends a legitimate finish notify — the cashier's pay and fail,
// expire and validUpTo passing, the valid, duplicate and concurrent
// variants for an open or a settled order, and the retries of a notify
// the merchant did not acknowledge — Query Payment, asked when the notify
// arrives, answers the notify's latestTransactionStatus. A retry of a
// paid notify for an order cancelled since is not sent, and a legitimate
// notify contradicting a final state is refused.
func TestNotify_EveryLegitimateNotifySaysWhatQueryAnswers(t *testing.T) {
	m := &truthMerchant{t: t, got: map[string][]string{}, refuse: map[string]int{}}
	notifySrv := httptest.NewServer(m)
	t.Cleanup(notifySrv.Close)
	r := newRigWith(t, nil, func(o *Options) { o.NotifyURL = notifySrv.URL + "/v1.0/debit/notify" })
	m.r = r

	order := func(name string) string {
		ref := strings.ReplaceAll(name, " ", "-")
		if c := r.post(wPayPath, payBody(ref, "1000.00", r.clk.Now()), false).Get("responseCode").Str; c != "2005400" {
			t.Fatalf("%s: widget payment answered %s", name, c)
		}
		return ref
	}
	act := func(ref, name string, params map[string]string) error {
		_, err := r.e.Act(nil, emulator.Action{Name: name, Order: ref, Params: params})
		return err
	}
	notify := func(ref, variant, status string) error {
		return act(ref, actNotify, map[string]string{"variant": variant, "status": status})
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	paths := map[string]int{} // ref → notifies it must have received at least

	ref := order("pay at the cashier")
	must(act(ref, actPay, nil))
	paths[ref] = 1
	ref = order("fail at the cashier")
	must(act(ref, actFail, nil))
	paths[ref] = 1
	ref = order("expire")
	must(act(ref, actExpire, nil))
	paths[ref] = 1
	for _, v := range []string{"valid", "duplicate", "concurrent"} {
		for _, status := range []string{"00", "05"} {
			ref = order(v + " " + status + " for an open order")
			must(notify(ref, v, status))
			paths[ref] = 1
		}
	}
	ref = order("valid 00 for a paid order")
	must(act(ref, actPay, nil))
	must(notify(ref, "valid", "00"))
	paths[ref] = 2
	ref = order("valid 05 for an expired order")
	must(act(ref, actExpire, nil))
	must(notify(ref, "duplicate", "05"))
	paths[ref] = 3

	// Retries of an unacknowledged paid notify, and of a 05 one.
	retried := order("retried paid notify")
	m.refuse[retried] = 2
	must(act(retried, actPay, nil))
	paths[retried] = 3
	retried05 := order("retried failed notify")
	m.refuse[retried05] = 1
	must(act(retried05, actFail, nil))
	paths[retried05] = 2

	// A paid notify refused, then the order cancelled: its retries stop.
	cancelled := order("paid then cancelled")
	m.refuse[cancelled] = 100
	must(act(cancelled, actPay, nil))
	if c := r.post(wCancelPath, map[string]any{"merchantId": "M1", "originalPartnerReferenceNo": cancelled, "reason": "r"}, false).Get("responseCode").Str; c != "2005700" {
		t.Fatalf("cancel answered %s", c)
	}
	paths[cancelled] = 1
	if err := notify(cancelled, "valid", "00"); !errors.Is(err, emulator.ErrOrderState) {
		t.Errorf("a legitimate paid notify for a cancelled order: %v, want refused (only late_paid may say so)", err)
	}

	// validUpTo passing (20 minutes) and every retry schedule.
	expiring := order("validUpTo passes")
	paths[expiring] = 1
	for range 8 {
		r.clk.Advance(6 * time.Hour)
	}

	// The adversarial variants may disagree with Query, and say so.
	lying := order("adversarial variants")
	for _, v := range []string{"wrong_key", "missing_signature", "stale_timestamp", "wrong_amount", "tampered_body"} {
		res, err := r.e.Act(nil, emulator.Action{Name: actNotify, Order: lying, Params: map[string]string{"variant": v}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Deliveries) == 0 || res.Deliveries[0].Exchange.Signature == nil ||
			!strings.Contains(res.Deliveries[0].Exchange.Signature.Detail, "Query Payment answers 01 INIT") {
			t.Errorf("%s for an open order: its record does not say Query Payment answers 01 INIT: %+v", v, res.Deliveries)
		}
	}
	if got := m.seen(lying); len(got) == 0 {
		t.Error("the adversarial variants reached no merchant")
	}
	m.mu.Lock()
	delete(m.got, lying) // they lie by design
	m.mu.Unlock()

	for ref, want := range paths {
		got := m.seen(ref)
		if len(got) < want {
			t.Errorf("%s: %d notifies received, want at least %d", ref, len(got), want)
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

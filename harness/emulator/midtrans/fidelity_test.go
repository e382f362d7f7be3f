package midtrans

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Each payment channel's notification and status answer carry the fields
// that channel adds (midtrans-go coreapi.TransactionStatusResponse;
// https://docs.midtrans.com/reference/handle-notifications and the
// per-method samples), and the real client decodes them without loss.
func TestChannelFields_NotificationsCarryWhatEachMethodSends(t *testing.T) {
	tests := []struct {
		payType, bank, store string
		want, absent         []string
	}{
		{"bank_transfer", "bca", "", []string{"va_numbers", "payment_amounts"}, []string{"permata_va_number"}},
		{"bank_transfer", "permata", "", []string{"permata_va_number", "payment_amounts"}, []string{"va_numbers"}},
		{"echannel", "", "", []string{"biller_code", "bill_key"}, []string{"va_numbers"}},
		{"cstore", "", "alfamart", []string{"store", "payment_code"}, nil},
		{"qris", "", "", []string{"issuer", "acquirer"}, nil},
		{"credit_card", "bni", "", []string{"masked_card", "bank", "card_type", "approval_code", "channel_response_code"}, nil},
		{"gopay", "", "", nil, []string{"va_numbers", "masked_card"}},
	}
	for _, tc := range tests {
		t.Run(tc.payType+tc.bank+tc.store, func(t *testing.T) {
			f := newFixture(t)
			_, cc := f.clients(testKey)
			f.create("CH-1", 10000)
			f.act(actPay, "CH-1", map[string]string{"payment_type": tc.payType, "bank": tc.bank, "store": tc.store})
			got := f.hook.received()
			if len(got) != 1 {
				t.Fatalf("notifications: %v", got)
			}
			for _, k := range tc.want {
				if got[0][k] == nil {
					t.Errorf("notification has no %s: %v", k, got[0])
				}
			}
			for _, k := range tc.absent {
				if got[0][k] != nil {
					t.Errorf("notification carries %s: %v", k, got[0])
				}
			}
			if tc.store != "" && got[0]["store"] != tc.store {
				t.Errorf("store %v, want %s", got[0]["store"], tc.store)
			}
			st, err := cc.CheckTransaction("CH-1")
			if err != nil {
				t.Fatal(err)
			}
			lossless(t, "status "+tc.payType, f.lastAnswer(APIStatus), st)
		})
	}
	f := newFixture(t)
	f.create("CH-2", 10000)
	if _, err := f.emu.Act(t.Context(), actionOf(actPay, "CH-2", map[string]string{"payment_type": "gopay", "bank": "bca"})); err == nil {
		t.Fatal("a bank was accepted for gopay")
	}
}

// Payment windows (Snap advanced features, Custom Transaction Expiry;
// Dashboard usage, Snap payment expiry; Refund Transactions on Card,
// expiry_time): without a start_time the window counts from the shopper's
// choice; GoPay 15 minutes, card 3DS 10 minutes, other methods a day.
func TestExpiry_PerMethodWindowsCountFromTheChoice(t *testing.T) {
	tests := []struct {
		payType string
		window  time.Duration
	}{{"gopay", 15 * time.Minute}, {"credit_card", 10 * time.Minute}, {"bca_klikpay", 2 * time.Hour}, {"bank_transfer", 24 * time.Hour}}
	for _, tc := range tests {
		t.Run(tc.payType, func(t *testing.T) {
			f := newFixture(t)
			f.create("W-1", 10000)
			f.clk.Advance(3 * time.Hour) // the shopper idles on the page first
			f.choose("W-1", tc.payType)
			f.clk.Advance(tc.window - time.Second)
			if _, m, _ := f.call(http.MethodGet, "/v2/W-1/status", ""); m["transaction_status"] != StatusPending {
				t.Fatalf("expired before its window: %v", m)
			}
			f.clk.Advance(time.Second)
			got := f.hook.received()
			if len(got) != 1 || got[0]["transaction_status"] != StatusExpire {
				t.Fatalf("expiry notification: %v", got)
			}
		})
	}
	// expiry without start_time: the page lasts the duration, the payment
	// window restarts at the choice.
	f := newFixture(t)
	body := `{"transaction_details":{"order_id":"W-2","gross_amount":5000},"expiry":{"unit":"minutes","duration":30}}`
	if st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", body); st != http.StatusCreated {
		t.Fatalf("HTTP %d %v", st, m)
	}
	f.clk.Advance(20 * time.Minute)
	f.choose("W-2", "bank_transfer")
	f.clk.Advance(29 * time.Minute)
	if _, m, _ := f.call(http.MethodGet, "/v2/W-2/status", ""); m["transaction_status"] != StatusPending {
		t.Fatalf("the window did not restart at the choice: %v", m)
	}
	f.clk.Advance(time.Minute)
	if _, m, _ := f.call(http.MethodGet, "/v2/W-2/status", ""); m["transaction_status"] != StatusExpire {
		t.Fatalf("not expired 30 minutes after the choice: %v", m)
	}
}

// page_expiry closes the page only, silently ("Snap does not send any
// webhook upon page expiry"); expiry and page_expiry are bounded to 5
// minutes - 7 days (Expire a Snap Session, docs.midtrans.com).
func TestExpiry_PageExpiryAndBounds(t *testing.T) {
	f := newFixture(t)
	body := `{"transaction_details":{"order_id":"PE-1","gross_amount":5000},"page_expiry":{"unit":"minutes","duration":10}}`
	if st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", body); st != http.StatusCreated {
		t.Fatalf("HTTP %d %v", st, m)
	}
	f.clk.Advance(10 * time.Minute)
	if _, err := f.emu.Act(t.Context(), actionOf(actChoose, "PE-1", nil)); !isStateErr(err) {
		t.Fatalf("chose on a lapsed page: %v", err)
	}
	if n := len(f.hook.received()); n != 0 {
		t.Fatalf("page expiry notified %d time(s)", n)
	}
	// A page_expiry longer than the method's window: the window follows the method.
	body = `{"transaction_details":{"order_id":"PE-2","gross_amount":5000},"page_expiry":{"unit":"days","duration":2}}`
	f.call(http.MethodPost, "/snap/v1/transactions", body)
	f.choose("PE-2", "gopay")
	f.clk.Advance(15 * time.Minute)
	if _, m, _ := f.call(http.MethodGet, "/v2/PE-2/status", ""); m["transaction_status"] != StatusExpire {
		t.Fatalf("gopay window after page_expiry: %v", m)
	}
	for _, bad := range []string{
		`"expiry":{"unit":"minute","duration":4}`, `"expiry":{"unit":"day","duration":8}`,
		`"page_expiry":{"unit":"minutes","duration":2}`, `"page_expiry":{"unit":"hours","duration":169}`,
		`"expiry":{"unit":"minute","duration":99999999999999}`,
	} {
		st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions", `{"transaction_details":{"order_id":"PE-3","gross_amount":5000},`+bad+`}`)
		if st != http.StatusBadRequest || !strings.Contains(strings.Join(toStrings(m["error_messages"].([]any)), "|"), "7 days") {
			t.Errorf("%s: HTTP %d %v", bad, st, m)
		}
	}
}

// A card payment is captured with fraud_status accept and settles later
// (https://docs.midtrans.com/docs/transaction-status-cycle: capture →
// settlement; Handle Notifications best practice: capture with accept is
// a success); pay on the capture settles it at once.
func TestCard_CaptureAcceptThenSettlement(t *testing.T) {
	f := newFixture(t)
	f.create("CC-1", 10000)
	f.act(actPay, "CC-1", map[string]string{"payment_type": "credit_card"})
	got := f.hook.received()
	if len(got) != 1 || got[0]["transaction_status"] != StatusCapture || got[0]["fraud_status"] != FraudAccept || got[0]["status_code"] != "200" {
		t.Fatalf("card payment: %v", got)
	}
	if st, m, _ := f.call(http.MethodPost, "/v2/CC-1/refund", `{"amount":10000}`); st != http.StatusPreconditionFailed {
		t.Fatalf("refund of a capture: HTTP %d %v", st, m)
	}
	f.clk.Advance(DefaultCardSettlement)
	got = f.hook.received()
	if len(got) != 2 || got[1]["transaction_status"] != StatusSettlement || got[1]["settlement_time"] == nil {
		t.Fatalf("card settlement: %v", got)
	}
}

// Refund answers and notifications in Midtrans' words
// (https://docs.midtrans.com/reference/refund-transaction,
// /reference/direct-refund-transaction): refund_method "online"; "2
// refund post notifications ... without and with bank_confirmed_at"; a
// direct refund the bank denies answers status_code 202 with nothing
// refunded and is not notified.
func TestRefund_BankConfirmationAndDeniedDirectRefund(t *testing.T) {
	f := newFixture(t)
	f.create("RB-1", 10000)
	f.act(actPay, "RB-1", map[string]string{"payment_type": "gopay", "notify": "drop"})
	if _, m, _ := f.call(http.MethodPost, "/v2/RB-1/refund", `{"refund_key":"k1","amount":4000}`); m["status_code"] != "200" {
		t.Fatalf("refund: %v", m)
	}
	f.clk.Advance(DefaultEventNotifyDelay)
	got := f.hook.received()
	if len(got) != 1 {
		t.Fatalf("first refund notification: %v", got)
	}
	r := got[0]["refunds"].([]any)[0].(map[string]any)
	if _, has := r["bank_confirmed_at"]; has || r["refund_method"] != "online" {
		t.Fatalf("first notification's refund: %v", r)
	}
	f.clk.Advance(DefaultBankConfirmDelay)
	got = f.hook.received()
	if len(got) != 2 {
		t.Fatalf("bank-confirmed notification: %v", got)
	}
	r = got[1]["refunds"].([]any)[0].(map[string]any)
	if r["bank_confirmed_at"] == nil || r["refund_key"] != "k1" || got[1]["transaction_status"] != StatusPartialRefund {
		t.Fatalf("second notification: %v", got[1])
	}

	f.act(actRefundDeny, "RB-1", nil)
	_, m, _ := f.call(http.MethodPost, "/v2/RB-1/refund/online/direct", `{"refund_key":"k2","amount":6000}`)
	if m["status_code"] != "202" || m["refund_amount"] != "0.00" || m["transaction_status"] != StatusPartialRefund {
		t.Fatalf("denied direct refund: %v", m)
	}
	f.clk.Advance(2 * DefaultBankConfirmDelay)
	if n := len(f.hook.received()); n != 2 {
		t.Fatalf("a denied direct refund was notified: %d notifications", n)
	}
	if _, m, _ := f.call(http.MethodPost, "/v2/RB-1/refund/online/direct", `{"refund_key":"k2","amount":6000}`); m["status_code"] != "200" || m["transaction_status"] != StatusRefund {
		t.Fatalf("retry after the denial: %v", m)
	}
}

// POST /snap/v1/transactions/{token}/cancel closes an open Snap session
// (https://docs.midtrans.com/reference/cancel-a-snap-session): canceled_at,
// then "token already canceled"; "Transaction is on progress" once a method
// was chosen; "token not found" for an unknown token.
func TestSnapCancel_ClosesTheSession(t *testing.T) {
	f := newFixture(t)
	f.create("SC-1", 10000)
	tok := f.emu.Transactions()[0].Token
	st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions/"+tok+"/cancel", "")
	if at, _ := m["canceled_at"].(string); st != http.StatusOK || !strings.HasSuffix(at, "Z") {
		t.Fatalf("cancel: HTTP %d %v", st, m)
	}
	if _, m, _ := f.call(http.MethodPost, "/snap/v1/transactions/"+tok+"/cancel", ""); toStrings(m["error_messages"].([]any))[0] != "token already canceled" {
		t.Fatalf("second cancel: %v", m)
	}
	if _, err := f.emu.Act(t.Context(), actionOf(actPay, tok, nil)); !isStateErr(err) {
		t.Fatalf("paid a cancelled session: %v", err)
	}
	f.create("SC-1", 10000) // no method was chosen: the order_id gets a new token
	f.create("SC-2", 10000)
	tok2 := f.emu.Transactions()[1].Token
	f.choose("SC-2", "gopay")
	if _, m, _ := f.call(http.MethodPost, "/snap/v1/transactions/"+tok2+"/cancel", ""); toStrings(m["error_messages"].([]any))[0] != "Transaction is on progress" {
		t.Fatalf("cancel after a choice: %v", m)
	}
	if st, m, _ := f.call(http.MethodPost, "/snap/v1/transactions/nope/cancel", ""); st != http.StatusNotFound || toStrings(m["error_messages"].([]any))[0] != "token not found" {
		t.Fatalf("unknown token: HTTP %d %v", st, m)
	}
	if st, _, _ := f.callAs("", http.MethodPost, "/snap/v1/transactions/"+tok2+"/cancel", ""); st != http.StatusUnauthorized {
		t.Fatalf("unauthenticated cancel: HTTP %d", st)
	}
}

// The hosted page keeps the shopper after a denial and sends them to the
// finish URL only after more than 3 denials (choice, see the fidelity table).
func TestCheckout_FinishURLOnlyAfterMoreThan3Denials(t *testing.T) {
	f := newFixture(t)
	f.create("DN-1", 10000)
	tok := f.emu.Transactions()[0].Token
	f.choose("DN-1", "credit_card")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := 1; i <= 4; i++ {
		resp, err := noFollow.Post(f.emu.URL()+redirectPath+tok+"/deny", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if back := loc == redirectPath+tok; back != (i <= 3) {
			t.Fatalf("denial %d redirected to %q", i, loc)
		}
	}
}

// Concurrent copies truly overlap at the merchant: each handler is still
// running when the others arrive (harness/emulator/internal/burst).
func TestConcurrent_CopiesOverlapAtTheMerchant(t *testing.T) {
	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	srv := newSlowHook(t, &inFlight, &peak, &mu)
	f := newFixture(t, func(o *Options) { o.NotifyURL = srv })
	f.create("CO-1", 10000)
	f.act(actPay, "CO-1", map[string]string{"notify": "drop"})
	res := f.act(actNotify, "CO-1", map[string]string{"variant": "concurrent", "copies": "5"})
	if len(res.Deliveries) != 5 || peak.Load() < 5 {
		t.Fatalf("copies %d, at most %d in flight at once", len(res.Deliveries), peak.Load())
	}
}

func newSlowHook(t *testing.T, inFlight, peak *atomic.Int32, mu *sync.Mutex) string {
	h := newHook(t)
	h.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		mu.Lock()
		if n > peak.Load() {
			peak.Store(n)
		}
		mu.Unlock()
		io.Copy(io.Discard, r.Body)
		time.Sleep(50 * time.Millisecond) // a slow handler: the merchant's, not a gateway timer
		inFlight.Add(-1)
		w.WriteHeader(http.StatusOK)
	})
	return h.srv.URL + "/notify"
}

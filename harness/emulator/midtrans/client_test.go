package midtrans

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/midtrans/midtrans-go"
	"github.com/midtrans/midtrans-go/coreapi"
	"github.com/midtrans/midtrans-go/snap"
)

// lastAnswer is the raw body of the emulator's latest answer to a merchant call.
func (f *fixture) lastAnswer(api string) []byte {
	f.t.Helper()
	calls := f.emu.Calls(api)
	if len(calls) == 0 || calls[len(calls)-1].Exchange.Response == nil {
		f.t.Fatalf("no %s call was answered", api)
	}
	return []byte(calls[len(calls)-1].Exchange.Response.Body)
}

// lossless fails unless every field of the raw answer survives midtrans-go's
// typed decoding unchanged: a field the struct has no place for is dropped,
// one it holds differently (type or value) is mis-decoded. Both sides are
// compared as generic JSON, so "10000.00" must stay "10000.00" and an int
// refund_chargeback_id must stay that int.
func lossless(t *testing.T, what string, raw []byte, typed any) {
	t.Helper()
	var want map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("%s: answer is not a JSON object: %v", what, err)
	}
	enc, err := json.Marshal(typed)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(enc, &got)
	var bad []string
	for k, v := range want {
		g, ok := got[k]
		switch {
		case !ok:
			bad = append(bad, k+" dropped (the client's struct has no field for it)")
		case !sameJSON(v, g):
			bad = append(bad, k+" mis-decoded: sent "+js(v)+", client holds "+js(g))
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%s: midtrans-go loses part of the answer:\n  %s", what, strings.Join(bad, "\n  "))
	}
}

// sameJSON compares a sent value with the client's re-encoding of it; an
// object is compared key by key on what was sent (the struct may carry
// more, zero-valued, fields).
func sameJSON(sent, held any) bool {
	if so, ok := sent.(map[string]any); ok {
		ho, ok := held.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range so {
			if !sameJSON(v, ho[k]) {
				return false
			}
		}
		return true
	}
	if sa, ok := sent.([]any); ok {
		ha, ok := held.([]any)
		if !ok || len(ha) != len(sa) {
			return false
		}
		for i := range sa {
			if !sameJSON(sa[i], ha[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(sent, held)
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

// The official Go client, used unmodified as a merchant would (only its
// transport points at the emulator), drives every transaction endpoint it
// covers that the emulator serves, and every answer decodes into its typed
// structs without losing or changing a field.
func TestRealClient_EveryServedEndpointDecodesWithoutLoss(t *testing.T) {
	f := newFixture(t)
	sc, cc := f.clients(testKey)
	create := func(order string, gross int64) *snap.Response {
		t.Helper()
		resp, err := sc.CreateTransaction(&snap.Request{
			TransactionDetails: midtrans.TransactionDetails{OrderID: order, GrossAmt: gross},
			Items:              &[]midtrans.ItemDetails{{ID: "sku-1", Name: "Kopi", Price: gross, Qty: 1}},
			CustomerDetail:     &midtrans.CustomerDetails{FName: "Sari", Email: "sari@example.com"},
			Callbacks:          &snap.Callbacks{Finish: "https://shop.example/finish"},
		})
		if err != nil {
			t.Fatalf("CreateTransaction %s: %v", order, err)
		}
		lossless(t, "Snap create", f.lastAnswer(APICreateTransaction), resp)
		return resp
	}

	resp := create("ORDER-1", 15000)
	if len(resp.Token) != 36 || resp.RedirectURL != f.emu.URL()+redirectPath+resp.Token {
		t.Fatalf("token %q redirect_url %q", resp.Token, resp.RedirectURL)
	}
	// Until the shopper picks a method the Core API does not know it.
	if _, err := cc.CheckTransaction("ORDER-1"); err == nil || err.GetStatusCode() != 404 {
		t.Fatalf("CheckTransaction before a method is chosen: want a 404 client error, got %v", err)
	}
	f.choose("ORDER-1", "gopay")
	st, err := cc.CheckTransaction("ORDER-1")
	if err != nil || st.TransactionStatus != StatusPending || st.StatusCode != "201" || st.GrossAmount != "15000.00" {
		t.Fatalf("CheckTransaction: %+v, %v", st, err)
	}
	lossless(t, "status pending", f.lastAnswer(APIStatus), st)

	f.act(actPay, "ORDER-1", map[string]string{"notify": "drop"})
	ref, err := cc.RefundTransaction("ORDER-1", &coreapi.RefundReq{RefundKey: "ORDER-1-r1", Amount: 5000, Reason: "damaged"})
	if err != nil || ref.TransactionStatus != StatusPartialRefund || ref.RefundAmount != "5000.00" || ref.RefundChargebackID == 0 {
		t.Fatalf("RefundTransaction: %+v, %v", ref, err)
	}
	lossless(t, "refund", f.lastAnswer(APIRefund), ref)
	dref, err := cc.DirectRefundTransaction("ORDER-1", &coreapi.RefundReq{RefundKey: "ORDER-1-r2", Amount: 10000, Reason: "rest"})
	if err != nil || dref.TransactionStatus != StatusRefund {
		t.Fatalf("DirectRefundTransaction: %+v, %v", dref, err)
	}
	lossless(t, "direct refund", f.lastAnswer(APIRefund), dref)
	st, err = cc.CheckTransaction(st.TransactionID)
	if err != nil || len(st.Refunds) != 2 || st.Refunds[0].RefundKey != "ORDER-1-r1" || st.RefundAmount != "15000.00" {
		t.Fatalf("status after refunds: %+v, %v", st, err)
	}
	lossless(t, "status refunded", f.lastAnswer(APIStatus), st)

	create("ORDER-2", 20000)
	f.choose("ORDER-2", "bank_transfer")
	cancel, err := cc.CancelTransaction("ORDER-2")
	if err != nil || cancel.TransactionStatus != StatusCancel || cancel.StatusCode != "200" {
		t.Fatalf("CancelTransaction: %+v, %v", cancel, err)
	}
	lossless(t, "cancel", f.lastAnswer(APICancel), cancel)

	create("ORDER-3", 20000)
	f.choose("ORDER-3", "bank_transfer")
	exp, err := cc.ExpireTransaction("ORDER-3")
	if err != nil || exp.StatusCode != "407" || exp.TransactionStatus != StatusExpire {
		t.Fatalf("ExpireTransaction: %+v, %v", exp, err)
	}
	lossless(t, "expire", f.lastAnswer(APIExpire), exp)
	st, err = cc.CheckTransaction("ORDER-3")
	if err != nil || st.StatusCode != "407" {
		t.Fatalf("status after expire: %+v, %v", st, err)
	}
	lossless(t, "status expired", f.lastAnswer(APIStatus), st)

	for order, decide := range map[string]func(string) (*coreapi.ChargeResponse, *midtrans.Error){
		"ORDER-4": cc.ApproveTransaction, "ORDER-5": cc.DenyTransaction,
	} {
		create(order, 30000)
		f.act(actChallenge, order, map[string]string{"notify": "drop"})
		st, err := cc.CheckTransaction(order)
		if err != nil || st.TransactionStatus != StatusCapture || st.FraudStatus != FraudChallenge || st.StatusCode != "201" {
			t.Fatalf("challenged %s: %+v, %v", order, st, err)
		}
		lossless(t, "status challenged", f.lastAnswer(APIStatus), st)
		got, err := decide(order)
		api, wantStatus, wantFraud := APIApprove, StatusCapture, FraudAccept
		if order == "ORDER-5" {
			api, wantStatus, wantFraud = APIDeny, StatusDeny, FraudDeny
		}
		if err != nil || got.TransactionStatus != wantStatus || got.FraudStatus != wantFraud {
			t.Fatalf("%s %s: %+v, %v", api, order, got, err)
		}
		lossless(t, api, f.lastAnswer(api), got)
	}

	// The map, token-only and URL-only Snap variants reach the same endpoint.
	m, err := sc.CreateTransactionWithMap(&snap.RequestParamWithMap{"transaction_details": map[string]any{"order_id": "ORDER-6", "gross_amount": 1000}})
	if err != nil || m["token"] == nil {
		t.Fatalf("CreateTransactionWithMap: %v, %v", m, err)
	}
	if tok, err := sc.CreateTransactionToken(&snap.Request{TransactionDetails: midtrans.TransactionDetails{OrderID: "ORDER-7", GrossAmt: 1000}}); err != nil || len(tok) != 36 {
		t.Fatalf("CreateTransactionToken: %q, %v", tok, err)
	}
	if u, err := sc.CreateTransactionUrl(&snap.Request{TransactionDetails: midtrans.TransactionDetails{OrderID: "ORDER-8", GrossAmt: 1000}}); err != nil || !strings.Contains(u, redirectPath) {
		t.Fatalf("CreateTransactionUrl: %q, %v", u, err)
	}
}

// The endpoints midtrans-go covers that the emulator does not emulate
// (Core API charge and capture, card token/register/point/BIN,
// subscriptions, GoPay tokenization, status B2B) answer the emulator's
// Midtrans-shaped 404, which the client reports as an error, never a panic
// or a silent success.
func TestRealClient_UnservedEndpointsAreClientErrors(t *testing.T) {
	f := newFixture(t)
	_, cc := f.clients(testKey)
	unserved := map[string]func() *midtrans.Error{
		"ChargeTransaction": func() *midtrans.Error {
			_, err := cc.ChargeTransaction(&coreapi.ChargeReq{PaymentType: coreapi.PaymentTypeGopay,
				TransactionDetails: midtrans.TransactionDetails{OrderID: "C-1", GrossAmt: 1000}})
			return err
		},
		"CaptureTransaction": func() *midtrans.Error {
			_, err := cc.CaptureTransaction(&coreapi.CaptureReq{TransactionID: "C-1", GrossAmt: 1000})
			return err
		},
		"CardToken": func() *midtrans.Error {
			_, err := cc.CardToken("4811111111111114", 12, 2030, "123", "SB-Mid-client-x")
			return err
		},
		"RegisterCard": func() *midtrans.Error {
			_, err := cc.RegisterCard("4811111111111114", 12, 2030, "SB-Mid-client-x")
			return err
		},
		"CardPointInquiry":    func() *midtrans.Error { _, err := cc.CardPointInquiry("tok"); return err },
		"GetBIN":              func() *midtrans.Error { _, err := cc.GetBIN("481111"); return err },
		"GetStatusB2B":        func() *midtrans.Error { _, err := cc.GetStatusB2B("C-1"); return err },
		"GetSubscription":     func() *midtrans.Error { _, err := cc.GetSubscription("sub-1"); return err },
		"DisableSubscription": func() *midtrans.Error { _, err := cc.DisableSubscription("sub-1"); return err },
		"GetPaymentAccount":   func() *midtrans.Error { _, err := cc.GetPaymentAccount("acc-1"); return err },
	}
	for name, call := range unserved {
		t.Run(name, func(t *testing.T) {
			if err := call(); err == nil {
				t.Fatalf("%s succeeded against an endpoint the emulator does not serve", name)
			}
		})
	}
}

// midtrans-go turns a body status_code >= 401 (other than 407) and any
// HTTP >= 400 into an error; the emulator's refusals must reach the
// merchant as errors with the status the client reports.
func TestRealClient_RefusalsAreClientErrors(t *testing.T) {
	f := newFixture(t)
	sc, cc := f.clients(testKey)
	req := &snap.Request{TransactionDetails: midtrans.TransactionDetails{OrderID: "DUP-1", GrossAmt: 10000}}
	if _, err := sc.CreateTransaction(req); err != nil {
		t.Fatal(err)
	}
	f.choose("DUP-1", "bank_transfer")
	f.create("BT-1", 10000)
	f.act(actPay, "BT-1", map[string]string{"notify": "drop", "payment_type": "bank_transfer"})
	tests := []struct {
		name string
		run  func() *midtrans.Error
		want int
	}{
		{"duplicate order_id once a method is chosen", func() *midtrans.Error { _, err := sc.CreateTransaction(req); return err }, 400},
		{"unknown order", func() *midtrans.Error { _, err := cc.CheckTransaction("NOPE"); return err }, 404},
		{"refund unpaid", func() *midtrans.Error {
			_, err := cc.RefundTransaction("DUP-1", &coreapi.RefundReq{Amount: 1000})
			return err
		}, 412},
		{"refund a bank transfer", func() *midtrans.Error {
			_, err := cc.RefundTransaction("BT-1", &coreapi.RefundReq{Amount: 1000})
			return err
		}, 412},
		{"approve without a challenge", func() *midtrans.Error { _, err := cc.ApproveTransaction("DUP-1"); return err }, 412},
		{"wrong server key", func() *midtrans.Error {
			_, c := f.clients("SB-Mid-server-WRONG")
			_, err := c.CheckTransaction("DUP-1")
			return err
		}, 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || err.GetStatusCode() != tc.want {
				t.Fatalf("want a client error with status %d, got %v", tc.want, err)
			}
		})
	}
	// Expire answers status_code 407, which the client does not treat as an error.
	exp, err := cc.ExpireTransaction("DUP-1")
	if err != nil || exp.StatusCode != "407" || exp.TransactionStatus != StatusExpire {
		t.Fatalf("ExpireTransaction: %+v, %v", exp, err)
	}
}

package midtrans

import (
	"testing"

	"github.com/midtrans/midtrans-go"
	"github.com/midtrans/midtrans-go/coreapi"
	"github.com/midtrans/midtrans-go/snap"
)

// The official client must work unmodified against the emulator: Snap
// create, Core status, cancel and refund, with only its transport pointed
// here. A type mismatch in an answer (a numeric status_code, an int where
// the client wants a string) would surface as a client error or panic.
func TestRealClient_SnapCreateStatusCancelRefund(t *testing.T) {
	f := newFixture(t)
	sc, cc := f.clients(testKey)

	resp, err := sc.CreateTransaction(&snap.Request{
		TransactionDetails: midtrans.TransactionDetails{OrderID: "ORDER-1", GrossAmt: 15000},
		Items:              &[]midtrans.ItemDetails{{ID: "sku-1", Name: "Kopi", Price: 7500, Qty: 2}},
		CustomerDetail:     &midtrans.CustomerDetails{FName: "Sari", Email: "sari@example.com"},
		Callbacks:          &snap.Callbacks{Finish: "https://shop.example/finish"},
	})
	if err != nil {
		t.Fatalf("CreateTransaction: %v", err)
	}
	if len(resp.Token) != 36 || resp.RedirectURL != f.emu.URL()+redirectPath+resp.Token {
		t.Fatalf("token %q redirect_url %q", resp.Token, resp.RedirectURL)
	}

	st, err := cc.CheckTransaction("ORDER-1")
	if err != nil {
		t.Fatalf("CheckTransaction: %v", err)
	}
	if st.TransactionStatus != StatusPending || st.StatusCode != "201" || st.GrossAmount != "15000.00" {
		t.Fatalf("status after create: %+v", st)
	}

	f.act(actPay, "ORDER-1", nil)
	ref, err := cc.RefundTransaction("ORDER-1", &coreapi.RefundReq{RefundKey: "ORDER-1-r1", Amount: 5000, Reason: "damaged"})
	if err != nil {
		t.Fatalf("RefundTransaction: %v", err)
	}
	if ref.TransactionStatus != StatusPartialRefund || ref.RefundAmount != "5000.00" || ref.RefundChargebackID == 0 {
		t.Fatalf("refund answer: %+v", ref)
	}
	st, err = cc.CheckTransaction(st.TransactionID)
	if err != nil || len(st.Refunds) != 1 || st.Refunds[0].RefundKey != "ORDER-1-r1" {
		t.Fatalf("status after refund: %+v, %v", st, err)
	}

	if _, err := sc.CreateTransaction(&snap.Request{TransactionDetails: midtrans.TransactionDetails{OrderID: "ORDER-2", GrossAmt: 20000}}); err != nil {
		t.Fatal(err)
	}
	cancel, err := cc.CancelTransaction("ORDER-2")
	if err != nil || cancel.TransactionStatus != StatusCancel || cancel.StatusCode != "200" {
		t.Fatalf("CancelTransaction: %+v, %v", cancel, err)
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
	tests := []struct {
		name string
		run  func() *midtrans.Error
		want int
	}{
		{"duplicate order_id", func() *midtrans.Error { _, err := sc.CreateTransaction(req); return err }, 400},
		{"unknown order", func() *midtrans.Error { _, err := cc.CheckTransaction("NOPE"); return err }, 404},
		{"refund unpaid", func() *midtrans.Error {
			_, err := cc.RefundTransaction("DUP-1", &coreapi.RefundReq{Amount: 1000})
			return err
		}, 412},
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

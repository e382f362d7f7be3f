package dana

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
)

func TestNew_RefusesOptionsThatCannotWork(t *testing.T) {
	mk, gk := testKeys(t)
	ok := func() Options { return Options{MerchantPublicKey: &mk.PublicKey, GatewayPrivateKey: gk} }
	cases := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no merchant key", func(o *Options) { o.MerchantPublicKey = nil }, "MerchantPublicKey is required"},
		{"no gateway key", func(o *Options) { o.GatewayPrivateKey = nil }, "GatewayPrivateKey is required"},
		{"reuse policy", func(o *Options) { o.ExternalIDReuse = "ignore" }, "ExternalIDReuse"},
		{"negative skew", func(o *Options) { o.TimestampSkew = -time.Second }, "TimestampSkew"},
		{"zero retry", func(o *Options) { o.NotifyRetry = []time.Duration{0} }, "NotifyRetry[0]"},
		{"relative notify url", func(o *Options) { o.NotifyURL = "/v1.0/debit/notify" }, "NotifyURL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := ok()
			tc.edit(&o)
			if _, err := New(o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to mention %q", err, tc.want)
			}
		})
	}
	e, err := New(ok())
	if err != nil {
		t.Fatal(err)
	}
	if e.Name() != "dana-gapura" || len(e.o.NotifyRetry) != 6 || e.o.ExternalIDReuse != ReuseRecord || e.client.Timeout != 8*time.Second {
		t.Errorf("defaults not applied: %+v", e.o)
	}
	if !strings.HasPrefix(string(e.PublicKeyPEM()), "-----BEGIN PUBLIC KEY-----") {
		t.Error("PublicKeyPEM is not a PKIX PEM")
	}
}

func TestAct_RefusesUnknownActionsOrdersAndParams(t *testing.T) {
	f := newFixture(t)
	f.create("INV-1", "10000.00")
	cases := []struct {
		a      emulator.Action
		target error
		want   string
	}{
		{actionFor("refund_all", "INV-1", nil), emulator.ErrUnknownAction, "valid actions: pay, fail, expire, respond_next, notify, return_shopper"},
		{actionFor(actPay, "INV-404", nil), emulator.ErrUnknownOrder, "INV-404"},
		{actionFor(actPay, "INV-1", map[string]string{"notfy": "drop"}), nil, "does not take notfy"},
		{actionFor(actPay, "INV-1", map[string]string{"notify": "later"}), nil, "want send (default) or drop"},
		{actionFor(actRespondNext, "", map[string]string{"api": "create", "code": "5005401"}), nil, "want one of create_order"},
		{actionFor(actRespondNext, "", map[string]string{"api": APICreateOrder, "code": "500540"}), nil, "7-digit"},
		{actionFor(actRespondNext, "", map[string]string{"api": APICreateOrder, "code": "5005401", "count": "0"}), nil, "count"},
	}
	for _, tc := range cases {
		_, err := f.e.Act(t.Context(), tc.a)
		if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.target != nil && !errors.Is(err, tc.target)) {
			t.Errorf("%s %v: err %v, want %q", tc.a.Name, tc.a.Params, err, tc.want)
		}
	}
}

func TestAct_SettlesOnlyInitOrders(t *testing.T) {
	f := newFixture(t)
	f.create("INV-1", "10000.00")
	f.act(actPay, "INV-1", nil)
	for _, name := range []string{actPay, actFail, actExpire} {
		if _, err := f.e.Act(t.Context(), actionFor(name, "INV-1", nil)); !errors.Is(err, errState) {
			t.Errorf("%s on a paid order: %v", name, err)
		}
	}
	if n := len(f.merchant.notifies()); n != 1 {
		t.Errorf("%d notifies, want the one from pay", n)
	}
}

func TestAct_FailAndExpireCloseWithA05Notify(t *testing.T) {
	for _, name := range []string{actFail, actExpire} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.create("INV-1", "10000.00")
			res := f.act(name, "INV-1", nil)
			if len(res.Deliveries) != 1 || !res.Deliveries[0].Acked {
				t.Fatalf("deliveries %+v", res.Deliveries)
			}
			if o := f.order("INV-1"); o.Status != StatusClosed || o.StatusCode != "05" {
				t.Errorf("order %+v", o)
			}
			if f.clk.Pending() != 0 {
				t.Error("the expiry timer survived")
			}
		})
	}
}

// TestAct_LooksOrdersUpByEitherReference: scenarios know the merchant's
// partnerReferenceNo, the checkout page knows DANA's referenceNo.
func TestAct_LooksOrdersUpByEitherReference(t *testing.T) {
	f := newFixture(t)
	ref := f.create("INV-1", "10000.00").Get("referenceNo").Str
	f.act(actPay, ref, nil)
	if len(f.e.Deliveries("INV-1")) != 1 || len(f.e.Deliveries(ref)) != 1 || f.e.Deliveries("nope") != nil {
		t.Error("Deliveries does not resolve both references")
	}
}

func TestRespondNext_InjectsAnswersWithoutChangingState(t *testing.T) {
	f := newFixture(t)
	f.act(actRespondNext, "", map[string]string{"api": APICreateOrder, "code": "5005401", "count": "2"})
	for i := range 2 {
		status, res := f.post(pathOf(APICreateOrder), f.createBody("INV-1", "10000.00"))
		if status != 500 || res.Get("responseCode").Str != "5005401" || res.Get("responseMessage").Str != "Internal Server Error" ||
			res.Get("partnerReferenceNo").Str != "INV-1" {
			t.Fatalf("call %d: HTTP %d %s", i, status, res.Raw)
		}
	}
	if len(f.e.Orders()) != 0 {
		t.Fatal("an injected answer created an order")
	}
	f.create("INV-1", "10000.00") // the merchant's retry now succeeds
	calls := f.e.Calls(APICreateOrder)
	if len(calls) != 3 || calls[0].Signature == nil || !calls[0].Signature.Valid {
		t.Errorf("injected calls not recorded with their signature check: %+v", calls)
	}
	f.act(actRespondNext, "", map[string]string{"api": APIRefundOrder, "code": "2025800", "message": "Request In Progress"})
	if _, res := f.post(pathOf(APICreateOrder), f.createBody("INV-2", "1.00")); res.Get("responseCode").Str != "2005400" {
		t.Errorf("an injection for refund_order hit create_order: %s", res.Raw)
	}
	status, res := f.post(pathOf(APIRefundOrder), refundBody("INV-1", "RF-1", "1.00"))
	if status != 202 || res.Get("responseCode").Str != "2025800" {
		t.Errorf("refund injection: HTTP %d %s", status, res.Raw)
	}
}

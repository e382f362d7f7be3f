package emulator

import (
	"net/url"
	"strings"
	"testing"
)

func TestOrderRef_ReadsTheOrderEachGatewayNames(t *testing.T) {
	cases := []struct {
		name, url, body, want string
	}{
		{"BI-SNAP create", "/payment-gateway/v1.0/debit/payment-host-to-host.htm", `{"partnerReferenceNo":"ORD-1","amount":{}}`, "ORD-1"},
		{"BI-SNAP refund names the original order", "/v1.0/debit/refund.htm", `{"partnerRefundNo":"RF-1","partnerReferenceNo":"X","originalPartnerReferenceNo":"ORD-2"}`, "ORD-2"},
		{"Midtrans Snap create", "/snap/v1/transactions", `{"transaction_details":{"order_id":"mt-3","gross_amount":1}}`, "mt-3"},
		{"Midtrans status path", "/v2/mt-4/status", ``, "mt-4"},
		{"Midtrans escaped path", "/v2/mt%2F5/cancel", ``, "mt/5"},
		{"Astapa verify query", "/api/platform/shop-payment/verify?order_id=as-6", ``, "as-6"},
		{"Purwantara create", "/v1/virtual-account", `{"external_id":"pw-7"}`, "pw-7"},
		{"a token call names none", "/v1.0/access-token/b2b.htm", `{"grantType":"client_credentials"}`, ""},
		{"a number is not a reference", "/x", `{"order_id":12}`, ""},
		{"broken JSON", "/x", `{"partnerReferenceNo":`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := url.Parse(c.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := OrderRef(u, []byte(c.body)); got != c.want {
				t.Fatalf("OrderRef(%s, %s) = %q, want %q", c.url, c.body, got, c.want)
			}
		})
	}
}

func TestOrderRef_ANestingBombIsNotParsed(t *testing.T) {
	bomb := []byte(`{"partnerReferenceNo":"ORD-1","x":` + strings.Repeat("[", 1<<20))
	if got := OrderRef(&url.URL{Path: "/x"}, bomb); got != "" {
		t.Fatalf("OrderRef read %q from a nesting bomb", got)
	}
	allocs := testing.AllocsPerRun(3, func() { OrderRef(&url.URL{Path: "/x"}, bomb) })
	if allocs > 20 {
		t.Fatalf("a nesting bomb cost %v allocations", allocs)
	}
}

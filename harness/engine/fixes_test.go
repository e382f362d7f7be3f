package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

const refundCallSrc = `id: E-FIX
title: a refund is well formed
gateway: fake
family: refund
remedy: Send a unique partnerRefundNo with every refund.
steps:
  - gateway_received: create_order
    expect: {EXPECT}
`

// runCall judges one call the merchant made, as the emulator recorded it.
func runCall(t *testing.T, expect string, c emulator.Call) evidence.Scenario {
	t.Helper()
	scs, errs := scenario.Parse("fix.yaml", []byte(strings.Replace(refundCallSrc, "EXPECT", expect, 1)))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c.Seq, c.API = 1, "create_order"
	g := &fakeGateway{deliveries: map[string][]emulator.Delivery{}}
	e := New(Target{Gateway: g, Merchant: &fakeMerchant{g: g}, WaitWithin: 1})
	r := e.Start(scs[0])
	g.calls = append(g.calls, c) // made while the scenario ran
	r.RunAll(context.Background())
	return r.Finish(context.Background())
}

// The fix follows the check that failed: a reused X-EXTERNAL-ID is not
// reported with the scenario's remedy about partnerRefundNo.
func TestFix_FollowsTheFailedCheck(t *testing.T) {
	reused := `X-EXTERNAL-ID "ext-1" reused within the day (first used by call #3)`
	refusedCall := emulator.Call{ResponseCode: "4015800", Exchange: evidence.Exchange{Response: &evidence.Message{Status: 401,
		Body: `{"responseCode":"4015800","responseMessage":"Unauthorized. Invalid signature"}`}}}
	for _, tc := range []struct {
		name, expect string
		call         emulator.Call
		want, not    string
	}{
		{"a protocol violation", "violations: none", emulator.Call{Violations: []string{reused}},
			"Correct what the gateway flagged in the merchant's call: call #1: " + reused, "partnerRefundNo"},
		{"an invalid signature", "signature: valid", emulator.Call{Signature: &evidence.SignatureCheck{Detail: "does not verify with merchant_public_key"}},
			"Sign the create_order call as the gateway specifies", "partnerRefundNo"},
		{"a call the gateway refused", `response_code: "2005800"`, refusedCall,
			"The gateway refused the merchant's call: Create Order answered 4015800 Unauthorized. Invalid signature", "partnerRefundNo"},
		{"a check the engine has no rule for", `body: {partnerRefundNo: "~^R-"}`, emulator.Call{Exchange: evidence.Exchange{Request: evidence.Message{Body: `{"partnerRefundNo":"x"}`}}},
			"Send a unique partnerRefundNo with every refund.", "Correct what"},
		{"both: each failed check's fix, in order", `violations: none, body: {partnerRefundNo: "~^R-"}`,
			emulator.Call{Violations: []string{reused}, Exchange: evidence.Exchange{Request: evidence.Message{Body: `{"partnerRefundNo":"x"}`}}},
			"(first used by call #3). Also: Send a unique partnerRefundNo with every refund.", "Also: Correct"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runCall(t, tc.expect, tc.call)
			if got.Verdict != evidence.Failed {
				t.Fatalf("verdict %s (%s)", got.Verdict, got.Reason)
			}
			if fix := got.Fix(); !strings.Contains(fix, tc.want) || strings.Contains(fix, tc.not) {
				t.Errorf("fix %q\nwant it to contain %q and not %q", fix, tc.want, tc.not)
			}
		})
	}
}

func TestFix_ANotifyAnswerWithTheWrongCode(t *testing.T) {
	got := runPay(t, func(g *fakeGateway, _ *fakeMerchant) { g.ack = false })
	st := got.Steps[3]
	if !strings.Contains(st.Remedy, "Answer the notify valid #1 with responseCode 2005600 in the JSON body") || !strings.Contains(st.Remedy, "(it answered 200)") {
		t.Fatalf("remedy %q", st.Remedy)
	}
	for _, c := range st.Checks {
		if strings.HasSuffix(c.What, "acknowledged") && c.Fix != "" {
			t.Errorf("the acknowledgement itself is the scenario's rule, yet carries fix %q", c.Fix)
		}
	}
}

func TestNotifyCodeFix_OnlyForTheRightSideWithTheWrongCode(t *testing.T) {
	for _, tc := range []struct {
		matcher, actual string
		want            bool
	}{
		{"2005600", "200", true},       // accepted, with a code the gateway does not document
		{"2005600", "", true},          // accepted without a code
		{"4017300", "4007300", true},   // rejected, with the wrong code
		{"4017300", "2005600", false},  // accepted a forged notify: the scenario's rule
		{"!2005600", "2005600", false}, // not a literal code
		{"~^4", "2005600", false},
	} {
		if got := notifyCodeFix("notify", tc.matcher, tc.actual) != ""; got != tc.want {
			t.Errorf("%q vs %q: fix %v, want %v", tc.matcher, tc.actual, got, tc.want)
		}
	}
}

func TestStatusWordFix_NamesAnUnmappedWord(t *testing.T) {
	e := New(Target{Statuses: map[string][]string{"PAID": {"paid"}, "PENDING": {"pending"}}})
	if fix := e.statusWordFix("PAID", "settled"); !strings.Contains(fix, `merchant.statuses: {PAID: [paid, settled]}`) {
		t.Errorf("fix %q", fix)
	}
	if fix := e.statusWordFix("PAID", "pending"); fix != "" {
		t.Errorf("a mapped word is a wrong state, not a missing mapping: %q", fix)
	}
}

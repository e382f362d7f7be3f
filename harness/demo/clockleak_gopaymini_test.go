package demo

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/tidwall/gjson"

	gopayminishop "github.com/uatrun/uatrun/examples/gopay-miniapp-shop"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
)

// clockLeakScenario is a merchant's own scenario that moves its test clock
// 16 minutes, past the B2B token's 900 s: in that scenario every token the
// backend cached is expired, and nowhere else.
const clockLeakScenario = `id: LEAK-GPM-CLOCK-16M
title: A custom scenario moves its clock 16 minutes between two checkouts
gateway: gopay-miniapp
family: custom
tier: optional
steps:
  - merchant: checkout
    with: {amount: "16100.00"}
    capture: [order]
    expect: {status: 2xx}
  - clock: 16m
  # A watching step: while it waits, this scenario's moved clock may be
  # the current one and other scenarios' status reads come in.
  - receiver_got: /hooks/none/*
    within: 1s
    expect: {count: 0}
  - merchant: order_status
    with: {order: "{{.order}}"}
    expect: {status_is: PENDING, fulfilments: 0}
  - merchant: checkout
    name: "merchant: a checkout 16 minutes later on this scenario's clock"
    with: {amount: "16100.00"}
    expect: {status: 2xx}
`

// clockLeakAmounts are the amounts of the payments created after a clock
// moved past 900 s: the custom scenario's and GPM-PAY-08's second
// checkout. Only calls about them may meet an expired B2B token.
var clockLeakAmounts = map[string]bool{"16100.00": true, "16000.00": true}

// expiredToken is a BI-SNAP 401 "Invalid Token (B2B)" of any service.
var expiredToken = regexp.MustCompile(`^401\d\d01$`)

// A custom scenario that moves its clock 16 minutes, run beside the whole
// GoPay Mini App pack (two start orders), leaves the backend GO: the moved
// clock ages the cached B2B token in that scenario only. The backend reads
// a pending order through the status API (StatusOnRead), so its calls
// also arrive while no scenario acts and the moved clock is the current
// one; and it retries once on Invalid Token (B2B), so a leak would not
// fail a scenario by itself: the test also requires that no call about
// another scenario's payment met an expired token.
func TestClockLeak_GoPayMiniCustomClockMoveLeavesThePackGO(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pack twice")
	}
	// Parallel at the top too: its runs mostly wait, and the package's
	// longest test should not wait for them to start.
	t.Parallel()
	pack, err := scenario.LoadFS(fstest.MapFS{"leak.yaml": {Data: []byte(clockLeakScenario)}}, ".", "clockleak")
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []int64{11, 20261206} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			s, err := Open(Options{Gateway: "gopay-miniapp", Version: "test", ExtraPacks: []*scenario.Pack{pack}, Seed: seed,
				Start: GoPayMiniShopStarterWith(gopayminishop.Config{StatusOnRead: true})})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.RunDirect(context.Background())
			out, err := s.Finish()
			if err != nil {
				t.Fatal(err)
			}
			for _, sc := range out.Run.Scenarios {
				if sc.Verdict != evidence.Passed && !evidence.NotApplicable(sc) {
					t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
				}
			}
			if !out.Run.Summary.GoLive {
				t.Errorf("go-live %v with a custom scenario that moved its clock 16 minutes", out.Run.Summary.GoLive)
			}
			checkNoLeakedExpiry(t, s.Gateway())
		})
	}
}

// checkNoLeakedExpiry fails for every BI-SNAP call answered Invalid Token
// (B2B) about a payment created before any clock moved past 900 s.
func checkNoLeakedExpiry(t *testing.T, gw session.Gateway) {
	t.Helper()
	amount := map[string]string{}
	for _, c := range gw.Calls("create_payment") {
		if ref := gjson.Get(c.Exchange.Request.Body, "partnerReferenceNo").String(); ref != "" {
			if _, seen := amount[ref]; !seen {
				amount[ref] = gjson.Get(c.Exchange.Request.Body, "amount.value").String()
			}
		}
	}
	expired := 0
	for _, api := range []string{"create_payment", "query_payment", "cancel_payment", "refund_payment"} {
		for _, c := range gw.Calls(api) {
			if !expiredToken.MatchString(c.ResponseCode) {
				continue
			}
			expired++
			if !clockLeakAmounts[amount[c.Order]] {
				t.Errorf("call #%d %s about %s (amount %q) was answered %s: another scenario's clock move leaked into it",
					c.Seq, api, c.Order, amount[c.Order], c.ResponseCode)
			}
		}
	}
	t.Logf("queries %d, expired %d", len(gw.Calls("query_payment")), expired)
	if expired == 0 {
		t.Errorf("no call met an expired B2B token: the custom scenario and GPM-PAY-08 move their clocks past 900 s and should")
	}
}

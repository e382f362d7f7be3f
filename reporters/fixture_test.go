package reporters

import (
	"crypto/ed25519"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// wib is a fixed zone: golden files must not depend on the machine's tz
// database or local zone.
var wib = time.FixedZone("WIB", 7*3600)

var runStart = time.Date(2026, 3, 2, 10, 15, 0, 0, wib)

// stamp is ms milliseconds into the run on the real clock; the virtual
// clock runs virt ahead, as the scenarios advance it.
func stamp(ms int, virt time.Duration) evidence.Stamp {
	real := runStart.Add(time.Duration(ms) * time.Millisecond)
	return evidence.Stamp{Real: real, Virtual: real.Add(virt)}
}

func fixedNow() time.Time { return runStart.Add(5 * time.Second) }

// fixtureKey is a fixed Ed25519 key: signatures over a fixed digest are
// then fixed too.
func fixtureKey() ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, "uatrun reporters golden seed....")
	return ed25519.NewKeyFromSeed(seed)
}

const packFile = "scenarios/dana-gapura/pay.yaml"

// fixtureRun has one scenario per verdict (two PASSED, one mandated and
// one not), bodies with markup and ampersands, a control character XML
// forbids, and headers in several keys so map order would show.
func fixtureRun() *evidence.Run {
	scs := []evidence.Scenario{
		paidScenario(), expiredScenario(), unreachableScenario(), skippedScenario(), reviewScenario(), badSignatureScenario(),
	}
	run := &evidence.Run{
		Schema: evidence.Schema,
		ID:     "run-20260302-101500-7f3a",
		Meta: evidence.Meta{
			Tool: "uatrun", Version: "v0.3.0", Merchant: "Warung Bu Sari & Sons <Jakarta>", Gateway: "dana-gapura",
			Product: "DANA Gapura Hosted Checkout", Environment: "emulate", Target: "http://127.0.0.1:8080",
			Packs: []evidence.Pack{
				{Name: "dana-gapura", Digest: "3b1f0c9a8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c", Files: 6},
			},
			ConfigDigest: "9e8d7c6b5a49382716f5e4d3c2b1a0f9e8d7c6b5a49382716f5e4d3c2b1a0f9e",
			RunBy:        "ci@github-actions", Host: "runner-7", Filter: "labels: pay, notify, create",
			SignOff: []evidence.Signer{
				{Name: "Sari Wulandari", Role: "Head of Engineering", Organisation: "Warung Bu Sari"},
				{Name: "Budi Santoso", Role: "UAT reviewer", Organisation: "DANA Indonesia"},
			},
			Started:  stamp(0, 0),
			Finished: stamp(2870, 25*time.Hour),
		},
		Scenarios: scs,
	}
	run.Summary = evidence.Summarise(run.Scenarios)
	return run
}

func scenario(id, title, family string, mandatory bool, v evidence.Verdict, line, at int) evidence.Scenario {
	return evidence.Scenario{
		ID: id, Title: title, Gateway: "dana-gapura", Family: family, Mandatory: mandatory,
		Labels: []string{family}, File: packFile, Line: line, Verdict: v, At: stamp(at, 0), DurationMS: 412.25,
	}
}

func step(i int, kind, name string, v evidence.Verdict, line, at int) evidence.Step {
	return evidence.Step{
		Index: i, Kind: kind, Name: name, File: packFile, Line: line, Col: 5, Verdict: v,
		At: stamp(at, 0), DurationMS: 18.5,
	}
}

func checkoutExchange(at int) evidence.Exchange {
	return evidence.Exchange{
		ID: "ex-checkout", Kind: evidence.KindAction, Label: "checkout",
		Request: evidence.Message{
			Method: "POST", URL: "http://127.0.0.1:8080/checkout",
			Headers: map[string][]string{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "X-Request-Id": {"r-1"}},
			Body:    `{"amount":"15000.00","note":"<script>alert('x')</script> & co"}`,
		},
		Response: &evidence.Message{
			Status:  201,
			Headers: map[string][]string{"Content-Type": {"application/json"}, "Set-Cookie": {evidence.Redacted}},
			Body:    `{"order_id":"ord-1","redirect_url":"http://127.0.0.1:9080/checkout?ref=ord-1&lang=id"}`,
		},
		At: stamp(at, 0), DurationMS: 4.75,
	}
}

func createOrderExchange(at int) evidence.Exchange {
	return evidence.Exchange{
		ID: "ex-create", Kind: evidence.KindMerchantCall, Label: "create_order",
		Request: evidence.Message{
			Method: "POST", URL: "/v1.0/payment-gateway/payment.htm",
			Headers: map[string][]string{
				"Authorization": {"Bearer " + evidence.Redacted}, "X-Timestamp": {"2026-03-02T10:15:00+07:00"},
				"X-Partner-Id": {"2025031000001"}, "X-External-Id": {"ext-0001"}, "X-Signature": {"c2lnbmF0dXJl"},
			},
			Body: `{"partnerReferenceNo":"ord-1","amount":{"value":"15000.00","currency":"IDR"}}`,
		},
		Response: &evidence.Message{
			Status: 200, Headers: map[string][]string{"Content-Type": {"application/json"}, "X-Uatrun-Emulator": {"dana-gapura"}},
			Body: `{"responseCode":"2005400","responseMessage":"Successful","webRedirectUrl":"http://127.0.0.1:9080/pay?ref=ord-1"}`,
		},
		Signature: &evidence.SignatureCheck{Scheme: "SNAP asymmetric RSA-SHA256", Valid: true,
			Detail: "POST:/v1.0/payment-gateway/payment.htm:5d41402abc4b2a76b9719d911017c592:2026-03-02T10:15:00+07:00"},
		At: stamp(at, 0), DurationMS: 2.5,
	}
}

func paidScenario() evidence.Scenario {
	sc := scenario("DANA-PAY-01", "Paid order is acknowledged with 2005600 and fulfilled once", "pay", true, evidence.Passed, 1, 10)
	sc.MapsTo = []string{"DANA portal: Transaction Success Notify"}
	s0 := step(0, "merchant", "merchant: checkout", evidence.Passed, 9, 12)
	s0.Checks = []evidence.Check{{What: "status", Expected: "2xx", Actual: "201", OK: true}}
	s0.Exchanges = []evidence.Exchange{checkoutExchange(12)}
	s1 := step(1, "gateway_received", "gateway_received: create_order", evidence.Passed, 12, 20)
	s1.Checks = []evidence.Check{{What: "signature", Expected: "valid", Actual: "valid", OK: true}}
	s1.Exchanges = []evidence.Exchange{createOrderExchange(16)}
	sc.Steps = []evidence.Step{s0, s1}
	return sc
}

func expiredScenario() evidence.Scenario {
	sc := scenario("DANA-PAY-03", "Expired notify (05) leaves the order unpaid", "pay", true, evidence.Failed, 40, 500)
	sc.MapsTo = []string{"DANA portal: Transaction Expired Notify", "DANA UAT: expired-notify"}
	sc.Reason = "the order is PAID after an expired notify"
	s0 := step(0, "clock", "clock: advance 15m", evidence.Passed, 48, 510)
	s1 := step(1, "merchant", "merchant: order_status", evidence.Failed, 52, 530)
	s1.Reason = "status_is: order is PAID, want EXPIRED"
	s1.Remedy = "Treat latestTransactionStatus \"05\" as expired: never mark the order paid when the finish notify says 05."
	s1.Checks = []evidence.Check{
		{What: "status", Expected: "2xx", Actual: "200", OK: true},
		{What: "status_is", Expected: "EXPIRED (merchant: \"expired\")", Actual: "PAID (merchant: \"paid\") \x01", OK: false},
	}
	ex := checkoutExchange(531)
	ex.ID, ex.Label = "ex-status", "order_status"
	ex.Request = evidence.Message{Method: "GET", URL: "http://127.0.0.1:8080/orders/ord-3"}
	ex.Response.Status = 200
	ex.Response.Body = `{"status":"paid","fulfilments":1,"memo":"a<b && c>d"}`
	s1.Exchanges = []evidence.Exchange{ex}
	sc.Steps = []evidence.Step{s0, s1}
	return sc
}

func unreachableScenario() evidence.Scenario {
	sc := scenario("DANA-CREATE-05", "Gateway error 5005401 is not treated as paid", "create", true, evidence.Errored, 70, 900)
	sc.MapsTo = []string{"DANA portal: Create Order — Internal Server Error"}
	sc.Reason = "merchant unreachable"
	s0 := step(0, "merchant", "merchant: checkout", evidence.Errored, 74, 905)
	s0.Reason = "merchant unreachable: dial tcp 127.0.0.1:8080: connect: connection refused"
	s0.Remedy = "Start the merchant app and check merchant.base_url in uatrun.yaml."
	s0.Exchanges = []evidence.Exchange{{
		ID: "ex-refused", Kind: evidence.KindAction, Label: "checkout",
		Request: evidence.Message{Method: "POST", URL: "http://127.0.0.1:8080/checkout", Body: `{"amount":"10000.00"}`},
		Error:   "dial tcp 127.0.0.1:8080: connect: connection refused",
		At:      stamp(905, 0), DurationMS: 0.5,
	}}
	sc.Steps = []evidence.Step{s0}
	return sc
}

func skippedScenario() evidence.Scenario {
	sc := scenario("DANA-REFUND-02", "Partial refund never exceeds the paid amount", "refund", false, evidence.Skipped, 90, 1400)
	sc.Reason = "the merchant config defines no refund action"
	sc.DurationMS = 0
	return sc
}

func reviewScenario() evidence.Scenario {
	sc := scenario("DANA-IDEM-01", "Duplicate notify is fulfilled once", "idempotency", true, evidence.Review, 110, 1500)
	sc.MapsTo = []string{"DANA portal: Duplicate Notify"}
	sc.Reason = "the merchant exposes no order_status action, so fulfilments cannot be counted | check by hand"
	return sc
}

func badSignatureScenario() evidence.Scenario {
	sc := scenario("DANA-SIG-02", "Notify signed with the wrong key is rejected", "bad-signature", true, evidence.Passed, 130, 2000)
	s0 := step(0, "notify", "notify: wrong_key", evidence.Passed, 134, 2010)
	s0.Checks = []evidence.Check{{What: "status", Expected: "4xx", Actual: "401", OK: true}}
	s0.Exchanges = []evidence.Exchange{{
		ID: "ex-notify", Kind: evidence.KindNotify, Label: "finish_notify wrong_key",
		Request: evidence.Message{Method: "POST", URL: "http://127.0.0.1:8080/dana/notify",
			Headers: map[string][]string{"X-Signature": {"d3Jvbmc="}, "X-Timestamp": {"2026-03-03T10:15:02+07:00"}},
			Body:    `{"originalPartnerReferenceNo":"ord-9","latestTransactionStatus":"00"}`},
		Response:  &evidence.Message{Status: 401, Body: `{"responseCode":"4015600","responseMessage":"Unauthorized. Invalid Signature"}`},
		Signature: &evidence.SignatureCheck{Scheme: "SNAP asymmetric RSA-SHA256", Valid: false, Detail: "signed with a key the merchant does not trust (by design)"},
		Notes:     []string{"sent on purpose with a wrong key"},
		At:        stamp(2010, 24*time.Hour), DurationMS: 3.25,
	}}
	sc.Steps = []evidence.Step{s0}
	return sc
}

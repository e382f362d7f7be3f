package evidence

import (
	"crypto/ed25519"
	"time"
)

var wib = time.FixedZone("WIB", 7*3600)

// at is a stamp whose virtual clock runs ahead of the real one, as it does
// when a scenario advances the fake clock.
func at(sec int) Stamp {
	real := time.Date(2026, 3, 2, 10, 0, sec, 0, wib)
	return Stamp{Real: real, Virtual: real.Add(24 * time.Hour)}
}

func testMeta() Meta {
	return Meta{
		Tool: "uatrun", Version: "v0.1.0", Merchant: "Warung Bu Sari", Gateway: "dana-gapura",
		Product: "DANA Gapura Hosted Checkout", Environment: "emulate", Target: "http://127.0.0.1:8080",
		Packs: []Pack{{Name: "dana-gapura", Digest: "ab12", Files: 3}},
		RunBy: "ci", Started: at(0),
		SignOff: []Signer{{Name: "Sari", Role: "Owner"}},
	}
}

func testScenario(id string, v Verdict) Scenario {
	return Scenario{ID: id, Title: "title of " + id, Gateway: "dana-gapura", Family: "pay",
		Mandatory: true, File: "scenarios/dana/pay.yaml", Line: 1, Verdict: v, At: at(1), DurationMS: 12.5}
}

func testStep(i int, v Verdict) Step {
	return Step{
		Index: i, Kind: "merchant", Name: "merchant: checkout", File: "scenarios/dana/pay.yaml", Line: 10 + i, Col: 5,
		Verdict: v, Checks: []Check{{What: "status", Expected: "2xx", Actual: "200", OK: v == Passed}},
		Exchanges: []Exchange{{
			ID: "ex-1", Kind: KindAction, Label: "checkout",
			Request:  Message{Method: "POST", URL: "http://127.0.0.1:8080/checkout", Body: `{"amount":"15000.00"}`},
			Response: &Message{Status: 200, Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: `{"order_id":"o-1"}`},
			At:       at(2), DurationMS: 1.25,
		}},
		At: at(2), DurationMS: 3,
	}
}

// testRun is a small finished run.
func testRun() *Run {
	sc := testScenario("DANA-PAY-01", Passed)
	sc.Steps = []Step{testStep(0, Passed)}
	run := &Run{Schema: Schema, ID: "run-1", Meta: testMeta(), Scenarios: []Scenario{sc}}
	run.Meta.Finished = at(5)
	run.Summary = Summarise(run.Scenarios)
	return run
}

// testKey is a fixed Ed25519 key so that signatures are reproducible.
func testKey() ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	return ed25519.NewKeyFromSeed(seed)
}

package demo

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// clockMover is a merchant's own scenario that only moves its test clock,
// past every window the gateways know (a day's X-EXTERNAL-ID, a 15-minute
// token, a 24-hour cancel window, an expiry), and stays on it while other
// scenarios run: its moved clock is the current one while it watches, so
// whatever the merchant calls then (a queue, a reconciler) meets it.
const clockMover = `id: LEAK-CLOCK-%[1]d
title: A custom scenario moves its clock a day and a quarter, twice
gateway: %[2]s
family: custom
tier: optional
steps:
  - clock: 25h
  - receiver_got: /hooks/leak-none/*
    within: 300ms
    expect: {count: 0}
  - clock: 6h
  - receiver_got: /hooks/leak-none/*
    within: 300ms
    expect: {count: 0}
`

// Every pack gives the same verdicts beside custom scenarios that move
// their own test clocks, whatever order scenarios start in: tokens, codes,
// request-id memories and timers live on the clock of the scenario that
// made them (clock.Stamp, per-order clocks), so one scenario's clock move
// leaks into no other. Any leak turns a mandatory scenario of the
// reference merchant, which passes on its own, into a failure.
func TestClockLeak_ClockMovingCustomScenariosLeaveEveryPackGO(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every pack twice")
	}
	// Parallel at the top too: its runs mostly wait, and the package's
	// longest test should not wait for them to start.
	t.Parallel()
	for _, gw := range Gateways() {
		for _, seed := range []int64{3} { // the conforming test shuffles with conformingSeed
			t.Run(fmt.Sprintf("%s/seed %d", gw, seed), func(t *testing.T) {
				t.Parallel()
				files := fstest.MapFS{}
				for i := 1; i <= 3; i++ {
					files[fmt.Sprintf("leak%d.yaml", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(clockMover, i, gw))}
				}
				pack, err := scenario.LoadFS(files, ".", "clockleak")
				if err != nil {
					t.Fatal(err)
				}
				run, err := demoRun(Options{Gateway: gw, ExtraPacks: []*scenario.Pack{pack}, Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				var bad []string
				for _, sc := range run.Scenarios {
					if sc.Verdict != evidence.Passed && !evidence.NotApplicable(sc) {
						bad = append(bad, fmt.Sprintf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason))
					}
				}
				if len(bad) > 0 || !run.Summary.GoLive {
					t.Errorf("beside clock-moving custom scenarios (seed %d): go-live %v\n  %s", seed, run.Summary.GoLive, strings.Join(bad, "\n  "))
				}
			})
		}
	}
}

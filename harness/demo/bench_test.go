package demo

import (
	"context"
	"testing"
)

// BenchmarkCatalogue runs each gateway's full pack (including the expiry
// and 24-hour scenarios, on test clocks) against its reference merchant,
// reached over HTTP only: start emulator, receiver and shop, run every
// scenario, assemble the evidence. Keys are generated once per process,
// outside the loop. The parallel-1 runs are the same packs one scenario at
// a time, for comparison.
//
//	go test -run '^$' -bench Catalogue -benchtime 3x ./harness/demo
func BenchmarkCatalogue(b *testing.B) {
	if _, err := keyPair(); err != nil {
		b.Fatal(err)
	}
	for _, gw := range Gateways() {
		b.Run(gw, func(b *testing.B) { benchPack(b, Options{Gateway: gw}) })
		b.Run(gw+"/parallel-1", func(b *testing.B) { benchPack(b, Options{Gateway: gw, Parallel: 1}) })
	}
}

func benchPack(b *testing.B, o Options) {
	o.Version = "bench"
	scenarios := 0
	for b.Loop() {
		s, err := Open(o)
		if err != nil {
			b.Fatal(err)
		}
		s.RunDirect(context.Background())
		out, err := s.Finish()
		if err != nil {
			b.Fatal(err)
		}
		if !out.Run.Summary.GoLive {
			b.Fatalf("%s: the reference merchant did not pass", o.Gateway)
		}
		scenarios = len(out.Run.Scenarios)
		_ = s.Close()
	}
	b.ReportMetric(float64(scenarios), "scenarios/op")
}

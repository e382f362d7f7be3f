package demo

import (
	"context"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

// BenchmarkCatalogue runs the full mandated DANA catalogue (including the
// expiry and 24-hour scenarios, on the virtual clock) against the example
// shop: start emulator, receiver and shop, run every scenario, assemble
// the evidence. Keys are generated once per process, outside the loop.
//
//	go test -run '^$' -bench Catalogue -benchmem ./harness/demo
func BenchmarkCatalogue(b *testing.B) {
	if _, err := keyPair(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := Open(Options{Version: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		s.RunDirect(context.Background())
		out, err := s.Finish()
		if err != nil {
			b.Fatal(err)
		}
		if !out.Run.Summary.GoLive {
			b.Fatal("the conforming shop did not pass")
		}
		_ = s.Close()
	}
	b.ReportMetric(float64(len(mustScenarios(b))), "scenarios/op")
}

func mustScenarios(b *testing.B) []evidence.Scenario {
	s, err := Open(Options{Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.RunDirect(context.Background())
	out, _ := s.Finish()
	return out.Run.Scenarios
}

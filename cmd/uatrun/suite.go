package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/gomega"

	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/suites"
)

// silentT satisfies Ginkgo's testing interface outside `go test`; the
// verdicts come from the session, not from this.
type silentT struct{}

func (silentT) Fail() {}

// runSuite runs the session's scenarios through the Ginkgo suite in
// process (the same tree `go test ./suites/...` runs), with Ginkgo's own
// console reporter silenced in favour of uatrun's progress lines. Ginkgo
// allows one suite per process, which is all a CLI invocation needs.
func runSuite(s *session.Session, failFast bool, ord orderFlags) {
	formatter.ColorableStdOut = io.Discard
	gomega.RegisterFailHandler(ginkgo.Fail)
	stop := suites.Build(s)
	defer stop()
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.FailFast = failFast
	// Shuffled, scenarios keep their steps in order (each is an Ordered
	// container); only the scenarios' order changes. Each runs on its own
	// test clock, so the verdicts must not depend on it.
	sc.RandomizeAllSpecs, sc.RandomSeed = ord.randomize, ord.seed
	rc.NoColor, rc.Succinct = true, true
	ginkgo.RunSpecs(silentT{}, "uatrun", sc, rc)
}

// orderFlags choose the order scenarios run in, and how many at once.
type orderFlags struct {
	randomize bool
	seed      int64
	parallel  int
}

// startSeed shuffles the order scenarios start in, when randomizing.
func (o *orderFlags) startSeed() int64 {
	if !o.randomize {
		return 0
	}
	return o.seed
}

func addOrderFlags(cmd *cobra.Command, o *orderFlags) {
	f := cmd.Flags()
	f.BoolVar(&o.randomize, "randomize", false, "run the scenarios in a shuffled order (the verdicts must not change)")
	f.Int64Var(&o.seed, "seed", 0, "seed for --randomize (default: from the clock; the evidence records it)")
	f.IntVar(&o.parallel, "parallel", 0, "how many scenarios run at once (default: run.parallel, else 8; 1 runs them one by one)")
}

// resolve picks a seed when shuffling without one, and describes the
// order for the evidence.
func (o *orderFlags) resolve() string {
	if !o.randomize {
		return ""
	}
	if o.seed == 0 {
		o.seed = time.Now().UnixNano() % 1_000_000
	}
	return fmt.Sprintf("shuffled, seed %d (--randomize --seed %d repeats it)", o.seed, o.seed)
}

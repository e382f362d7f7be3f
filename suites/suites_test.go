package suites_test

import (
	"os"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/suites"
)

// TestMandatedCatalogue runs the DANA Gapura catalogue through Ginkgo
// against the bundled example shop and emulator. UATRUN_FAULTS (comma
// separated) switches on shop faults to watch the suite fail; with
// -ginkgo.label-filter or ginkgo -p it filters and parallelises as usual.
func TestMandatedCatalogue(t *testing.T) {
	RegisterFailHandler(Fail)
	var faults []string
	if f := os.Getenv("UATRUN_FAULTS"); f != "" {
		faults = strings.Split(f, ",")
	}
	s, err := demo.Open(demo.Options{Faults: faults, Version: "test", Filter: engine.Filter{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stop := suites.Build(s)
	passed := RunSpecs(t, "uatrun: DANA Gapura mandated catalogue")
	stop()
	out, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if len(faults) == 0 && passed {
		for _, sc := range out.Run.Scenarios {
			if sc.Mandatory && sc.Verdict != evidence.Passed && !strings.HasPrefix(sc.Reason, "not run") {
				t.Errorf("%s: %s (%s) though Ginkgo passed", sc.ID, sc.Verdict, sc.Reason)
			}
		}
	}
}

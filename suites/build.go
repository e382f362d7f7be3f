package suites

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best dot-imported
	"github.com/onsi/ginkgo/v2/types"

	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// Session is what the bridge needs from a uatrun session.
type Session interface {
	Engine() *engine.Engine
	Selected() []*scenario.Scenario
	Hooks() engine.Hooks
}

// Build registers the spec tree for every selected scenario.
func Build(s Session) {
	hooks := s.Hooks()
	// One top-level container, so scenarios run in file order by default
	// (Ginkgo shuffles top-level containers); randomize-all shuffles them
	// on purpose. Each scenario has its own test clock, so the verdicts do
	// not depend on the order.
	Describe("uatrun", func() {
		for _, sc := range s.Selected() {
			describe(s.Engine(), hooks, sc)
		}
	})
}

func describe(eng *engine.Engine, hooks engine.Hooks, sc *scenario.Scenario) {
	Describe(sc.ID+": "+sc.Title, Ordered, Label(sc.AllLabels()...), at(sc.Pos), func() {
		var run *engine.ScenarioRun
		BeforeAll(func() {
			run = eng.Start(sc)
			call(hooks.ScenarioStarted, sc)
		})
		for i, st := range sc.Steps {
			It(st.Display(), at(st.Pos), func(ctx SpecContext) {
				ev := run.Step(ctx, i)
				if hooks.StepDone != nil {
					hooks.StepDone(sc, ev)
				}
				report(ev)
			})
		}
		AfterAll(func(ctx SpecContext) {
			if run == nil {
				return
			}
			ev := run.Finish(ctx)
			if hooks.ScenarioDone != nil {
				hooks.ScenarioDone(ev)
			}
		})
	})
}

// report turns a step's verdict into Ginkgo's vocabulary, located at the
// YAML line, with the exchanges attached as report entries.
func report(ev evidence.Step) {
	for _, ex := range ev.Exchanges {
		AddReportEntry(ex.Label, ex, ReportEntryVisibilityFailureOrVerbose)
	}
	where := fmt.Sprintf("%s:%d:%d", ev.File, ev.Line, ev.Col)
	switch ev.Verdict {
	case evidence.Failed:
		msg := fmt.Sprintf("%s: FAILED: %s", where, ev.Reason)
		if ev.Remedy != "" {
			msg += "\nWhat to fix: " + ev.Remedy
		}
		Fail(msg)
	case evidence.Errored:
		Fail(fmt.Sprintf("%s: ERRORED (the run could not judge): %s", where, ev.Reason))
	case evidence.Review:
		Skip(fmt.Sprintf("%s: REVIEW: %s", where, ev.Reason))
	case evidence.Skipped:
		Skip(fmt.Sprintf("%s: %s", where, ev.Reason))
	}
}

// at points a Ginkgo node at a scenario file position.
func at(p scenario.Pos) types.CodeLocation {
	return types.CodeLocation{FileName: p.File, LineNumber: p.Line}
}

func call(f func(*scenario.Scenario), sc *scenario.Scenario) {
	if f != nil {
		f(sc)
	}
}

package suites

import (
	"context"
	"fmt"
	"sync"

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
	Plan() engine.Plan
}

// Build registers the spec tree for every selected scenario and returns a
// function to call after RunSpecs, which stops what is still running (a
// run Ginkgo stopped early, --fail-fast or an interrupt).
//
// The engine runs the scenarios, several at once (Plan.Parallel), from the
// first spec on; Ginkgo walks the tree in its own order and reports each
// step as its evidence becomes available, so reports read in catalogue
// order whatever order the scenarios finished in.
func Build(s Session) (stop func()) {
	hooks := s.Hooks()
	l := &launcher{s: s}
	// One top-level container, so scenarios are reported in file order by
	// default (Ginkgo shuffles top-level containers); randomize-all
	// shuffles them on purpose.
	Describe("uatrun", func() {
		for _, sc := range s.Selected() {
			describe(l, hooks, sc)
		}
	})
	return l.stop
}

// launcher starts the engine's batch at the first spec and hands each
// scenario's container its item.
type launcher struct {
	s     Session
	once  sync.Once
	batch *engine.Batch
	items map[*scenario.Scenario]*engine.Item
}

func (l *launcher) item(sc *scenario.Scenario) *engine.Item {
	l.once.Do(func() {
		l.batch = l.s.Engine().Launch(context.Background(), l.s.Selected(), l.s.Plan())
		l.items = map[*scenario.Scenario]*engine.Item{}
		for _, it := range l.batch.Items() {
			l.items[it.Scenario] = it
		}
	})
	return l.items[sc]
}

// stop waits for the scenarios still running (Ginkgo stopped reporting
// early: --fail-fast, which also stops the batch starting new ones); an
// interrupt has already cancelled them.
func (l *launcher) stop() {
	if l.batch != nil {
		l.batch.Wait()
	}
}

func describe(l *launcher, hooks engine.Hooks, sc *scenario.Scenario) {
	Describe(sc.ID+": "+sc.Title, Ordered, Label(sc.AllLabels()...), at(sc.Pos), func() {
		var it *engine.Item
		BeforeAll(func() {
			it = l.item(sc)
			call(hooks.ScenarioStarted, sc)
		})
		for i, st := range sc.Steps {
			It(st.Display(), at(st.Pos), func(ctx SpecContext) {
				ev, ok := it.Step(ctx, i)
				if !ok && ctx.Err() != nil {
					// Interrupted: stop the run, then report the step as
					// it ended.
					l.batch.Cancel()
					ev, ok = it.Step(context.Background(), i)
				}
				if !ok {
					Skip(it.Result().Reason)
				}
				if hooks.StepDone != nil {
					hooks.StepDone(sc, ev)
				}
				report(ev)
			})
		}
		AfterAll(func(ctx SpecContext) {
			if it == nil {
				return
			}
			select {
			case <-it.Done():
			case <-ctx.Done():
				l.batch.Cancel() // interrupted while waiting
			}
			ev := it.Result()
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

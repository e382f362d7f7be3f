package engine

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// Filter selects scenarios: a Ginkgo label expression over AllLabels
// (e.g. "mandatory && !refund") and a regexp over "ID title".
type Filter struct {
	Labels   string
	Scenario string
}

// Selection is a filter's outcome: what runs, and why the rest does not.
type Selection struct {
	Run     []*scenario.Scenario
	Skipped map[string]string // scenario ID → reason
}

// Select applies f to scs, keeping their order.
func Select(scs []*scenario.Scenario, f Filter) (Selection, error) {
	sel := Selection{Skipped: map[string]string{}}
	match := func([]string) bool { return true }
	if f.Labels != "" {
		m, err := types.ParseLabelFilter(f.Labels)
		if err != nil {
			return sel, fmt.Errorf("--labels %q: %v", f.Labels, err)
		}
		match = m
	}
	var re *regexp.Regexp
	if f.Scenario != "" {
		var err error
		if re, err = regexp.Compile(f.Scenario); err != nil {
			return sel, fmt.Errorf("--scenario %q: %v", f.Scenario, err)
		}
	}
	for _, sc := range scs {
		switch {
		case !match(sc.AllLabels()):
			sel.Skipped[sc.ID] = evidence.FilteredPrefix + " by --labels " + f.Labels
		case re != nil && !re.MatchString(sc.ID+" "+sc.Title):
			sel.Skipped[sc.ID] = evidence.FilteredPrefix + " by --scenario " + f.Scenario
		default:
			sel.Run = append(sel.Run, sc)
		}
	}
	if len(sel.Run) == 0 && len(scs) > 0 && (f.Labels != "" || f.Scenario != "") {
		return sel, fmt.Errorf("%s selects none of the %d scenarios; 'uatrun list' shows their IDs, titles and labels", f, len(scs))
	}
	return sel, nil
}

// String names the filter as a user typed it.
func (f Filter) String() string {
	var parts []string
	if f.Labels != "" {
		parts = append(parts, fmt.Sprintf("--labels %q", f.Labels))
	}
	if f.Scenario != "" {
		parts = append(parts, fmt.Sprintf("--scenario %q", f.Scenario))
	}
	return strings.Join(parts, " with ")
}

// Hooks let a caller watch a run (progress lines, the journal).
type Hooks struct {
	ScenarioStarted func(sc *scenario.Scenario)
	StepDone        func(sc *scenario.Scenario, st evidence.Step)
	ScenarioDone    func(ev evidence.Scenario)
}

// Run runs scenarios without Ginkgo, as plan says (Target.Parallel at a
// time unless it says otherwise), and returns their evidence in the order
// given. Hooks are called in that order too, as each scenario's evidence
// becomes available; plan.Events as things happen.
func (e *Engine) Run(ctx context.Context, scs []*scenario.Scenario, plan Plan, h Hooks) []evidence.Scenario {
	b := e.Launch(ctx, scs, plan)
	var out []evidence.Scenario
	for _, it := range b.Items() {
		started := false
		for i := range it.Scenario.Steps {
			st, ok := it.Step(context.Background(), i)
			if !ok {
				break
			}
			if !started && h.ScenarioStarted != nil {
				h.ScenarioStarted(it.Scenario)
			}
			started = true
			if h.StepDone != nil {
				h.StepDone(it.Scenario, st)
			}
		}
		ev := it.Result()
		out = append(out, ev)
		call(h.ScenarioDone, ev)
	}
	b.Wait()
	return out
}

// SkippedScenario is the evidence for a scenario that did not run.
func SkippedScenario(sc *scenario.Scenario, reason string) evidence.Scenario {
	return evidence.Scenario{ID: sc.ID, Title: sc.Title, Gateway: sc.Gateway, Family: sc.Family,
		Mandatory: sc.Mandatory, Tier: sc.Tier, Labels: sc.AllLabels(), MapsTo: sc.MapsTo, File: sc.Pos.File,
		Line: sc.Pos.Line, Verdict: evidence.Skipped, Reason: reason}
}

func call(f func(evidence.Scenario), ev evidence.Scenario) {
	if f != nil {
		f(ev)
	}
}

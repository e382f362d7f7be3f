package engine

import (
	"context"
	"math/rand"
	"sync"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// Plan says how Launch runs a set of scenarios.
type Plan struct {
	// Parallel bounds the scenarios running at once; 0 takes
	// Target.Parallel, and 1 or less runs them one after another.
	Parallel int
	// FailFast: once a scenario does not pass, scenarios not yet started
	// are SKIPPED; the ones running finish.
	FailFast bool
	// Seed, when not 0, starts the scenarios in an order shuffled with it
	// (the verdicts must not depend on the order).
	Seed int64
	// Events are called as things happen, from the goroutine running the
	// scenario (so several at once: they must be safe for concurrent use).
	// The journal listens here, so a run killed part-way keeps every step
	// that finished, whatever order the scenarios are reported in.
	Events Hooks
}

// Batch is a set of scenarios running; read them in catalogue order with
// Items, whatever order they start and finish in.
type Batch struct {
	items  []*Item
	cancel context.CancelFunc
	done   chan struct{}
	events Hooks
}

// Item is one scenario of a batch: its steps' evidence as each finishes,
// then its own.
type Item struct {
	Scenario *scenario.Scenario
	steps    []chan evidence.Step
	done     chan struct{} // closed once result is set
	result   evidence.Scenario
}

// Launch starts scenarios running in the background, at most plan.Parallel
// at a time, and returns at once. Cancelling ctx (or Cancel) interrupts
// the running ones and skips the rest.
func (e *Engine) Launch(ctx context.Context, scs []*scenario.Scenario, plan Plan) *Batch {
	if plan.Parallel <= 0 {
		plan.Parallel = e.t.Parallel
	}
	n := max(plan.Parallel, 1)
	ctx, cancel := context.WithCancel(ctx)
	b := &Batch{cancel: cancel, done: make(chan struct{})}
	for _, sc := range scs {
		it := &Item{Scenario: sc, steps: make([]chan evidence.Step, len(sc.Steps)), done: make(chan struct{})}
		for i := range it.steps {
			it.steps[i] = make(chan evidence.Step, 1)
		}
		b.items = append(b.items, it)
	}
	b.events = plan.Events
	go b.dispatch(ctx, e, n, plan)
	return b
}

// dispatch starts the items in plan order, n at a time.
func (b *Batch) dispatch(ctx context.Context, e *Engine, n int, plan Plan) {
	defer close(b.done)
	order := make([]*Item, len(b.items))
	copy(order, b.items)
	if plan.Seed != 0 {
		rng := rand.New(rand.NewSource(plan.Seed))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	slots := make(chan struct{}, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	stop := ""
	for _, it := range order {
		// An exclusive scenario takes every slot: it starts once the
		// others have finished, and none starts beside it.
		need := 1
		if it.Scenario.Exclusive {
			need = n
		}
		acquired := 0
		for acquired < need {
			select {
			case slots <- struct{}{}:
				acquired++
				continue
			case <-ctx.Done():
			}
			break
		}
		mu.Lock()
		why := stop
		mu.Unlock()
		if why == "" && ctx.Err() != nil {
			why = "run interrupted"
		}
		if why != "" {
			for ; acquired > 0; acquired-- {
				<-slots
			}
			it.skip(why)
			call(b.events.ScenarioDone, it.Result())
			continue
		}
		wg.Add(1)
		go func(it *Item, held int) {
			defer func() {
				for range held {
					<-slots
				}
				wg.Done()
			}()
			ev := it.run(ctx, e, b.events)
			if plan.FailFast && ev.Verdict != evidence.Passed && ev.Verdict != evidence.Skipped {
				mu.Lock()
				if stop == "" {
					stop = "not run: --fail-fast stopped the run after " + ev.ID
				}
				mu.Unlock()
			}
		}(it, acquired)
	}
	wg.Wait()
}

// run runs the item's scenario, publishing each step as it finishes.
func (it *Item) run(ctx context.Context, e *Engine, h Hooks) evidence.Scenario {
	if h.ScenarioStarted != nil {
		h.ScenarioStarted(it.Scenario)
	}
	r := e.Start(it.Scenario)
	for i := range it.Scenario.Steps {
		st := r.Step(ctx, i)
		if h.StepDone != nil {
			h.StepDone(it.Scenario, st)
		}
		it.steps[i] <- st
	}
	ev := r.Finish(ctx)
	call(h.ScenarioDone, ev)
	it.finish(ev)
	return ev
}

// skip publishes a scenario that never started.
func (it *Item) skip(reason string) {
	for _, ch := range it.steps {
		close(ch)
	}
	it.finish(SkippedScenario(it.Scenario, reason))
}

func (it *Item) finish(ev evidence.Scenario) {
	it.result = ev
	close(it.done)
}

// Items lists the batch's scenarios in the order they were given.
func (b *Batch) Items() []*Item { return b.items }

// Cancel interrupts the running scenarios and skips those not started.
func (b *Batch) Cancel() { b.cancel() }

// Wait blocks until every scenario has finished or been skipped.
func (b *Batch) Wait() { <-b.done }

// Step waits for step i's evidence; ok is false when the scenario never
// started (Result says why) or ctx ended first.
func (it *Item) Step(ctx context.Context, i int) (ev evidence.Step, ok bool) {
	select {
	case ev, ok = <-it.steps[i]:
		return ev, ok
	case <-ctx.Done():
		return evidence.Step{}, false
	}
}

// Done is closed once the scenario's evidence is ready.
func (it *Item) Done() <-chan struct{} { return it.done }

// Result waits for the scenario's evidence.
func (it *Item) Result() evidence.Scenario {
	<-it.done
	return it.result
}

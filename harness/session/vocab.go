package session

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/scenario"
)

// Vocabulary is what a gateway's emulator understands: the control
// actions a gateway step may name (notify is one of them) with the params
// each takes, the notify variants a notify step may send, and the APIs a
// gateway_received step may judge.
type Vocabulary struct {
	Gateway string
	Actions []string
	// Params maps each action to the params it takes.
	Params map[string][]string
	Notify []string
	// VariantParams maps a notify variant to the params it takes, for
	// emulators that declare them per variant (the BI-SNAP ones).
	VariantParams map[string][]string
	APIs          []string
}

// VocabularyOf is the configured gateway's words, from its registry entry
// (the registry's tests keep each entry equal to its emulator's own
// words), so validating needs no key and starts nothing.
func VocabularyOf(g config.Gateway) (Vocabulary, error) {
	d, err := gateway.Lookup(g.Name)
	if err != nil {
		return Vocabulary{}, err
	}
	v := Vocabulary{Gateway: d.ID, Actions: d.ActionNames(), Params: map[string][]string{},
		Notify: d.NotifyNames(), VariantParams: map[string][]string{}, APIs: append(slices.Clone(d.APIs), engine.AnyAPI)}
	for _, a := range d.Actions {
		v.Params[a.Name] = a.Params
	}
	for _, n := range d.Notify {
		if n.Params != nil {
			v.VariantParams[n.Name] = n.Params
		}
	}
	return v, nil
}

// CheckWords refuses steps that name a gateway action, notify variant,
// param or API the configured gateway does not have, each at its
// file:line:col with the nearest word and the known ones, before anything
// runs.
func CheckWords(v Vocabulary, packs []*scenario.Pack) error {
	var problems []string
	for _, p := range packs {
		for _, sc := range p.Scenarios {
			for _, st := range append(slices.Clone(sc.Steps), sc.Teardown...) {
				for _, msg := range v.check(st) {
					problems = append(problems, fmt.Sprintf("%s: %s", st.Pos, msg))
				}
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(problems, "\n"))
}

// MissingAction is a merchant action a pack calls that the config does not
// define, with the scenarios that call it and what happens to their steps.
type MissingAction struct {
	Name      string
	Scenarios []string
	Outcome   string // "ERRORED", "REVIEW" or "SKIPPED"
}

// MissingActions lists the merchant actions the packs call that cfg lacks.
func MissingActions(cfg *config.Config, packs []*scenario.Pack) []MissingAction {
	byName := map[string]*MissingAction{}
	for _, p := range packs {
		for _, sc := range p.Scenarios {
			for _, st := range sc.Steps {
				if st.Kind != scenario.KindMerchant && st.Kind != scenario.KindWait {
					continue
				}
				if _, ok := cfg.Merchant.Actions[st.Target]; ok {
					continue
				}
				m := byName[st.Target]
				if m == nil {
					m = &MissingAction{Name: st.Target, Outcome: outcomeOf(st.IfMissing)}
					byName[st.Target] = m
				}
				if !slices.Contains(m.Scenarios, sc.ID) {
					m.Scenarios = append(m.Scenarios, sc.ID)
				}
				if outcomeOf(st.IfMissing) == "ERRORED" {
					m.Outcome = "ERRORED"
				}
			}
		}
	}
	var out []MissingAction
	for _, m := range byName {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func outcomeOf(ifMissing string) string {
	switch ifMissing {
	case "review":
		return "REVIEW"
	case "skip":
		return "SKIPPED"
	}
	return "ERRORED"
}

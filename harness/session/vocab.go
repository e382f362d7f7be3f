package session

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/snap"
	"github.com/uatrun/uatrun/harness/suggest"
)

// Vocabulary is what a gateway's emulator understands: the control
// actions a gateway or notify step may name (notify is one of them) and
// the APIs a gateway_received step may judge.
type Vocabulary struct {
	Actions []string
	APIs    []string
}

// VocabularyOf asks the configured gateway's emulator for its words. The
// emulator is built, never started; throwaway keys stand in for keys the
// config does not name.
func VocabularyOf(g config.Gateway) (Vocabulary, error) {
	keys, err := LoadKeys(g)
	if err != nil {
		return Vocabulary{}, err
	}
	gw, err := NewGateway(g, keys, RealClocks, nil, "validate")
	if err != nil {
		// An emulator that signs needs keys the config may not name yet.
		k, kerr := snap.GenerateKey()
		if kerr != nil {
			return Vocabulary{}, kerr
		}
		keys = Keys{MerchantPublic: &k.PublicKey, GatewayPrivate: k}
		if gw, err = NewGateway(g, keys, RealClocks, nil, "validate"); err != nil {
			return Vocabulary{}, err
		}
	}
	defer gw.Close()
	return Vocabulary{Actions: gw.Actions(), APIs: append(gw.APIs(), engine.AnyAPI)}, nil
}

// CheckWords refuses steps that name a gateway action or API the
// configured gateway does not have, each at its file:line:col with the
// nearest word, before anything runs.
func CheckWords(v Vocabulary, packs []*scenario.Pack) error {
	var problems []string
	for _, p := range packs {
		for _, sc := range p.Scenarios {
			for _, st := range append(slices.Clone(sc.Steps), sc.Teardown...) {
				if msg := v.check(st); msg != "" {
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

func (v Vocabulary) check(st scenario.Step) string {
	var known []string
	what := ""
	switch st.Kind {
	case scenario.KindGateway:
		known, what = v.Actions, "gateway action"
	case scenario.KindGatewayReceived:
		known, what = v.APIs, "API"
	default:
		return ""
	}
	if slices.Contains(known, st.Target) {
		return ""
	}
	fix := suggest.DidYouMean(st.Target, known)
	if fix == "" {
		fix = "the gateway has: " + strings.Join(known, ", ")
	}
	return fmt.Sprintf("unknown %s %q; %s", what, st.Target, fix)
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

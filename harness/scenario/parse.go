package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/suggest"
	"gopkg.in/yaml.v3"
)

var scenarioKeys = []string{"id", "title", "gateway", "family", "mandatory", "tier", "labels", "maps_to",
	"description", "remedy", "vars", "setup", "steps", "teardown", "feature", "exclusive"}

// stepOptions lists the keys each step kind accepts besides its own.
var stepOptions = map[string][]string{
	KindMerchant:        {"with", "capture", "expect", "if_missing"},
	KindWait:            {"with", "until", "within", "if_missing"},
	KindGatewayReceived: {"call", "capture", "expect", "within"},
	KindGateway:         {"order", "with"},
	KindNotify:          {"order", "with", "copies", "expect"},
	KindNotifyAnswered:  {"order", "attempt", "expect", "within"},
	KindReceiverGot:     {"expect", "within"},
	KindClock:           {"advance"},
}

// expectKeys lists the expectation keys each kind accepts; keys in mapKeys
// take a nested map of path: matcher.
var expectKeys = map[string][]string{
	KindMerchant:        {"status", "status_is", "status_not", "fulfilments", "refunded", "body"},
	KindWait:            {"status", "status_is", "status_not", "fulfilments", "refunded", "body"},
	KindGatewayReceived: {"count", "signature", "response_code", "body", "response", "headers", "violations"},
	KindNotify:          {"acked", "status", "response_code", "body", "sent"},
	KindNotifyAnswered:  {"attempts", "acked", "status", "response_code", "body", "sent"},
	KindReceiverGot:     {"count", "body", "headers", "query"},
}

var mapKeys = map[string]bool{"body": true, "response": true, "headers": true, "query": true, "sent": true}

type parser struct {
	file string
	errs Errors
}

func (p *parser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line, Col: n.Column} }

func (p *parser) errorf(n *yaml.Node, fix, format string, args ...any) {
	p.errs = append(p.errs, Error{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...), Fix: fix})
}

// mapping returns the key → value nodes of a mapping, reporting unknown and
// duplicate keys against allowed. where names the context in messages.
func (p *parser) mapping(n *yaml.Node, allowed []string, where string) (map[string]*yaml.Node, map[string]*yaml.Node) {
	vals, keys := map[string]*yaml.Node{}, map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "write it as key: value pairs", "%s must be a mapping, not %s", where, kindName(n))
		return vals, keys
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := vals[k.Value]; dup {
			p.errorf(k, "remove one of them", "duplicate key %q in %s", k.Value, where)
			continue
		}
		if allowed != nil && !contains(allowed, k.Value) {
			fix := suggest.DidYouMean(k.Value, allowed)
			if fix == "" {
				fix = "valid keys: " + strings.Join(allowed, ", ")
			}
			p.errorf(k, fix, "unknown key %q in %s", k.Value, where)
			continue
		}
		vals[k.Value], keys[k.Value] = v, k
	}
	return vals, keys
}

func (p *parser) scenario(n *yaml.Node) *Scenario {
	m, _ := p.mapping(n, scenarioKeys, "a scenario")
	if n.Kind != yaml.MappingNode {
		return nil
	}
	sc := &Scenario{Pos: p.pos(n), Mandatory: false}
	sc.ID = p.requiredString(m, n, "id", "a scenario")
	sc.Title = p.requiredString(m, n, "title", "a scenario")
	sc.Gateway = p.requiredString(m, n, "gateway", "a scenario")
	sc.Family = p.str(m["family"])
	if sc.Family == "" {
		sc.Family = "custom"
	} else if !contains(Families, sc.Family) {
		p.errorf(m["family"], "one of: "+strings.Join(Families, ", "), "unknown family %q", sc.Family)
	}
	sc.Mandatory = p.boolean(m["mandatory"])
	sc.Tier = p.tier(m, sc.Mandatory)
	sc.Mandatory = sc.Tier == TierMandatory
	sc.Feature = p.str(m["feature"])
	sc.Exclusive = p.boolean(m["exclusive"])
	sc.Labels = p.strings(m["labels"])
	sc.MapsTo = p.strings(m["maps_to"])
	sc.Description = p.str(m["description"])
	sc.Remedy = p.str(m["remedy"])
	sc.Vars = p.stringMap(m["vars"], "vars")
	if m["setup"] != nil {
		sc.Steps = p.steps(m["setup"])
		for i := range sc.Steps {
			sc.Steps[i].Setup = true
		}
	}
	if m["steps"] == nil {
		p.errorf(n, "add a steps: list", "scenario %q has no steps", sc.ID)
	} else {
		sc.Steps = append(sc.Steps, p.steps(m["steps"])...)
	}
	if m["teardown"] != nil {
		sc.Teardown = p.steps(m["teardown"])
	}
	return sc
}

func (p *parser) steps(n *yaml.Node) []Step {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "write steps as a list of '- kind: target' items", "steps must be a list, not %s", kindName(n))
		return nil
	}
	var out []Step
	for _, item := range n.Content {
		if st, ok := p.step(item); ok {
			out = append(out, st)
		}
	}
	return out
}

// step reads one step: exactly one kind key, plus that kind's options,
// which may also be nested under the kind key as a mapping.
func (p *parser) step(n *yaml.Node) (Step, bool) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "a step looks like '- merchant: checkout'", "a step must be a mapping, not %s", kindName(n))
		return Step{}, false
	}
	st := Step{Pos: p.pos(n)}
	var kindVal *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if contains(Kinds, k.Value) {
			if st.Kind != "" {
				p.errorf(k, "split it into two steps", "a step has two kinds, %q and %q", st.Kind, k.Value)
				return Step{}, false
			}
			st.Kind, kindVal = k.Value, n.Content[i+1]
			st.Pos = p.pos(k)
		}
	}
	if st.Kind == "" {
		p.unknownKind(n)
		return Step{}, false
	}
	allowed := append([]string{st.Kind, "name", "remedy", "or"}, stepOptions[st.Kind]...)
	opts, _ := p.mapping(n, allowed, st.Kind+" step")
	delete(opts, st.Kind)
	if alt := opts["or"]; alt != nil {
		delete(opts, "or")
		if a, ok := p.step(alt); ok {
			if a.Or != nil {
				p.errorf(alt, "list the readings as one 'or' after another step instead", "an 'or' alternative cannot have an 'or' of its own")
			}
			st.Or = &a
		}
	}
	if kindVal.Kind == yaml.MappingNode {
		nested, _ := p.mapping(kindVal, append([]string{"target"}, stepOptions[st.Kind]...), st.Kind+" step")
		for k, v := range nested {
			opts[k] = v
		}
		st.Target = p.str(nested["target"])
	} else {
		st.Target = p.str(kindVal)
	}
	p.fill(&st, opts, kindVal)
	return st, true
}

func (p *parser) unknownKind(n *yaml.Node) {
	if len(n.Content) == 0 {
		p.errorf(n, "step kinds: "+strings.Join(Kinds, ", "), "empty step")
		return
	}
	k := n.Content[0]
	fix := suggest.DidYouMean(k.Value, Kinds)
	if fix == "" {
		fix = "step kinds: " + strings.Join(Kinds, ", ")
	}
	p.errorf(k, fix, "unknown step %q", k.Value)
}

func (p *parser) fill(st *Step, o map[string]*yaml.Node, kindVal *yaml.Node) {
	st.Name, st.Remedy = p.str(o["name"]), p.str(o["remedy"])
	st.Order = p.str(o["order"])
	st.With = p.stringMap(o["with"], "with")
	st.Call, st.Attempt = p.str(o["call"]), p.str(o["attempt"])
	st.IfMissing = p.str(o["if_missing"])
	if st.IfMissing != "" && !contains([]string{"error", "review", "skip"}, st.IfMissing) {
		p.errorf(o["if_missing"], "use error, review or skip", "unknown if_missing %q", st.IfMissing)
	}
	st.Within = p.duration(o["within"])
	if st.Within > MaxWithin {
		p.errorf(o["within"], "write at most "+MaxWithin.String()+"; a merchant that needs longer is not answering", "within %s is longer than the %s ceiling", st.Within, MaxWithin)
	}
	if c := o["copies"]; c != nil {
		n, err := strconv.Atoi(c.Value)
		if err != nil || n < 1 || n > 1000 {
			p.errorf(c, "use a whole number from 1 to 1000", "copies %q is not a count", c.Value)
		}
		st.Copies = n
	}
	st.Capture = p.capture(o["capture"], st.Kind)
	exp := o["expect"]
	if st.Kind == KindWait {
		exp = o["until"]
	}
	if exp != nil {
		st.Expect = p.expect(exp, st.Kind)
	}
	if st.Kind == KindClock {
		adv := o["advance"]
		if adv == nil && kindVal.Kind == yaml.ScalarNode {
			adv = kindVal
		}
		st.Advance = p.duration(adv)
		if st.Advance <= 0 {
			p.errorf(kindVal, "write e.g. 'clock: 24h1m' or 'clock: {advance: 31m}'", "clock step needs a positive duration to advance")
		}
	} else if st.Target == "" && st.Kind != KindNotifyAnswered {
		p.errorf(kindVal, targetHint(st.Kind), "%s step has no target", st.Kind)
	}
}

func targetHint(kind string) string {
	switch kind {
	case KindMerchant, KindWait:
		return "name a merchant action from the config, e.g. 'merchant: checkout'"
	case KindGatewayReceived:
		return "name an API, e.g. 'gateway_received: create_order'"
	case KindGateway:
		return "name an action, e.g. 'gateway: pay'"
	case KindNotify:
		return "name a variant, e.g. 'notify: wrong_key'"
	case KindReceiverGot:
		return "name a path pattern, e.g. 'receiver_got: /hooks/*'"
	}
	return ""
}

func (p *parser) capture(n *yaml.Node, kind string) map[string]string {
	if n == nil {
		return nil
	}
	out := map[string]string{}
	switch {
	case n.Kind == yaml.SequenceNode && kind == KindMerchant:
		for _, c := range n.Content {
			out[c.Value] = c.Value
		}
	case n.Kind == yaml.MappingNode && (kind == KindMerchant || kind == KindGatewayReceived):
		return p.stringMap(n, "capture")
	default:
		p.errorf(n, "merchant steps take a list of action captures ([order, redirect]); gateway_received takes var: body.path", "capture is not valid here")
	}
	return out
}

func (p *parser) expect(n *yaml.Node, kind string) []Expectation {
	allowed, ok := expectKeys[kind]
	if !ok {
		p.errorf(n, "move the check to a notify_answered or gateway_received step", "%s steps take no expect", kind)
		return nil
	}
	m, keys := p.mapping(n, allowed, "expect")
	var out []Expectation
	for _, k := range allowed {
		v := m[k]
		if v == nil {
			continue
		}
		if !mapKeys[k] {
			out = append(out, Expectation{Key: k, Matcher: p.scalar(v, k), Pos: p.pos(keys[k])})
			continue
		}
		sub, subKeys := p.mapping(v, nil, "expect."+k)
		for _, path := range sortedKeys(sub) {
			out = append(out, Expectation{Key: k, Path: path, Matcher: p.scalar(sub[path], path), Pos: p.pos(subKeys[path])})
		}
	}
	for _, e := range out {
		if err := CheckMatcher(e.Matcher); err != nil {
			p.errs = append(p.errs, Error{Pos: e.Pos, Msg: err.Error(), Fix: "matchers: a value, !value, ~regexp, present, absent, 2xx"})
		}
	}
	return out
}

func (p *parser) requiredString(m map[string]*yaml.Node, parent *yaml.Node, key, where string) string {
	v := m[key]
	if v == nil || strings.TrimSpace(v.Value) == "" {
		p.errorf(parent, "add "+key+": …", "%s needs %q", where, key)
		return ""
	}
	return p.str(v)
}

func (p *parser) str(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return p.scalar(n, "value")
}

func (p *parser) scalar(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "write a single value (quote it if it contains ': ')", "%s must be a single value, not %s", what, kindName(n))
		return ""
	}
	return n.Value
}

func (p *parser) boolean(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	b, err := strconv.ParseBool(n.Value)
	if err != nil {
		p.errorf(n, "use true or false", "%q is not a boolean", n.Value)
	}
	return b
}

func (p *parser) strings(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "write a list, e.g. [pay, notify]", "expected a list, not %s", kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, p.scalar(c, "list item"))
	}
	return out
}

func (p *parser) stringMap(n *yaml.Node, where string) map[string]string {
	if n == nil {
		return nil
	}
	m, _ := p.mapping(n, nil, where)
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = p.scalar(v, where+"."+k)
	}
	return out
}

func (p *parser) duration(n *yaml.Node) time.Duration {
	if n == nil {
		return 0
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil || d < 0 {
		p.errorf(n, "write a duration such as 31m, 24h1m or 1.5s", "%q is not a duration", n.Value)
		return 0
	}
	return d
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a single value"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// tier reads tier:, defaulting from mandatory:. Writing both is allowed
// only when they agree.
func (p *parser) tier(m map[string]*yaml.Node, mandatory bool) string {
	def := TierOptional
	if mandatory {
		def = TierMandatory
	}
	n := m["tier"]
	if n == nil {
		return def
	}
	t := p.str(n)
	switch {
	case !contains(Tiers, t):
		p.errorf(n, "one of: "+strings.Join(Tiers, ", "), "unknown tier %q", t)
		return def
	case m["mandatory"] != nil && (t == TierMandatory) != mandatory:
		p.errorf(n, "drop mandatory: and keep tier:", "tier %q contradicts mandatory: %v", t, mandatory)
	}
	return t
}

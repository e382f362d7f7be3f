package scenario

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// MaxWithin is the ceiling of a step's within: it waits in real time on
// the merchant, so hours are a typo, never a need.
const MaxWithin = 10 * time.Minute

// Step kinds.
const (
	KindMerchant        = "merchant"         // call a merchant action
	KindGatewayReceived = "gateway_received" // assert on the merchant's call to the emulator
	KindGateway         = "gateway"          // gateway control: pay, fail, expire, respond_next, return_shopper
	KindNotify          = "notify"           // send a crafted notify
	KindNotifyAnswered  = "notify_answered"  // assert on how the merchant answered notifies
	KindClock           = "clock"            // advance the virtual clock
	KindReceiverGot     = "receiver_got"     // assert on callbacks the merchant sent to the receiver
	KindWait            = "wait"             // poll a merchant action until an expectation holds
)

// Kinds lists every step kind, for validation and suggestions.
var Kinds = []string{KindMerchant, KindGatewayReceived, KindGateway, KindNotify,
	KindNotifyAnswered, KindClock, KindReceiverGot, KindWait}

// Families of the mandated catalogue.
var Families = []string{"create", "pay", "cancel", "refund", "signature", "idempotency", "custom"}

// Tiers: what a scenario's verdict means for go-live.
const (
	// TierMandatory scenarios are what the gateway requires: any that does
	// not pass blocks go-live.
	TierMandatory = "mandatory"
	// TierRecommended scenarios are hardening advice beyond the gateway's
	// requirements (stale-timestamp rejection, replay protection, …):
	// reported, never blocking.
	TierRecommended = "recommended"
	// TierOptional scenarios are a merchant's own checks.
	TierOptional = "optional"
)

// Tiers lists the tier values a scenario may declare.
var Tiers = []string{TierMandatory, TierRecommended, TierOptional}

// Scenario is one validated scenario.
type Scenario struct {
	ID        string
	Title     string
	Gateway   string
	Family    string
	Mandatory bool   // Tier == TierMandatory
	Tier      string // TierMandatory, TierRecommended or TierOptional
	// Feature names the optional gateway feature the scenario is about
	// (GoPay cashback, disbursement); "" for the core flow. A config that
	// declares its features (gateway.features) without this one gets the
	// scenario reported N/A, not run.
	Feature string
	// Exclusive runs the scenario alone: it changes gateway state every
	// scenario shares (the merchant's wallet balance, a dashboard
	// setting), so no other scenario may run beside it. Everything else a
	// scenario does is scoped to its own orders and runs concurrently.
	Exclusive   bool
	Labels      []string
	MapsTo      []string
	Description string
	// Remedy is what to fix when the scenario fails, unless a step says better.
	Remedy string
	Vars   map[string]string
	// Steps are the scenario's steps in order: first those of its setup:
	// section (Step.Setup), which only reach the state under test, then
	// those of steps:.
	Steps    []Step
	Teardown []Step
	Pos      Pos
}

// Pos is a position in a scenario file.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Step is one step. Target is the word after the kind key: the action, API,
// notify variant or receiver path.
type Step struct {
	Kind   string
	Target string
	Name   string            // optional display name
	Order  string            // template for the order reference (gateway, notify, notify_answered)
	With   map[string]string // templated parameters
	// Capture maps a scenario variable to where its value comes from: for
	// merchant steps the action's capture of the same name, for
	// gateway_received a path ("body.x", "response.x", "header.X").
	Capture map[string]string
	Expect  []Expectation
	// Call selects which matching gateway call to check: "last" (default),
	// "first", or a 1-based number.
	Call string
	// Attempt selects notify deliveries: "last" (default), "first", "all", or a number.
	Attempt   string
	Copies    int
	Advance   time.Duration
	Within    time.Duration // bounded wait; 0 means the engine default
	IfMissing string        // merchant/wait: what an unconfigured action means: error (default), review, skip
	Remedy    string
	// Setup: the step comes from the scenario's setup: section. It only
	// reaches the state under test, so when it cannot proceed the
	// scenario is ERRORED (the rule was never reached), never FAILED.
	Setup bool
	// Or is another reading of the same rule: when this step's checks
	// fail, the step passes if Or's hold (a gateway that documents two
	// correct ways, e.g. retry Create Order or ask Query Payment).
	Or  *Step
	Pos Pos
}

// Expectation is one expected value. Key is e.g. "status", "body" or
// "response_code"; Path is set for keyed maps like body and headers.
type Expectation struct {
	Key     string
	Path    string
	Matcher string
	Pos     Pos
}

// Display is the step's human name, e.g. "merchant: checkout".
func (s Step) Display() string {
	if s.Name != "" {
		return s.Name
	}
	if s.Kind == KindClock {
		return "clock: advance " + s.Advance.String()
	}
	if s.Target == "" {
		return s.Kind
	}
	return s.Kind + ": " + s.Target
}

// Describe renders an expectation for evidence: "body.amount.value ~^\d+$".
func (e Expectation) Describe() string {
	k := e.Key
	if e.Path != "" {
		k += "." + e.Path
	}
	return k + " " + e.Matcher
}

// AllLabels is the scenario's labels plus the derived ones the suite
// filters on: "mandatory" or "optional", the family and the gateway.
func (s *Scenario) AllLabels() []string {
	set := map[string]bool{s.Family: true, s.Gateway: true}
	switch {
	case s.Mandatory:
		set[TierMandatory] = true
	case s.Tier == TierRecommended:
		set[TierRecommended] = true
	default:
		set[TierOptional] = true
	}
	for _, l := range s.Labels {
		set[l] = true
	}
	out := make([]string, 0, len(set))
	for l := range set {
		if l != "" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// Error is one loading problem at a position.
type Error struct {
	Pos Pos
	Msg string
	Fix string
}

func (e Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Fix != "" {
		s += "; " + e.Fix
	}
	return s
}

// Errors is every problem found, sorted by position.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i].Pos, es[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return es
}

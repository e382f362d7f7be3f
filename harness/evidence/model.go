package evidence

import (
	"strings"
	"time"
)

// Schema names the evidence format version written into every run.
const Schema = "uatrun.evidence/v1"

// Verdict is the closed set of scenario and step outcomes.
type Verdict string

// The verdicts. FAILED means the merchant broke a rule; ERRORED means the
// run could not judge (merchant unreachable, config wrong); SKIPPED always
// carries a reason; REVIEW means a person must look.
const (
	Passed  Verdict = "PASSED"
	Failed  Verdict = "FAILED"
	Errored Verdict = "ERRORED"
	Skipped Verdict = "SKIPPED"
	Review  Verdict = "REVIEW"
)

// Stamp is a moment on both clocks: the wall clock and the virtual clock
// the scenario advances.
type Stamp struct {
	Real    time.Time `json:"real"`
	Virtual time.Time `json:"virtual"`
}

// Message is one side of an HTTP exchange.
type Message struct {
	Method  string              `json:"method,omitempty"`
	URL     string              `json:"url,omitempty"`
	Status  int                 `json:"status,omitempty"`
	Headers map[string][]string `json:"headers,omitempty"`
	Body    string              `json:"body,omitempty"`
	// Truncated is set when Body was cut at the recording bound.
	Truncated bool `json:"truncated,omitempty"`
}

// SignatureCheck records a signature verification done on an exchange.
type SignatureCheck struct {
	Scheme string `json:"scheme"` // e.g. "SNAP asymmetric RSA-SHA256"
	Valid  bool   `json:"valid"`
	Detail string `json:"detail,omitempty"` // the string-to-sign or why it failed
}

// Exchange kinds.
const (
	KindMerchantCall = "merchant_call" // merchant → gateway emulator
	KindNotify       = "notify"        // gateway emulator → merchant
	KindAction       = "action"        // uatrun → merchant (driver)
	KindCallback     = "callback"      // merchant → uatrun receiver
	KindShopper      = "shopper"       // uatrun as the shopper's browser → merchant
)

// Exchange is one HTTP request and its answer (or the error instead).
type Exchange struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	Label      string          `json:"label"` // e.g. "create_order", "finish_notify wrong_key", "checkout"
	Request    Message         `json:"request"`
	Response   *Message        `json:"response,omitempty"`
	Error      string          `json:"error,omitempty"`
	Signature  *SignatureCheck `json:"signature,omitempty"`
	Notes      []string        `json:"notes,omitempty"`
	At         Stamp           `json:"at"`
	DurationMS float64         `json:"duration_ms"`
}

// Check is one expected-versus-actual comparison inside a step.
type Check struct {
	What     string `json:"what"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	OK       bool   `json:"ok"`

	// Fix is what to change when this check fails, where the rule it
	// checks says so (a protocol violation, a signature, a gateway code);
	// "" leaves it to the scenario's remedy.
	Fix string `json:"fix,omitempty"`
}

// Step is one executed scenario step.
type Step struct {
	Index      int        `json:"index"`
	Kind       string     `json:"kind"`
	Name       string     `json:"name"` // "merchant: checkout"
	File       string     `json:"file"`
	Line       int        `json:"line"`
	Col        int        `json:"col"`
	Verdict    Verdict    `json:"verdict"`
	Reason     string     `json:"reason,omitempty"`
	Remedy     string     `json:"remedy,omitempty"` // what to fix, on failure
	Checks     []Check    `json:"checks,omitempty"`
	Exchanges  []Exchange `json:"exchanges,omitempty"`
	At         Stamp      `json:"at"`
	DurationMS float64    `json:"duration_ms"`

	// Setup marks a step that only reaches the state under test; when it
	// cannot proceed it is ERRORED, never FAILED.
	Setup bool `json:"setup,omitempty"`
	// AfterFailure marks a step judged after an earlier step failed, to
	// record whether the outcome was wrong too; it never decides the
	// scenario's verdict.
	AfterFailure bool `json:"after_failure,omitempty"`
}

// Scenario is one executed scenario.
type Scenario struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Gateway    string   `json:"gateway"`
	Family     string   `json:"family"`
	Mandatory  bool     `json:"mandatory"`
	Tier       string   `json:"tier,omitempty"` // mandatory, recommended or optional
	Labels     []string `json:"labels,omitempty"`
	MapsTo     []string `json:"maps_to,omitempty"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Verdict    Verdict  `json:"verdict"`
	Reason     string   `json:"reason,omitempty"`
	Steps      []Step   `json:"steps,omitempty"`
	At         Stamp    `json:"at"`
	DurationMS float64  `json:"duration_ms"`

	// Outcome, for a FAILED scenario whose outcome was judged after the
	// failure (AfterFailure steps): OutcomeWrong when one of those steps
	// failed too, OutcomeHeld when all passed; "" when none ran.
	Outcome string `json:"outcome,omitempty"`
}

// Outcomes a FAILED scenario's later state checks found.
const (
	OutcomeWrong = "wrong"
	OutcomeHeld  = "held"
)

// Fix is the one line of "what to fix" for a scenario that did not pass:
// the remedy of the step that decided its verdict ("" when none).
func (s Scenario) Fix() string {
	for _, st := range s.Steps {
		if st.Verdict != Passed && st.Verdict != Skipped {
			return st.Remedy
		}
	}
	return ""
}

// Pack identifies a scenario pack and the digest of its files.
type Pack struct {
	Name   string `json:"name"`
	Digest string `json:"digest"` // sha256 over the pack's files, sorted by name
	Files  int    `json:"files"`
	// Custom packs are the merchant's own: listed with their digest, never
	// part of the go-live decision.
	Custom bool `json:"custom,omitempty"`
	// Mandated lists the IDs of the pack's mandatory scenarios: what a
	// sign-off against this pack must show PASSED, whatever ran.
	Mandated []string `json:"mandated,omitempty"`
}

// Command is a program the run's config runs (a command action), as
// `uatrun validate` lists it before anything runs.
type Command struct {
	Action  string `json:"action"`  // the merchant action, e.g. "checkout"
	Program string `json:"program"` // argv[0] as configured
	// Env lists the environment variables the config declares for it:
	// the only ones it receives besides PATH.
	Env []string `json:"env,omitempty"`
	// At is the action's place in the config, "uatrun.yaml:12:5".
	At string `json:"at,omitempty"`
}

// Signer is a person who signs the evidence off.
type Signer struct {
	Name         string `json:"name"`
	Role         string `json:"role"`
	Organisation string `json:"organisation,omitempty"`
}

// Meta describes the run.
type Meta struct {
	Tool         string `json:"tool"`    // "uatrun"
	Version      string `json:"version"` // uatrun version
	Merchant     string `json:"merchant"`
	Gateway      string `json:"gateway"`
	Product      string `json:"product"`     // e.g. "DANA Gapura Hosted Checkout"
	Environment  string `json:"environment"` // "emulate" or "proxy"
	Target       string `json:"target"`      // merchant base URL
	Packs        []Pack `json:"packs"`
	ConfigDigest string `json:"config_digest,omitempty"` // sha256 of the config with secrets removed
	// MerchantVersion is the merchant's build under test, as the person
	// running uatrun named it (--merchant-version, UATRUN_MERCHANT_VERSION).
	MerchantVersion string `json:"merchant_version,omitempty"`
	// Commands lists every program the config runs; empty when it runs
	// none.
	Commands []Command `json:"commands,omitempty"`
	RunBy    string    `json:"run_by"`
	Host     string    `json:"host,omitempty"`
	Filter   string    `json:"filter,omitempty"` // labels / scenario filter in force
	Order    string    `json:"order,omitempty"`  // "shuffled, seed N" when not in file order
	SignOff  []Signer  `json:"sign_off,omitempty"`
	Started  Stamp     `json:"started"`
	Finished Stamp     `json:"finished"`
}

// Summary counts verdicts and gives the go-live call.
type Summary struct {
	Total          int             `json:"total"`
	ByVerdict      map[Verdict]int `json:"by_verdict"`
	MandatoryTotal int             `json:"mandatory_total"`
	MandatoryPass  int             `json:"mandatory_passed"`
	GoLive         bool            `json:"go_live"`
	// Recommended scenarios are hardening advice: counted, never blocking.
	RecommendedTotal int `json:"recommended_total,omitempty"`
	RecommendedPass  int `json:"recommended_passed,omitempty"`
	// NotApplicable counts scenarios about optional features the config
	// declares unused (reported N/A, neither run nor required).
	NotApplicable int `json:"not_applicable,omitempty"`
	// Partial is set when a filter left mandatory scenarios out: the run
	// is not a sign-off, whatever its verdicts.
	Partial bool `json:"partial,omitempty"`
	// Missing lists the scenarios a built-in pack mandates that the
	// document does not hold at all: a run with any missing supports no
	// go-live, whatever the scenarios it holds say.
	Missing []string `json:"missing,omitempty"`
}

// FilteredPrefix starts the reason of a scenario a filter left out.
const FilteredPrefix = "filtered out"

// NotApplicablePrefix starts the reason of a scenario about an optional
// gateway feature the config declares unused: it is not run and not
// required, and the run remains a full sign-off.
const NotApplicablePrefix = "N/A"

// NotApplicable reports whether sc was left out as N/A.
func NotApplicable(sc Scenario) bool {
	return sc.Verdict == Skipped && strings.HasPrefix(sc.Reason, NotApplicablePrefix)
}

// Run is the whole evidence document.
type Run struct {
	Schema     string     `json:"schema"`
	ID         string     `json:"id"`
	Meta       Meta       `json:"meta"`
	Scenarios  []Scenario `json:"scenarios"`
	Summary    Summary    `json:"summary"`
	Incomplete bool       `json:"incomplete,omitempty"` // rebuilt from a journal of a run that did not finish
	// Interrupted is set when the run was stopped (Ctrl-C, SIGTERM) before
	// every selected scenario ran; it never supports go-live.
	Interrupted bool `json:"interrupted,omitempty"`
	// Journal is the head of the hash chain of journal.jsonl this run was
	// written with; the seal covers it, and with it every journal record.
	Journal *JournalHead `json:"journal,omitempty"`
	// Rerendered is set when the reports were rebuilt from the journal
	// after the run (uatrun report) rather than written when it ended.
	Rerendered *Rerendered `json:"rerendered,omitempty"`
	Integrity  *Integrity  `json:"integrity,omitempty"` // set by Seal; excluded from the bytes it covers
}

// Integrity seals a run: the SHA-256 of its canonical bytes (the run
// encoded with Integrity nil) and, optionally, an Ed25519 signature over
// that digest with the public key that checks it.
type Integrity struct {
	SHA256    string `json:"sha256"`               // lowercase hex
	Ed25519   string `json:"ed25519,omitempty"`    // base64 signature over the 32 raw digest bytes
	PublicKey string `json:"public_key,omitempty"` // base64 raw Ed25519 public key
}

// Summarise counts verdicts. GoLive holds when there is at least one
// mandatory scenario and every mandatory scenario PASSED.
func Summarise(scenarios []Scenario) Summary {
	s := Summary{ByVerdict: map[Verdict]int{}}
	for _, sc := range scenarios {
		s.Total++
		s.ByVerdict[sc.Verdict]++
		switch {
		case NotApplicable(sc):
			s.NotApplicable++
		case sc.Mandatory:
			s.MandatoryTotal++
			if sc.Verdict == Passed {
				s.MandatoryPass++
			}
			if sc.Verdict == Skipped && strings.HasPrefix(sc.Reason, FilteredPrefix) {
				s.Partial = true
			}
		case sc.Tier == "recommended" && !strings.HasPrefix(sc.Reason, FilteredPrefix):
			s.RecommendedTotal++
			if sc.Verdict == Passed {
				s.RecommendedPass++
			}
		}
	}
	s.GoLive = s.MandatoryTotal > 0 && s.MandatoryPass == s.MandatoryTotal && !s.Partial
	return s
}

// SummaryOf is the summary a run's scenarios support: Summarise, with no
// go-live for a run that was interrupted or did not finish (scenarios that
// never started are not in the list).
func SummaryOf(run *Run) Summary {
	s := Summarise(run.Scenarios)
	s.Missing = MissingMandated(run)
	if run.Incomplete || run.Interrupted || len(s.Missing) > 0 {
		s.GoLive = false
	}
	return s
}

// MissingMandated lists, in pack order, the mandated scenarios of the
// run's built-in packs (Pack.Mandated) that are not among its scenarios:
// a document with scenarios removed after the run cannot read as a
// complete sign-off.
func MissingMandated(run *Run) []string {
	have := make(map[string]bool, len(run.Scenarios))
	for _, sc := range run.Scenarios {
		if sc.Mandatory {
			have[sc.ID] = true
		}
	}
	var missing []string
	for _, p := range run.Meta.Packs {
		if p.Custom {
			continue
		}
		for _, id := range p.Mandated {
			if !have[id] {
				missing = append(missing, id)
				have[id] = true // listed once
			}
		}
	}
	return missing
}

package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/scenarios"
)

// verifyRequire is what `uatrun verify` is asked to require beyond an
// intact, finished document: a fresh run, of a given merchant build.
type verifyRequire struct {
	maxAge          string // "30d", "720h"; "" = any age
	merchantVersion string // "" = any build
}

// verifyReq holds the flags of the verify command being executed.
var verifyReq = &verifyRequire{}

// parseAge reads a maximum age: a Go duration ("720h") or whole days
// ("30d").
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("--max-age %q: write whole days such as 30d, or a duration such as 720h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--max-age %q: write whole days such as 30d, or a duration such as 720h", s)
	}
	return d, nil
}

// binding is what a document says it tested, as verify shows it, and the
// problems that make it fail what was required of it.
type binding struct {
	Version         string        `json:"uatrun_version"`
	ConfigDigest    string        `json:"config_digest,omitempty"`
	MerchantVersion string        `json:"merchant_version,omitempty"`
	RanAt           time.Time     `json:"ran_at,omitzero"`
	Packs           []packBinding `json:"packs"`
	Commands        []string      `json:"commands,omitempty"`
	// Problems say why the document fails what was required (age,
	// merchant build, mandated scenarios missing); empty when it passes.
	Problems []string `json:"problems,omitempty"`
	// Notes are what verify could not check, said plainly.
	Notes []string `json:"notes,omitempty"`
}

type packBinding struct {
	Name     string `json:"name"`
	Digest   string `json:"digest"`
	Custom   bool   `json:"custom,omitempty"`
	Mandated int    `json:"mandated"`
	// Known is set when this uatrun embeds a pack with this name and
	// digest: its mandated list was checked against that pack.
	Known bool `json:"known"`
}

// bindingsOf reads what r says it tested and checks it against req, the
// packs this uatrun embeds and now.
func bindingsOf(r *evidence.Run, req verifyRequire, now time.Time) (binding, error) {
	b := binding{Version: r.Meta.Version, ConfigDigest: r.Meta.ConfigDigest, MerchantVersion: r.Meta.MerchantVersion, RanAt: ranAt(r)}
	for _, c := range r.Meta.Commands {
		b.Commands = append(b.Commands, fmt.Sprintf("%s: %s (%s)", c.Action, c.Program, c.At))
	}
	have := map[string]bool{}
	for _, sc := range r.Scenarios {
		if sc.Mandatory {
			have[sc.ID] = true
		}
	}
	for _, p := range r.Meta.Packs {
		pb := packBinding{Name: p.Name, Digest: p.Digest, Custom: p.Custom, Mandated: len(p.Mandated)}
		if !p.Custom {
			b.checkPack(p, &pb, have)
		}
		b.Packs = append(b.Packs, pb)
	}
	if b.ConfigDigest == "" {
		b.Notes = append(b.Notes, "the document names no config digest")
	}
	if req.maxAge != "" {
		max, err := parseAge(req.maxAge)
		if err != nil {
			return b, err
		}
		switch age := now.Sub(b.RanAt); {
		case b.RanAt.IsZero():
			b.Problems = append(b.Problems, "the document does not say when the run happened, and --max-age requires it")
		case age > max:
			b.Problems = append(b.Problems, fmt.Sprintf("the run is %s old (ran %s), older than --max-age %s",
				age.Round(time.Minute), b.RanAt.UTC().Format(time.RFC3339), req.maxAge))
		}
	}
	if want := req.merchantVersion; want != "" && b.MerchantVersion != want {
		got := b.MerchantVersion
		if got == "" {
			got = "no merchant version (run without --merchant-version)"
		}
		b.Problems = append(b.Problems, fmt.Sprintf("the run tested %s, not the required merchant version %s", got, want))
	}
	return b, nil
}

// checkPack compares a built-in pack the document names with the pack of
// the same name this uatrun embeds. With the same digest the mandated
// lists must agree and every mandated scenario must be in the document;
// with another digest (another uatrun version) the document's own list is
// all there is, and verify says so.
func (b *binding) checkPack(p evidence.Pack, pb *packBinding, have map[string]bool) {
	mandated := p.Mandated
	if emb, err := scenarios.Load(p.Name); err == nil && emb.Digest == p.Digest {
		pb.Known = true
		want := session.MandatedIDs(emb)
		if len(p.Mandated) > 0 && !slices.Equal(p.Mandated, want) {
			b.Problems = append(b.Problems, fmt.Sprintf("pack %s: the document's mandated list (%d scenarios) is not the list of the pack with that digest (%d)", p.Name, len(p.Mandated), len(want)))
		}
		mandated = want
		pb.Mandated = len(want)
	} else {
		what := "this uatrun embeds no pack of that name"
		if err == nil {
			what = "this uatrun (" + Version() + ") embeds another version of it"
		}
		b.Notes = append(b.Notes, fmt.Sprintf("pack %s %s: %s, so its mandated list is the document's own", p.Name, p.Digest, what))
		if len(p.Mandated) == 0 {
			b.Notes = append(b.Notes, fmt.Sprintf("pack %s: the document lists no mandated scenarios for it (written by an older uatrun), so completeness cannot be checked", p.Name))
		}
	}
	var missing []string
	for _, id := range mandated {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		b.Problems = append(b.Problems, fmt.Sprintf("pack %s mandates %d scenarios; the document lacks %d: %s", p.Name, len(mandated), len(missing), strings.Join(missing, ", ")))
	}
}

// ranAt is when the run itself ended (a re-render does not make a run
// newer); its start when the end is unknown.
func ranAt(r *evidence.Run) time.Time {
	if !r.Meta.Finished.Real.IsZero() {
		return r.Meta.Finished.Real
	}
	return r.Meta.Started.Real
}

// printBindings writes what the document says it tested.
func (b binding) print(w interface{ Write([]byte) (int, error) }) {
	fmt.Fprintf(w, "  tested with uatrun %s", or(b.Version, "(unknown version)"))
	if b.MerchantVersion != "" {
		fmt.Fprintf(w, ", merchant build %s", b.MerchantVersion)
	} else {
		fmt.Fprint(w, ", merchant build not given")
	}
	if !b.RanAt.IsZero() {
		fmt.Fprintf(w, ", ran %s", b.RanAt.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	if b.ConfigDigest != "" {
		fmt.Fprintf(w, "  config sha256:%s\n", b.ConfigDigest)
	}
	for _, p := range b.Packs {
		switch {
		case p.Custom:
			fmt.Fprintf(w, "  pack %s %s (custom: never part of go-live)\n", p.Name, p.Digest)
		case p.Known:
			fmt.Fprintf(w, "  pack %s %s: %d mandated scenarios, checked against the pack this uatrun embeds\n", p.Name, p.Digest, p.Mandated)
		default:
			fmt.Fprintf(w, "  pack %s %s: %d mandated scenarios (the document's own list)\n", p.Name, p.Digest, p.Mandated)
		}
	}
	for _, c := range b.Commands {
		fmt.Fprintf(w, "  ran the program %s\n", c)
	}
	for _, n := range b.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	for _, p := range b.Problems {
		fmt.Fprintf(w, "  FAILS: %s\n", p)
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

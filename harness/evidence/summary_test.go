package evidence

import "testing"

func TestSummarise_TiersAndPartialRuns(t *testing.T) {
	mand := func(v Verdict, reason string) Scenario {
		return Scenario{Mandatory: true, Tier: "mandatory", Verdict: v, Reason: reason}
	}
	rec := func(v Verdict) Scenario { return Scenario{Tier: "recommended", Verdict: v} }

	s := Summarise([]Scenario{mand(Passed, ""), rec(Failed), rec(Passed)})
	if !s.GoLive || s.RecommendedTotal != 2 || s.RecommendedPass != 1 || s.Partial {
		t.Fatalf("a failed recommended scenario must not block go-live: %+v", s)
	}
	s = Summarise([]Scenario{mand(Passed, ""), mand(Skipped, FilteredPrefix+" by --scenario X")})
	if s.GoLive || !s.Partial {
		t.Fatalf("a run that filtered out a mandatory scenario is partial and never go-live: %+v", s)
	}
	s = Summarise([]Scenario{mand(Passed, ""), mand(Skipped, "not run")})
	if s.GoLive || s.Partial {
		t.Fatalf("an unfiltered skip is not partial, and still not go-live: %+v", s)
	}
}

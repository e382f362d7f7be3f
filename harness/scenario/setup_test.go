package scenario

import (
	"strings"
	"testing"
)

func TestParse_SetupStepsComeFirstAndAreMarked(t *testing.T) {
	src := `id: S-1
title: refund
gateway: dana-gapura
family: refund
setup:
  - merchant: checkout
    capture: [order]
    expect: {status: 2xx}
  - gateway: pay
    order: "{{.order}}"
steps:
  - merchant: refund
    with: {order: "{{.order}}"}
    expect: {status: 2xx}
teardown:
  - merchant: cancel
    with: {order: "{{.order}}"}
`
	scs, errs := Parse("s.yaml", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	sc := scs[0]
	if len(sc.Steps) != 3 {
		t.Fatalf("%d steps, want setup and steps in one list of 3", len(sc.Steps))
	}
	for i, want := range []bool{true, true, false} {
		if sc.Steps[i].Setup != want {
			t.Errorf("step %d (%s) setup=%v, want %v", i+1, sc.Steps[i].Display(), sc.Steps[i].Setup, want)
		}
	}
	if sc.Steps[0].Target != "checkout" || sc.Steps[2].Target != "refund" || sc.Teardown[0].Setup {
		t.Errorf("order or teardown wrong: %+v", sc.Steps)
	}
}

func TestParse_SetupIsCheckedLikeSteps(t *testing.T) {
	src := "id: S-2\ntitle: t\ngateway: g\nsetup:\n  - merchnt: checkout\nsteps:\n  - merchant: refund\n    with: {order: \"{{.ordr}}\"}\n"
	_, errs := Parse("s.yaml", []byte(src))
	got := errs.Error()
	for _, want := range []string{`s.yaml:5:5: unknown step "merchnt"; did you mean "merchant"?`, `s.yaml:7:5: variable "ordr" is used before any step sets it`} {
		if !strings.Contains(got, want) {
			t.Errorf("errors:\n%s\nwant %q", got, want)
		}
	}
	if _, errs := Parse("s.yaml", []byte("id: S-3\ntitle: t\ngateway: g\nsetup:\n  - gateway: pay\n")); len(errs) == 0 ||
		!strings.Contains(errs.Error(), "has no steps") {
		t.Errorf("a scenario with only a setup has no rule to judge: %v", errs)
	}
}

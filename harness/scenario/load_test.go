package scenario

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const good = `id: T-PAY-01
title: Paid order is fulfilled once
gateway: dana-gapura
family: pay
mandatory: true
labels: [notify]
maps_to: ["DANA portal: Transaction Success Notify"]
vars: {amount: "15000.00"}
steps:
  - merchant: checkout
    with: {amount: "{{.amount}}"}
    capture: [order]
    expect: {status: 2xx}
  - gateway_received: create_order
    capture: {ref: body.partnerReferenceNo}
    expect:
      signature: valid
      body: {amount.value: "~^\\d+\\.\\d{2}$"}
  - gateway: pay
    order: "{{.ref}}"
  - notify_answered:
      order: "{{.order}}"
      expect: {status: 200, response_code: "2005600"}
  - clock: 24h1m
teardown:
  - merchant: cancel
    with: {order: "{{.order}}"}
`

func TestParse_ReadsAGoodScenario(t *testing.T) {
	scs, errs := Parse("pay.yaml", []byte(good))
	if len(errs) > 0 {
		t.Fatalf("unexpected errors:\n%v", errs)
	}
	sc := scs[0]
	if sc.ID != "T-PAY-01" || !sc.Mandatory || sc.Family != "pay" || len(sc.Steps) != 5 || len(sc.Teardown) != 1 {
		t.Fatalf("scenario read wrong: %+v", sc)
	}
	na := sc.Steps[3]
	if na.Kind != KindNotifyAnswered || na.Order != "{{.order}}" || len(na.Expect) != 2 {
		t.Fatalf("nested notify_answered options lost: %+v", na)
	}
	if sc.Steps[4].Advance != 24*time.Hour+time.Minute {
		t.Fatalf("clock advance = %v", sc.Steps[4].Advance)
	}
	if got := sc.Steps[1].Pos.String(); got != "pay.yaml:14:5" {
		t.Fatalf("step position = %s, want pay.yaml:14:5", got)
	}
	labels := strings.Join(sc.AllLabels(), ",")
	if labels != "dana-gapura,mandatory,notify,pay" {
		t.Fatalf("labels = %s", labels)
	}
}

func TestParse_ReportsEveryProblemWithPositionAndFix(t *testing.T) {
	bad := `id: T-BAD
title: broken
gateway: dana-gapura
famly: pay
steps:
  - gatway: pay
    order: x
  - merchant: checkout
    expect: {stauts: 2xx}
  - merchant: order_status
    with: {order: "{{.ordr}}"}
  - clock: soon
  - notify: wrong_key
    copies: many
  - wait: order_status
    within: 100000h
`
	_, errs := Parse("bad.yaml", []byte(bad))
	want := []string{
		`bad.yaml:4:1: unknown key "famly" in a scenario; did you mean "family"?`,
		`bad.yaml:6:5: unknown step "gatway"; did you mean "gateway"?`,
		`bad.yaml:9:14: unknown key "stauts" in expect; did you mean "status"?`,
		`bad.yaml:10:5: variable "ordr" is used before any step sets it`,
		`bad.yaml:12:12: "soon" is not a duration`,
		`bad.yaml:14:13: copies "many" is not a count`,
		`bad.yaml:16:13: within 100000h0m0s is longer than the 10m0s ceiling`,
	}
	got := errs.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing error %q in:\n%s", w, got)
		}
	}
}

func TestParse_CaptureUsedBeforeSetIsAnError(t *testing.T) {
	src := `id: T-ORDER
title: t
gateway: g
steps:
  - gateway: pay
    order: "{{.ref}}"
  - gateway_received: create_order
    capture: {ref: body.partnerReferenceNo}
`
	_, errs := Parse("o.yaml", []byte(src))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `o.yaml:5:5: variable "ref" is used before any step sets it`) {
		t.Fatalf("got %v", errs)
	}
}

func TestLoadFS_DuplicateIDsAndDigest(t *testing.T) {
	fsys := fstest.MapFS{
		"p/a.yaml": {Data: []byte(good)},
		"p/b.yaml": {Data: []byte(good)},
	}
	pack, err := LoadFS(fsys, "p", "scenarios/x")
	if err == nil || !strings.Contains(err.Error(), `scenarios/x/b.yaml:1:1: scenario id "T-PAY-01" is already used at scenarios/x/a.yaml:1:1`) {
		t.Fatalf("want duplicate id error, got %v", err)
	}
	if len(pack.Digest) != 64 || pack.Files != 2 {
		t.Fatalf("digest %q files %d", pack.Digest, pack.Files)
	}
}

func TestMatch_Table(t *testing.T) {
	for _, tc := range []struct {
		m, actual string
		exists    bool
		want      bool
	}{
		{"2005600", "2005600", true, true},
		{"!2005600", "2005600", true, false},
		{"!2005600", "", false, true},
		{"2xx", "201", true, true},
		{"2xx", "401", true, false},
		{"!2xx", "401", true, true},
		{`~^\d+\.\d{2}$`, "15000.00", true, true},
		{`~^\d+\.\d{2}$`, "15000", true, false},
		{"present", "", true, true},
		{"absent", "", false, true},
		{"1", "1", true, true},
		{"1", "1.0", true, true},
		{"=!x", "!x", true, true},
		{"REDIRECT", "", false, false},
		{">=2", "2", true, true},
		{">=2", "1", true, false},
		{">2", "2", true, false},
		{"<3", "2.5", true, true},
		{"<=0", "1", true, false},
		{">=2", "two", true, false},
		{"!>=2", "1", true, true},
	} {
		if got := Match(tc.m, tc.actual, tc.exists); got != tc.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", tc.m, tc.actual, tc.exists, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("steps: [1, {merchant: {}}]\n---\nid: [x]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		Parse("f.yaml", data) // must never panic
	})
}

func TestCheckPacks_ACustomPackCannotStandInForAMandatedScenario(t *testing.T) {
	builtin := &Pack{Name: "dana-gapura", Builtin: true, Scenarios: []*Scenario{
		{ID: "DANA-PAY-01", Mandatory: true, Pos: Pos{File: "scenarios/dana-gapura/pay.yaml", Line: 4}}}}
	shadow := &Pack{Name: "mine", Scenarios: []*Scenario{
		{ID: "DANA-PAY-01", Pos: Pos{File: "mine/pay.yaml", Line: 1}}}}
	err := CheckPacks([]*Pack{builtin, shadow})
	if err == nil || !strings.Contains(err.Error(), "mine/pay.yaml:1") || !strings.Contains(err.Error(), "scenarios/dana-gapura/pay.yaml:4") {
		t.Fatalf("a custom pack reusing a built-in id must be refused naming both files, got %v", err)
	}
	mandated := &Pack{Name: "mine", Scenarios: []*Scenario{
		{ID: "SHOP-01", Mandatory: true, Pos: Pos{File: "mine/shop.yaml", Line: 1}}}}
	if err := CheckPacks([]*Pack{builtin, mandated}); err == nil || !strings.Contains(err.Error(), "only uatrun's built-in packs") {
		t.Fatalf("a custom mandatory scenario must be refused, got %v", err)
	}
	own := &Pack{Name: "mine", Scenarios: []*Scenario{{ID: "SHOP-01", Pos: Pos{File: "mine/shop.yaml", Line: 1}}}}
	if err := CheckPacks([]*Pack{builtin, own}); err != nil {
		t.Fatalf("an optional scenario with its own id is fine: %v", err)
	}
}

func TestLoadFS_RefusesFilesThatAreNotSmallRegularFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"ok.yaml":  {Data: []byte(good)},
		"big.yaml": {Data: make([]byte, MaxFileSize+1)},
	}
	_, err := LoadFS(fsys, ".", "mine")
	if err == nil || !strings.Contains(err.Error(), "over the 1048576-byte limit") {
		t.Fatalf("an oversized scenario file must be refused before it is parsed, got %v", err)
	}
	fifo := fstest.MapFS{"x.yaml": {Mode: fs.ModeNamedPipe}}
	if _, err := LoadFS(fifo, ".", "mine"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a FIFO named x.yaml must be refused, not read, got %v", err)
	}
}

package demo

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/scenarios"
)

// The pack contract (DESIGN.md "The pack contract", docs/pack-contract.md):
// the families every pack covers where its gateway's protocol has them,
// each with a mandatory scenario and the fault of the gateway's reference
// merchant that it catches. A family a protocol does not have is n/a with
// the reason; one a pack lacks is a gap, said plainly.

// contractFamily is one row of the contract.
type contractFamily struct{ key, name string }

var contractFamilies = []contractFamily{
	{"wrong-key", "notify signed with the wrong key"},
	{"tampered-body", "body tampered after signing"},
	{"missing-signature", "missing signature / timestamp"},
	{"foreign-signature", "another order's or an already-seen signature"},
	{"wrong-amount", "wrong amount"},
	{"failed-expired", "failed and expired notifies"},
	{"duplicate-concurrent", "duplicate and concurrent notifies"},
	{"forged-return", "forged return, cancelled-then-paid return"},
	{"lost-notify", "lost notify reconciled by query"},
	{"over-refund", "over-refund"},
	{"refund-retry", "refund retried after 5xx with the same reference"},
	{"refused-refund", "refused refund not booked"},
	{"cancel-window", "cancel window"},
	{"request-id", "request-id uniqueness (where the gateway enforces it)"},
	{"token-expiry", "token expiry and refresh"},
	{"oauth-state", "OAuth state"},
	{"tokens-echoed", "tokens never echoed in the merchant's answers"},
	{"two-users", "two users kept apart"},
	{"timestamp-skew", "timestamp skew"},
}

// cover is a mandatory scenario of the family and the reference
// merchant's fault it catches ("" when the kit names none for it).
type cover struct{ scenario, fault string }

// contractCell is one gateway's answer for one family: covers, or n/a
// with the protocol's reason, or both when the protocol has only part of
// the family (failed notifies but no expired one); gap says what is
// missing (with or without covers).
type contractCell struct {
	covers []cover
	na     string
	gap    string
}

func cov(pairs ...string) []cover {
	out := make([]cover, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, cover{pairs[i], pairs[i+1]})
	}
	return out
}

func na(why string) contractCell { return contractCell{na: why} }

// packContract holds one column per gateway, each in contract_<kit>_test.go.
var packContract = map[string]map[string]contractCell{
	"dana-gapura":   contractDanaGapura,
	"dana-widget":   contractDanaWidget,
	"midtrans-snap": contractMidtransSnap,
	"purwantara":    contractPurwantara,
	"astapa":        contractAstapa,
	"gopay-miniapp": contractGopayMiniapp,
}

// TestPackContract checks the contract table against the packs and the
// reference merchants' kits: each named scenario exists and is mandatory,
// each named fault exists and its kit names that scenario as the one it
// fails. It runs no demo: TestDemo_EveryFaultIsCaughtByItsScenario proves
// the catches. It logs the table and requires docs/pack-contract.md to
// hold the same one.
func TestPackContract(t *testing.T) {
	gws := Gateways()
	sort.Strings(gws)
	for _, gw := range gws {
		cells, ok := packContract[gw]
		if !ok {
			t.Errorf("%s: no column in the pack contract; add one (every family: covers, n/a with the protocol's reason, or a gap)", gw)
			continue
		}
		kit, err := KitFor(gw)
		if err != nil {
			t.Fatal(err)
		}
		faults := map[string]bool{}
		for _, f := range kit.Faults() {
			faults[f.Name] = true
		}
		pack, err := scenarios.Load(gw)
		if err != nil {
			t.Fatal(err)
		}
		mandatory := map[string]bool{}
		known := map[string]bool{}
		for _, sc := range pack.Scenarios {
			known[sc.ID], mandatory[sc.ID] = true, sc.Mandatory
		}
		for key := range cells {
			if familyName(key) == "" {
				t.Errorf("%s: unknown family %q in the contract", gw, key)
			}
		}
		for _, fam := range contractFamilies {
			c, ok := cells[fam.key]
			switch {
			case !ok:
				t.Errorf("%s / %s: no cell; name the scenario and fault, n/a with the reason, or the gap", gw, fam.name)
				continue
			case c.na != "" && c.gap != "":
				t.Errorf("%s / %s: n/a cannot also have a gap (n/a beside covers says which part of the family the protocol lacks)", gw, fam.name)
			case c.na == "" && len(c.covers) == 0 && c.gap == "":
				t.Errorf("%s / %s: empty cell", gw, fam.name)
			}
			for _, cv := range c.covers {
				switch {
				case !known[cv.scenario]:
					t.Errorf("%s / %s: scenario %s is not in scenarios/%s", gw, fam.name, cv.scenario, gw)
				case !mandatory[cv.scenario]:
					t.Errorf("%s / %s: scenario %s is not mandatory", gw, fam.name, cv.scenario)
				}
				if cv.fault == "" {
					if c.gap == "" {
						t.Errorf("%s / %s: %s has no killer fault and the cell names no gap", gw, fam.name, cv.scenario)
					}
					continue
				}
				if !faults[cv.fault] {
					t.Errorf("%s / %s: fault %q is not a fault of the %s reference merchant", gw, fam.name, cv.fault, gw)
				} else if got := kit.Catches[cv.fault]; got != cv.scenario {
					t.Errorf("%s / %s: the kit names %s as what fault %s fails, not %s", gw, fam.name, got, cv.fault, cv.scenario)
				}
			}
		}
	}
	for gw := range packContract {
		if _, err := KitFor(gw); err != nil {
			t.Errorf("the contract has a column for %s, which has no kit", gw)
		}
	}
	table := contractTable(gws)
	t.Logf("pack contract:\n%s", table)
	docPath := filepath.Join("..", "..", "docs", "pack-contract.md")
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if *updateContract {
		if err := writeContractTable(docPath, string(doc), table); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !strings.Contains(string(doc), table) {
		t.Errorf("docs/pack-contract.md does not hold the contract table as this test has it; run go test ./harness/demo -run Contract -update-contract")
	}
}

// updateContract rewrites the table in docs/pack-contract.md from the one
// above instead of comparing them.
var updateContract = flag.Bool("update-contract", false, "rewrite the table in docs/pack-contract.md")

// tableMarker opens the generated table in docs/pack-contract.md; the
// table runs from the line after it to the end of the file.
const tableMarker = "<!-- The table below is generated by TestPackContract"

func writeContractTable(path, doc, table string) error {
	i := strings.Index(doc, tableMarker)
	if i < 0 {
		return fmt.Errorf("%s: no line starting %q to put the table after", path, tableMarker)
	}
	j := strings.Index(doc[i:], "\n")
	if j < 0 {
		return fmt.Errorf("%s: nothing after the table marker", path)
	}
	return os.WriteFile(path, []byte(doc[:i+j+1]+"\n"+table), 0o644)
}

func familyName(key string) string {
	for _, f := range contractFamilies {
		if f.key == key {
			return f.name
		}
	}
	return ""
}

// contractTable renders the contract as a Markdown table, one row per
// family, one column per gateway, then the gaps per gateway.
func contractTable(gws []string) string {
	var b strings.Builder
	b.WriteString("| family | " + strings.Join(gws, " | ") + " |\n|---|" + strings.Repeat("---|", len(gws)) + "\n")
	for _, fam := range contractFamilies {
		b.WriteString("| " + fam.name + " |")
		for _, gw := range gws {
			c := packContract[gw][fam.key]
			var parts []string
			for _, cv := range c.covers {
				if cv.fault == "" {
					parts = append(parts, cv.scenario+" (no fault)")
				} else {
					parts = append(parts, cv.scenario+" `"+cv.fault+"`")
				}
			}
			switch {
			case c.na != "" && len(c.covers) > 0:
				parts = append(parts, "rest n/a: "+c.na)
			case c.na != "":
				parts = append(parts, "n/a: "+c.na)
			case c.gap != "":
				parts = append(parts, "**gap**")
			}
			b.WriteString(" " + strings.Join(parts, "<br>") + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString("\nGaps:\n")
	for _, gw := range gws {
		for _, fam := range contractFamilies {
			if g := packContract[gw][fam.key].gap; g != "" {
				b.WriteString("- " + gw + ", " + fam.name + ": " + g + "\n")
			}
		}
	}
	return b.String()
}

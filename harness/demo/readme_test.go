package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/scenarios"
)

// The README's figures about the packs and reference merchants are
// counted, not remembered: every pack's row in the gateways table, and
// every "(examples/…, N faults)" and "N faults × M mandated", must say
// what the packs and kits hold now.
func TestREADME_PackAndFaultCountsAreTheCurrentOnes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, gw := range Gateways() {
		mandatory, recommended := packCounts(t, gw)
		kit, err := KitFor(gw)
		if err != nil {
			t.Fatal(err)
		}
		faults := len(kit.Faults())
		want := fmt.Sprintf("%d mandated", mandatory)
		if recommended > 0 {
			want += fmt.Sprintf(" + %d recommended", recommended)
		}
		row := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(gw) + "` \\|.* mandated.*$").FindString(readme)
		if row == "" {
			t.Errorf("README: no row for %s in the gateways table", gw)
		} else if !strings.Contains(row, "| "+want+" |") {
			t.Errorf("README: the %s row should say %q:\n%s", gw, want, row)
		}
		for _, m := range regexp.MustCompile(`\(\[examples/([a-z-]+)\]\(examples/[a-z-]+\), (\d+) faults\)`).FindAllStringSubmatch(readme, -1) {
			if exampleOf(gw) == m[1] && m[2] != fmt.Sprint(faults) {
				t.Errorf("README: examples/%s has %d faults, not %s", m[1], faults, m[2])
			}
		}
		if gw == "dana-gapura" {
			for _, s := range []string{fmt.Sprintf("DANA: %d faults × %d mandated scenarios", faults, mandatory), fmt.Sprintf("example shop has %d switchable", faults)} {
				if !strings.Contains(readme, s) {
					t.Errorf("README should say %q", s)
				}
			}
		}
	}
}

// packCounts is how many mandatory and recommended scenarios gw's pack has.
func packCounts(t *testing.T, gw string) (mandatory, recommended int) {
	t.Helper()
	pack, err := scenarios.Load(gw)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range pack.Scenarios {
		if sc.Mandatory {
			mandatory++
		} else {
			recommended++
		}
	}
	return mandatory, recommended
}

// exampleOf is the directory under examples/ of gw's reference merchant.
func exampleOf(gw string) string {
	switch gw {
	case "dana-gapura":
		return "shop"
	case "midtrans-snap":
		return "midtrans-shop"
	default:
		return gw + "-shop"
	}
}

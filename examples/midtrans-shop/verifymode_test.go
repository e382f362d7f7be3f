package midtransshop_test

import (
	"strings"
	"testing"

	midtransshop "github.com/uatrun/uatrun/examples/midtrans-shop"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/scenario"
)

// runPack runs the whole Midtrans pack against the shop in one verify mode.
func runPack(t *testing.T, verifyMode string) *evidence.Run {
	t.Helper()
	return runPackWith(t, midtransshop.Config{VerifyMode: verifyMode}, 0)
}

// Midtrans documents two ways to trust a notification: verify
// signature_key, or re-query the Get Status API. A shop doing either
// passes the whole pack; the evidence of the forged-notification
// scenarios says which way it took.
func TestVerifyModes_BothPassThePackAndTheEvidenceSaysHow(t *testing.T) {
	for mode, handled := range map[string]string{
		midtransshop.VerifyModeSignature: "merchant's handling: rejected (HTTP 401)",
		midtransshop.VerifyModeRequery:   "merchant's handling: acknowledged (HTTP 200) and re-queried the Get Status API",
	} {
		t.Run(mode, func(t *testing.T) {
			run := runPack(t, mode)
			for _, sc := range run.Scenarios {
				if sc.Verdict != evidence.Passed {
					t.Errorf("%s %s: %s", sc.ID, sc.Verdict, sc.Reason)
				}
				if sc.ID != "MT-SIG-01" && sc.ID != "MT-SIG-02" {
					continue
				}
				var notes []string
				for _, st := range sc.Steps {
					if st.Kind == scenario.KindNotify {
						for _, x := range st.Exchanges {
							notes = append(notes, x.Notes...)
						}
					}
				}
				if !strings.Contains(strings.Join(notes, "\n"), handled) {
					t.Errorf("%s: the notify step's evidence does not say %q; notes: %q", sc.ID, handled, notes)
				}
			}
		})
	}
}

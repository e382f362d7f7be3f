package demo

import (
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
// with the protocol's reason; gap says what is missing (with or without
// covers).
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

const noRefundAPI = "Astapa documents no merchant refund or cancel API (refunds are done on Astapa's side, AST-REFUND-01 reads them)"

var packContract = map[string]map[string]contractCell{
	"dana-gapura": {
		"wrong-key":            {covers: cov("DANA-SIG-01", "notify-no-verify")},
		"tampered-body":        {covers: cov("DANA-SIG-02", "notify-trusts-payload")},
		"missing-signature":    {covers: cov("DANA-SIG-03", ""), gap: "no fault of the reference shop is named for DANA-SIG-03"},
		"foreign-signature":    {covers: cov("DANA-SIG-04", ""), gap: "no fault named for DANA-SIG-04; no already-seen (replayed) signature scenario"},
		"wrong-amount":         {covers: cov("DANA-SIG-05", "notify-ignores-amount")},
		"failed-expired":       {covers: cov("DANA-PAY-03", "notify-expired-as-paid"), gap: "expired only: no failed-payment notify scenario"},
		"duplicate-concurrent": {covers: cov("DANA-IDEM-01", "notify-double-fulfil", "DANA-IDEM-02", ""), gap: "no fault named for DANA-IDEM-02 (concurrent)"},
		"forged-return":        {covers: cov("DANA-PAY-02", "trust-return-redirect"), gap: "no cancelled-then-paid return scenario"},
		"lost-notify":          {covers: cov("DANA-PAY-05", "reconcile-ignores-query")},
		"over-refund":          {covers: cov("DANA-REFUND-02", "over-refund")},
		"refund-retry":         {covers: cov("DANA-REFUND-04", "refund-new-reference-on-retry")},
		"refused-refund":       {covers: cov("DANA-REFUND-05", "refund-ignores-gateway-error")},
		"cancel-window":        {covers: cov("DANA-CANCEL-03", "cancel-ignores-gateway-error")},
		"request-id":           {covers: cov("DANA-IDEM-03", "reuse-external-id")},
		"token-expiry":         na("Gapura calls are signed one by one (asymmetric X-SIGNATURE); there is no access token"),
		"oauth-state":          na("Hosted Checkout has no account binding or OAuth redirect"),
		"tokens-echoed":        na("no customer or access token exists in Hosted Checkout"),
		"two-users":            na("no per-user credential: every call is the merchant's"),
		"timestamp-skew":       {gap: "DANA-SIG-06 (stale notify X-TIMESTAMP) is recommended, not mandatory, and has no fault; the merchant's own X-TIMESTAMP skew is checked only when gateway.timestamp_skew is set"},
	},
	"dana-widget": {
		"wrong-key":            {covers: cov("DANAW-SIG-01", "notify-no-verify")},
		"tampered-body":        {covers: cov("DANAW-SIG-02", ""), gap: "no fault distinct from notify-no-verify (named for DANAW-SIG-01), which fails it too"},
		"missing-signature":    {covers: cov("DANAW-SIG-03", "notify-unsigned-accepted")},
		"foreign-signature":    {gap: "no scenario: the emulator has the other_order_signature variant, no pack scenario sends it, and nothing replays an already-seen signature"},
		"wrong-amount":         {covers: cov("DANAW-PAY-04", "notify-ignores-amount")},
		"failed-expired":       {covers: cov("DANAW-PAY-05", "notify-ignores-status")},
		"duplicate-concurrent": {covers: cov("DANAW-IDEM-01", "notify-double-fulfil", "DANAW-IDEM-02", ""), gap: "no fault named for DANAW-IDEM-02 (concurrent)"},
		"forged-return":        {covers: cov("DANAW-PAY-02", "trust-return-redirect", "DANAW-CANCEL-03", "paid-after-cancel"), gap: "DANAW-CANCEL-03 is a cancelled order whose paid notify arrives late; no shopper return after a cashier Cancel"},
		"lost-notify":          {covers: cov("DANAW-PAY-03", "reconcile-ignores-query")},
		"over-refund":          {covers: cov("DANAW-REFUND-02", "over-refund")},
		"refund-retry":         {covers: cov("DANAW-IDEM-04", "refund-new-reference-on-retry")},
		"refused-refund":       {covers: cov("DANAW-REFUND-03", "refund-ignores-gateway-error")},
		"cancel-window":        {covers: cov("DANAW-CANCEL-02", "cancel-ignores-gateway-error")},
		"request-id":           {covers: cov("DANAW-IDEM-05", "reuse-external-id")},
		"token-expiry":         {covers: cov("DANAW-TOKEN-01", "never-refreshes")},
		"oauth-state":          {covers: cov("DANAW-BIND-05", "oauth-ignores-state")},
		"tokens-echoed":        {covers: cov("DANAW-TOKEN-02", "echoes-tokens")},
		"two-users":            {covers: cov("DANAW-BIND-06", "tokens-by-masked-phone")},
		"timestamp-skew":       {gap: "no scenario (the emulator has the stale_timestamp variant); the merchant's own X-TIMESTAMP skew is checked only when gateway.timestamp_skew is set"},
	},
	"midtrans-snap": {
		"wrong-key":            {covers: cov("MT-SIG-01", "notify-no-verify")},
		"tampered-body":        {covers: cov("MT-SIG-02", ""), gap: "no fault named for MT-SIG-02"},
		"missing-signature":    {covers: cov("MT-SIG-02", ""), gap: "no fault named for MT-SIG-02 (the notification has signature_key and no timestamp)"},
		"foreign-signature":    {gap: "no scenario sends another order's signature_key or replays a seen one"},
		"wrong-amount":         {covers: cov("MT-SIG-03", "gross-amount-mismatch-accepted")},
		"failed-expired":       {covers: cov("MT-PAY-04", "notify-rejects-expire", "MT-PAY-07", "deny-closes-order")},
		"duplicate-concurrent": {covers: cov("MT-IDEM-01", "notify-double-fulfil", "MT-IDEM-02", ""), gap: "no fault named for MT-IDEM-02 (concurrent)"},
		"forged-return":        {covers: cov("MT-PAY-02", "trust-finish-redirect"), gap: "no cancelled-then-paid return scenario"},
		"lost-notify":          {covers: cov("MT-PAY-05", "no-reconcile")},
		"over-refund":          {covers: cov("MT-REFUND-02", "over-refund")},
		"refund-retry":         {covers: cov("MT-IDEM-04", "refund-new-key-on-retry")},
		"refused-refund":       {covers: cov("MT-REFUND-03", "refund-ignores-gateway-error")},
		"cancel-window":        {covers: cov("MT-CANCEL-02", "cancel-ignores-gateway-error")},
		"request-id":           {covers: cov("MT-IDEM-05", "reuse-order-id")},
		"token-expiry":         na("every call authenticates with the server key (HTTP Basic); nothing expires"),
		"oauth-state":          na("Snap has no account binding or OAuth redirect"),
		"tokens-echoed":        na("the only token, the Snap token / redirect_url, is meant for the shopper's browser; the server key is checked by MT-CREATE-01"),
		"two-users":            na("no per-user credential: every call is the merchant's"),
		"timestamp-skew":       na("neither Snap calls nor notifications carry a signed timestamp"),
	},
	"purwantara": {
		"wrong-key":            {covers: cov("PPN-SIG-01", "webhook-no-verify")},
		"tampered-body":        {covers: cov("PPN-SIG-02", ""), gap: "no fault named for PPN-SIG-02"},
		"missing-signature":    {covers: cov("PPN-SIG-03", ""), gap: "no fault named for PPN-SIG-03 (the webhook has a Signature header and no timestamp)"},
		"foreign-signature":    {gap: "no scenario sends another webhook's Signature or replays a seen one (PPN-SIG-05 is an unknown transaction, correctly signed)"},
		"wrong-amount":         {covers: cov("PPN-SIG-04", "trust-signed-amount")},
		"failed-expired":       {covers: cov("PPN-PAY-03", "expired-as-paid", "PPN-PAY-04", ""), gap: "no fault named for PPN-PAY-04 (failed)"},
		"duplicate-concurrent": {covers: cov("PPN-IDEM-01", "double-fulfil-on-redelivery", "PPN-IDEM-04", "fulfil-check-then-act")},
		"forged-return":        {covers: cov("PPN-PAY-07", "trust-return-query"), gap: "no cancelled-then-paid return scenario"},
		"lost-notify":          {covers: cov("PPN-PAY-05", ""), gap: "no fault named for PPN-PAY-05"},
		"over-refund":          {gap: "refunds are not emulated (docs/emulators/purwantara.md, Not emulated)"},
		"refund-retry":         {gap: "refunds are not emulated"},
		"refused-refund":       {gap: "refunds are not emulated"},
		"cancel-window":        na("only an ACTIVE virtual account is cancelled; Purwantara documents no time window (PPN-CANCEL-01 covers the cancel)"),
		"request-id":           {covers: cov("PPN-IDEM-03", ""), gap: "no fault named for PPN-IDEM-03"},
		"token-expiry":         na("a static API token (Bearer); nothing expires"),
		"oauth-state":          na("no account binding or OAuth redirect"),
		"tokens-echoed":        na("no customer token exists; the API token is the merchant's"),
		"two-users":            na("no per-user credential"),
		"timestamp-skew":       na("the webhook's HMAC covers the body only; no timestamp is sent"),
	},
	"astapa": {
		"wrong-key":            na("item.purchased carries no signature (Astapa describes none); the merchant confirms it with verify (AST-SIG-01)"),
		"tampered-body":        na("no signature; an altered webhook is caught by verify (AST-SIG-05)"),
		"missing-signature":    na("no signature or timestamp is sent"),
		"foreign-signature":    {covers: cov("AST-SIG-05", "verify-metadata-order")},
		"wrong-amount":         {gap: "no scenario sends item.purchased with another amount"},
		"failed-expired":       {covers: cov("AST-CANCEL-02", ""), gap: "no fault named for AST-CANCEL-02 (expired); Astapa sends no webhook for a failed payment"},
		"duplicate-concurrent": {covers: cov("AST-IDEM-01", "double-fulfil", "AST-IDEM-02", "fulfil-check-then-act")},
		"forged-return":        {covers: cov("AST-SIG-02", ""), gap: "AST-SIG-02 is a forged webhook for a cancelled order, with no fault named; no return-page scenario"},
		"lost-notify":          {covers: cov("AST-PAY-02", "no-reconcile")},
		"over-refund":          na(noRefundAPI),
		"refund-retry":         na(noRefundAPI),
		"refused-refund":       na(noRefundAPI),
		"cancel-window":        na(noRefundAPI),
		"request-id":           {covers: cov("AST-IDEM-03", "reuse-order-id")},
		"token-expiry":         na("client_id and client_secret go with every create; nothing expires"),
		"oauth-state":          na("no account binding or OAuth redirect"),
		"tokens-echoed":        na("no customer token exists"),
		"two-users":            na("no per-user credential"),
		"timestamp-skew":       na("no signed timestamp in either direction"),
	},
	"gopay-miniapp": {
		"wrong-key":            {covers: cov("GPM-SIG-01", "notify-no-verify")},
		"tampered-body":        {covers: cov("GPM-SIG-02", ""), gap: "no fault named for GPM-SIG-02"},
		"missing-signature":    {covers: cov("GPM-SIG-03", ""), gap: "no fault named for GPM-SIG-03; no missing X-TIMESTAMP step"},
		"foreign-signature":    {covers: cov("GPM-SIG-04", "", "GPM-SIG-06", "notify-reopens-order"), gap: "no fault named for GPM-SIG-04"},
		"wrong-amount":         {covers: cov("GPM-SIG-05", "notify-no-amount-check")},
		"failed-expired":       {covers: cov("GPM-PAY-06", "notify-ignores-status", "GPM-PAY-04", "status-answer-as-paid"), gap: "GPM-PAY-04 is an abandoned payment, not an expired notify"},
		"duplicate-concurrent": {covers: cov("GPM-IDEM-01", "notify-double-fulfil", "GPM-IDEM-02", ""), gap: "no fault named for GPM-IDEM-02 (concurrent)"},
		"forged-return":        {covers: cov("GPM-PAY-02", "trust-launch-redirect", "GPM-PAY-07", "launch-cancel-final")},
		"lost-notify":          {covers: cov("GPM-PAY-05", "no-reconcile")},
		"over-refund":          {gap: "no over-refund scenario"},
		"refund-retry":         {covers: cov("GPM-REFUND-03", "refund-retry-new-reference")},
		"refused-refund":       {covers: cov("GPM-REFUND-04", "refund-ignores-refusal")},
		"cancel-window":        {covers: cov("GPM-CANCEL-02", "cancel-ignores-gateway-error"), gap: "GPM-CANCEL-02 is a paid order's cancel, not a time window"},
		"request-id":           {covers: cov("GPM-REFUND-02", "refund-reuse-reference")},
		"token-expiry":         {covers: cov("GPM-PAY-08", "b2b-token-never-refreshed")},
		"oauth-state":          na("the user's auth code comes from getAuthCode inside the GoPay app, not from a browser redirect carrying state"),
		"tokens-echoed":        {gap: "no scenario checks the backend's answers for the user's access token"},
		"two-users":            {covers: cov("GPM-AUTH-07", "one-token-slot")},
		"timestamp-skew":       {gap: "no scenario; the merchant's X-TIMESTAMP skew is checked only when gateway.timestamp_skew is set"},
	},
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
			case c.na != "" && (len(c.covers) > 0 || c.gap != ""):
				t.Errorf("%s / %s: n/a cannot also have covers or a gap", gw, fam.name)
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
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "pack-contract.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), table) {
		t.Errorf("docs/pack-contract.md does not hold the contract table as this test has it; replace the table in it with the one logged above")
	}
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

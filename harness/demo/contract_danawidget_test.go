package demo

// contractDanaWidget is the dana-widget column of the pack contract
// (docs/pack-contract.md).
var contractDanaWidget = map[string]contractCell{
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
}

package demo

// contractDanaGapura is the dana-gapura column of the pack contract
// (docs/pack-contract.md).
var contractDanaGapura = map[string]contractCell{
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
}

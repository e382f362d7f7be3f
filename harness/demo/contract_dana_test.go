package demo

// contractDanaGapura is the dana-gapura column of the pack contract
// (docs/pack-contract.md).
//
// Timestamp skew: the demo judges the merchant's own X-TIMESTAMP against
// the wall clock (gateway.timestamp_skew: 10m), so a clock hours off fails
// every call, DANA-CREATE-01 first.
// A stale X-TIMESTAMP on a notify stays the recommended DANA-SIG-06: DANA
// documents no rejection of it, and its SDK parsers (dana-go, dana-node)
// verify the signature without checking the timestamp's age.
var contractDanaGapura = map[string]contractCell{
	"wrong-key":            {covers: cov("DANA-SIG-01", "notify-no-verify")},
	"tampered-body":        {covers: cov("DANA-SIG-02", "notify-trusts-payload")},
	"missing-signature":    {covers: cov("DANA-SIG-03", "notify-unsigned-accepted")},
	"foreign-signature":    {covers: cov("DANA-SIG-04", "notify-signature-memo", "DANA-SIG-07", "notify-reopens-order")},
	"wrong-amount":         {covers: cov("DANA-SIG-05", "notify-ignores-amount")},
	"failed-expired":       {covers: cov("DANA-PAY-03", "notify-expired-as-paid", "DANA-PAY-06", "notify-refuses-early-close")},
	"duplicate-concurrent": {covers: cov("DANA-IDEM-01", "notify-double-fulfil", "DANA-IDEM-02", "fulfil-check-then-act")},
	"forged-return":        {covers: cov("DANA-PAY-02", "trust-return-redirect", "DANA-PAY-07", "return-query-settled-as-paid")},
	"lost-notify":          {covers: cov("DANA-PAY-05", "reconcile-ignores-query")},
	"over-refund":          {covers: cov("DANA-REFUND-02", "over-refund")},
	"refund-retry":         {covers: cov("DANA-REFUND-04", "refund-new-reference-on-retry")},
	"refused-refund":       {covers: cov("DANA-REFUND-05", "refund-ignores-gateway-error", "DANA-REFUND-03", "refund-unpaid-cancels-order")},
	"cancel-window":        {covers: cov("DANA-CANCEL-03", "cancel-ignores-gateway-error")},
	"request-id":           {covers: cov("DANA-IDEM-03", "reuse-external-id")},
	"token-expiry":         na("Gapura calls are signed one by one (asymmetric X-SIGNATURE); there is no access token"),
	"oauth-state":          na("Hosted Checkout has no account binding or OAuth redirect"),
	"tokens-echoed":        na("no customer or access token exists in Hosted Checkout"),
	"two-users":            na("no per-user credential: every call is the merchant's"),
	"timestamp-skew":       {covers: cov("DANA-CREATE-01", "timestamp-utc-as-jakarta")},
}

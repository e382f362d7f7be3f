package demo

// contractDanaWidget is the dana-widget column of the pack contract
// (docs/pack-contract.md).
var contractDanaWidget = map[string]contractCell{
	"wrong-key":            {covers: cov("DANAW-SIG-01", "notify-no-verify")},
	"tampered-body":        {covers: cov("DANAW-SIG-02", "notify-verifies-reserialised")},
	"missing-signature":    {covers: cov("DANAW-SIG-03", "notify-unsigned-accepted")},
	"foreign-signature":    {covers: cov("DANAW-SIG-04", "notify-trusts-seen-signature", "DANAW-SIG-05", "notify-pays-unless-paid")},
	"wrong-amount":         {covers: cov("DANAW-PAY-04", "notify-ignores-amount")},
	"failed-expired":       {covers: cov("DANAW-PAY-05", "notify-ignores-status")},
	"duplicate-concurrent": {covers: cov("DANAW-IDEM-01", "notify-double-fulfil", "DANAW-IDEM-02", "fulfil-check-then-act")},
	"forged-return":        {covers: cov("DANAW-PAY-02", "trust-return-redirect", "DANAW-PAY-06", "trust-return-from-cashier")},
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
	// The merchant's own X-TIMESTAMP, judged by gateway.timestamp_skew
	// (10m in the starter config and the demo). A stale notify
	// X-TIMESTAMP is DANAW-SIG-06, recommended: DANA documents no
	// tolerance for it and its SDKs' WebhookParser (dana-go, dana-node)
	// checks none.
	"timestamp-skew": {covers: cov("DANAW-BIND-01", "timestamp-utc-as-jakarta")},
}

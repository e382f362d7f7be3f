package demo

// contractGopayMiniapp is the gopay-miniapp column of the pack contract
// (docs/pack-contract.md).
var contractGopayMiniapp = map[string]contractCell{
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
}

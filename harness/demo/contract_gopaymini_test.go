package demo

// contractGopayMiniapp is the gopay-miniapp column of the pack contract
// (docs/pack-contract.md).
var contractGopayMiniapp = map[string]contractCell{
	"wrong-key":         {covers: cov("GPM-SIG-01", "notify-no-verify")},
	"tampered-body":     {covers: cov("GPM-SIG-02", "notify-verifies-own-body")},
	"missing-signature": {covers: cov("GPM-SIG-03", "notify-unsigned-accepted")},
	"foreign-signature": {covers: cov("GPM-SIG-07", "notify-signature-cache", "GPM-SIG-06", "notify-reopens-order", "GPM-SIG-04", ""),
		gap: "no fault named for GPM-SIG-04 (headers of a notify the backend never saw, on this body); GPM-SIG-07 is the seen-signature case"},
	"wrong-amount": {covers: cov("GPM-SIG-05", "notify-no-amount-check")},
	"failed-expired": {covers: cov("GPM-PAY-06", "notify-ignores-status", "GPM-PAY-04", "status-answer-as-paid"),
		na: "expired: GoPay documents no notify for a payment left unpaid (the FAQ: it stays incomplete), so GPM-PAY-04 judges the abandoned payment through the status API instead"},
	"duplicate-concurrent": {covers: cov("GPM-IDEM-01", "notify-double-fulfil", "GPM-IDEM-02", "fulfil-check-then-act")},
	"forged-return":        {covers: cov("GPM-PAY-02", "trust-launch-redirect", "GPM-PAY-07", "launch-cancel-final")},
	"lost-notify":          {covers: cov("GPM-PAY-05", "no-reconcile")},
	"over-refund":          {covers: cov("GPM-REFUND-05", "over-refund")},
	"refund-retry":         {covers: cov("GPM-REFUND-03", "refund-retry-new-reference")},
	"refused-refund":       {covers: cov("GPM-REFUND-04", "refund-ignores-refusal")},
	"cancel-window": {covers: cov("GPM-CANCEL-02", "cancel-ignores-gateway-error"),
		na: "GoPay documents no cancel window: only a pending payment cancels; GPM-CANCEL-02 judges a paid order's cancel by its outcome"},
	"request-id":     {covers: cov("GPM-REFUND-02", "refund-reuse-reference")},
	"token-expiry":   {covers: cov("GPM-PAY-08", "b2b-token-never-refreshed")},
	"oauth-state":    na("the user's auth code comes from getAuthCode inside the GoPay app, not from a browser redirect carrying state"),
	"tokens-echoed":  {covers: cov("GPM-AUTH-08", "echoes-access-token")},
	"two-users":      {covers: cov("GPM-AUTH-07", "one-token-slot")},
	"timestamp-skew": {covers: cov("GPM-PAY-09", "timestamp-utc-as-wib")},
}

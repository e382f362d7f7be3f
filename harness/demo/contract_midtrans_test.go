package demo

// contractMidtransSnap is the midtrans-snap column of the pack contract
// (docs/pack-contract.md).
var contractMidtransSnap = map[string]contractCell{
	"wrong-key":            {covers: cov("MT-SIG-01", "notify-no-verify")},
	"tampered-body":        {covers: cov("MT-SIG-02", "signature-over-stored-amount")},
	"missing-signature":    {covers: cov("MT-SIG-02", "notify-unsigned-accepted")},
	"foreign-signature":    {covers: cov("MT-SIG-04", "trust-seen-signature", "MT-SIG-05", "notify-reopens-order")},
	"wrong-amount":         {covers: cov("MT-SIG-03", "gross-amount-mismatch-accepted")},
	"failed-expired":       {covers: cov("MT-PAY-04", "notify-rejects-expire", "MT-PAY-07", "deny-closes-order")},
	"duplicate-concurrent": {covers: cov("MT-IDEM-01", "notify-double-fulfil", "MT-IDEM-02", "fulfil-check-then-act")},
	"forged-return":        {covers: cov("MT-PAY-02", "trust-finish-redirect", "MT-PAY-09", "finish-revives-closed-order")},
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
}

package demo

// noPurwantaraRefund: neither Purwantara's integration page (seed 002) nor
// its own PHP client (PurwantaraID/purwantara-php: virtual account, QRIS,
// counter, payment link) nor the community Laravel client
// (ezhasyafaat/purwantara-laravel: create, cancel, inquiry) has a refund
// call.
const noPurwantaraRefund = "Purwantara documents no merchant refund API (integration page; its PHP client PurwantaraID/purwantara-php and the Laravel client ezhasyafaat/purwantara-laravel have create, cancel and inquiry only)"

// contractPurwantara is the purwantara column of the pack contract
// (docs/pack-contract.md).
var contractPurwantara = map[string]contractCell{
	"wrong-key":            {covers: cov("PPN-SIG-01", "webhook-no-verify")},
	"tampered-body":        {covers: cov("PPN-SIG-02", "signature-cache-per-transaction")},
	"missing-signature":    {covers: cov("PPN-SIG-03", "unsigned-webhook-accepted")},
	"foreign-signature":    {covers: cov("PPN-SIG-06", "signature-cache", "PPN-SIG-07", "active-reopens-order")},
	"wrong-amount":         {covers: cov("PPN-SIG-04", "trust-signed-amount")},
	"failed-expired":       {covers: cov("PPN-PAY-03", "expired-as-paid", "PPN-PAY-04", "failed-status-unhandled")},
	"duplicate-concurrent": {covers: cov("PPN-IDEM-01", "double-fulfil-on-redelivery", "PPN-IDEM-04", "fulfil-check-then-act")},
	"forged-return":        {covers: cov("PPN-PAY-07", "trust-return-query", "PPN-PAY-09", "return-final-as-paid")},
	"lost-notify":          {covers: cov("PPN-PAY-05", "no-reconcile")},
	"over-refund":          na(noPurwantaraRefund),
	"refund-retry":         na(noPurwantaraRefund),
	"refused-refund":       na(noPurwantaraRefund),
	"cancel-window":        na("only an ACTIVE virtual account is cancelled; Purwantara documents no time window (PPN-CANCEL-01 covers the cancel)"),
	"request-id":           {covers: cov("PPN-IDEM-03", "reuse-reference")},
	"token-expiry":         na("a static API token (Bearer); nothing expires"),
	"oauth-state":          na("no account binding or OAuth redirect"),
	"tokens-echoed":        na("no customer token exists; the API token is the merchant's"),
	"two-users":            na("no per-user credential"),
	"timestamp-skew":       na("the webhook's HMAC covers the body only; no timestamp is sent"),
}

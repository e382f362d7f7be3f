package demo

// contractPurwantara is the purwantara column of the pack contract
// (docs/pack-contract.md).
var contractPurwantara = map[string]contractCell{
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
}

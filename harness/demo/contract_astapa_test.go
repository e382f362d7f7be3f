package demo

const noRefundAPI = "Astapa documents no merchant refund or cancel API (refunds are done on Astapa's side, AST-REFUND-01 reads them)"

// contractAstapa is the astapa column of the pack contract
// (docs/pack-contract.md).
var contractAstapa = map[string]contractCell{
	"wrong-key":            na("item.purchased carries no signature (Astapa describes none); the merchant confirms it with verify (AST-SIG-01)"),
	"tampered-body":        na("no signature; an altered webhook is caught by verify (AST-SIG-05)"),
	"missing-signature":    na("no signature or timestamp is sent"),
	"foreign-signature":    {covers: cov("AST-SIG-05", "verify-metadata-order")},
	"wrong-amount":         na("Astapa's verify answers no amount and item.purchased is unsigned (seed 003: verify returns status, store_name, redirect_url); the payment is for the amount the merchant created it with, so no word of Astapa's can show another amount paid: the merchant fulfils on verify's settlement (AST-SIG-01 covers a forged webhook, whatever its amount)"),
	"failed-expired":       {covers: cov("AST-CANCEL-02", "expire-left-pending")},
	"duplicate-concurrent": {covers: cov("AST-IDEM-01", "double-fulfil", "AST-IDEM-02", "fulfil-check-then-act")},
	"forged-return":        {covers: cov("AST-SIG-02", "webhook-confirmed-unless-pending"), na: "return page: the buyer returns to Astapa's callback page and the store at store_slug, never to a merchant URL (seed 003), so there is no merchant return to forge"},
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
}

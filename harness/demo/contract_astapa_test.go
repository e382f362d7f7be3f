package demo

const noRefundAPI = "Astapa documents no merchant refund or cancel API (refunds are done on Astapa's side, AST-REFUND-01 reads them)"

// contractAstapa is the astapa column of the pack contract
// (docs/pack-contract.md).
var contractAstapa = map[string]contractCell{
	"wrong-key":            na("item.purchased carries no signature (Astapa describes none); the merchant confirms it with verify (AST-SIG-01)"),
	"tampered-body":        na("no signature; an altered webhook is caught by verify (AST-SIG-05)"),
	"missing-signature":    na("no signature or timestamp is sent"),
	"foreign-signature":    {covers: cov("AST-SIG-05", "verify-metadata-order")},
	"wrong-amount":         {gap: "no scenario sends item.purchased with another amount"},
	"failed-expired":       {covers: cov("AST-CANCEL-02", ""), gap: "no fault named for AST-CANCEL-02 (expired); Astapa sends no webhook for a failed payment"},
	"duplicate-concurrent": {covers: cov("AST-IDEM-01", "double-fulfil", "AST-IDEM-02", "fulfil-check-then-act")},
	"forged-return":        {covers: cov("AST-SIG-02", ""), gap: "AST-SIG-02 is a forged webhook for a cancelled order, with no fault named; no return-page scenario"},
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

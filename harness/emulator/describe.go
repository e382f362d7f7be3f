package emulator

// Link is one URL a person running an emulator by hand (uatrun emulate) is
// pointed at: a control route or a page. Path is relative to the
// emulator's base URL; a path with a {placeholder} is a pattern, one
// without is a concrete URL that answers as it stands.
type Link struct {
	Method string // "GET" or "POST"
	Path   string // e.g. "/_uatrun/transactions" or "/_uatrun/transactions/{uuid}/{pay|fail}"
	What   string // one line: what it shows or does
}

// Description tells a person how to point an integration at a running
// emulator: which real base URL it stands in for, what the merchant must
// configure to authenticate and verify, and where the control API is.
type Description struct {
	// Replaces is the real base URL the emulator's URL stands in for, e.g.
	// "https://sandbox-api.purwantara.id".
	Replaces string
	// Credentials are lines on what the merchant configures (tokens,
	// secrets, keys) and from which config keys.
	Credentials []string
	// TrustKey means the merchant must verify notifies with the
	// emulator's public key (PublicKeyPEM), to be printed in full.
	TrustKey bool
	// Links are the control routes and pages, in the order to print them.
	Links []Link
}

// Describer is implemented by an emulator that describes itself for
// uatrun emulate: each emulator knows its own paths and control routes.
type Describer interface {
	Describe() Description
}

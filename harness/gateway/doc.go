// Package gateway is the registry of the payment gateways uatrun plays:
// one Descriptor per gateway, as plain data, saying everything the rest of
// uatrun needs to know about it — its id and product name, where its
// emulator, scenario pack, starter config, reference merchant and doc page
// live, its optional features and default notify retry schedule, and the
// words of its protocol (APIs, gateway actions and their params, notify
// variants, merchant actions, control routes, key wording).
//
// Why a leaf package of data: config is imported by every emulator and by
// session, and config must know the gateway ids and retry defaults; so the
// registry can import nothing of uatrun's, and nothing here runs an
// emulator. The emulator-side words are therefore a copy, and the
// TestRegistry_* tests (an external test package, which may import
// everything) check each copy against the running emulator: its
// Actions, APIs, the params each action takes, the notify variants it
// accepts and the control routes it serves. The same tests walk the files
// each descriptor names (pack, starter, example config, doc page) and the
// demo kit, so a gateway registered here and forgotten elsewhere, or
// added elsewhere and not here, fails a test rather than a user.
//
// config (Gateways, notify retry, starter templates), the CLI (init, list,
// keys, emulate, validate, demo) and session's vocabulary read this
// package instead of keeping their own lists.
package gateway

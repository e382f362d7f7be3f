// Package emulator holds what every gateway emulator shares: the Gateway
// interface the scenario engine drives, the records of the merchant's calls
// and of notify deliveries, and an httptest-style server lifecycle
// (New/Start/URL/Close) bound to 127.0.0.1 by default.
//
// Each gateway lives in its own subpackage (dana, midtrans, astapa,
// purwantara) and speaks that gateway's exact dialect.
package emulator

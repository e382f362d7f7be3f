// Package danawidgetshop is a reference merchant for DANA's Widget API:
// it binds a shopper's DANA account (OAuth page, Apply Token), pays from
// the bound account (Widget Payment + Apply OTT, the cashier URL with the
// OTT), refreshes expired tokens, shows balance and profile, unbinds, and
// verifies finish notifies. Switchable faults reproduce the integration
// bugs DANA's UAT looks for.
package danawidgetshop

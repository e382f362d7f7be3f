// Package danawidgetshop is a reference merchant for DANA's Widget API:
// it binds a shopper's DANA account (OAuth page, Apply Token), pays from
// the bound account (Widget Payment + Apply OTT, the cashier URL with the
// OTT), refreshes expired tokens, shows balance and profile, unbinds, and
// verifies finish notifies. Switchable faults reproduce the integration
// bugs DANA's UAT looks for.
//
// Config.QueueDelay (--queue-delay) turns it into the queue-based design
// many shops use: a finish notify is verified and checked in the request,
// acknowledged 2005600 at once, and booked by a worker a moment later that
// reads the order again, so the queue adds lag, never a second fulfilment
// or a shipped cancelled order; the pack passes either way.
package danawidgetshop

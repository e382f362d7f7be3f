// Package gopayminishop is a reference GoPay Mini App backend: it logs
// users in with getAuthCode's code (token exchange, the token cached per
// user), calls GoPay's back-end APIs with the user's token (push
// notifications, GoPay Coins rewards, profile), and takes payments through
// Midtrans' BI-SNAP API (B2B token, payment-host-to-host with the PoP ID,
// status, cancel, refund, the signed /v1.0/debit/notify). Switchable
// faults (Faults) turn on real-world integration bugs.
//
// Config.QueueDelay (--queue-delay) turns it into the queue-based design
// many backends use: a debit notify is verified and checked in the
// request, acknowledged 2005600 at once, and booked by a worker a moment
// later that reads the order again, so the queue adds lag, never a second
// fulfilment or a shipped cancelled order; the pack passes either way.
//
// It imports nothing from uatrun: its signing code is its own, so it is a
// fair subject for the harness.
package gopayminishop

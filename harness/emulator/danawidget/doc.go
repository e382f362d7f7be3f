// Package danawidget emulates DANA's Widget API offline: account binding
// through the OAuth page (authCode and state back to the merchant's
// redirectUrl), Apply Token (authorization code and refresh), Apply OTT,
// Widget Payment with a hosted cashier that takes webRedirectUrl + ott,
// Query Payment, Cancel Order, Refund Order, Balance Inquiry, Query User
// Profile (a DANA Open API envelope), Account Unbinding and the Finish
// Notify, at the paths dana-go calls.
//
// It shares the BI-SNAP plumbing (codes and DANA's messages, the answer
// envelope, body checks, headers, RSA signatures, the X-EXTERNAL-ID
// memory, notify variants, signing and acknowledgement, the server
// lifecycle, the pages' login and style) with the Gapura emulator through
// harness/emulator/bisnap; its own notify variants are duplicate_key_body
// and late_paid (NotifyVariants lists them all). It keeps two clocks: the scenario's test clock
// for code, token, OTT and order lifetimes and notify retries, and the
// merchant's wall clock for X-TIMESTAMP, validUpTo and the times it reads.
//
// Every choice made where DANA is silent (lifetimes, messages for expired
// codes, the deny redirect, the cashier path, the Open API result codes)
// is listed with its source or "choice" in docs/emulators/dana-widget.md.
package danawidget

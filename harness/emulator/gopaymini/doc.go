// Package gopaymini emulates what a GoPay Mini App's backend talks to,
// offline: GoPay's mini-app back end and the Midtrans BI-SNAP payment
// APIs mini-app payments go through. GoPay has no sandbox or staging for
// mini apps (all testing points at production, and getAuthCode only works
// inside the GoPay app), so this emulator is where a mini-app backend can
// be tested before go-live.
//
// What is emulated:
//
//   - getAuthCode, played by the control API for a simulated user
//     (POST /_uatrun/users/{user}/auth_code, or Act auth_code): a single-use
//     code valid for six minutes on the scenario's test clock.
//   - POST /v1/mini-apps/authorizations/token: the code for the user's
//     access token and account id, authenticated with the mini-app
//     credential as HTTP Basic. Wrong or missing credential: 401. Expired,
//     reused or unknown code: 400 AUTH_CODE_EXPIRED / AUTH_CODE_USED /
//     INVALID_AUTH_CODE. Tokens never expire.
//   - The GoPay back-end APIs with the user's token: Get Profile (403
//     CONSENT_REQUIRED without consent), cashback of GoPay Coins from the
//     merchant's wallet (400 INSUFFICIENT_BALANCE; idempotent by
//     reference_id, 409 when a reference is reused for another amount),
//     create and remove reminders, push notifications from a template and
//     template_parameters.
//   - BI-SNAP payments: the B2B access token (RSA-SHA256 over
//     clientId|X-TIMESTAMP, 900 s on the test clock), payment-host-to-host
//     with the PoP ID in additionalInfo.popId and a 5-digit CHANNEL-ID,
//     status, cancel and refund (HMAC-SHA512 symmetric signatures over the
//     minified body), and the signed /v1.0/debit/notify to the merchant,
//     retried on the test clock until answered HTTP 200 2005600.
//   - The BI-SNAP notify variants of harness/emulator/bisnap, which also
//     holds the X-EXTERNAL-ID memory, notify signing and acknowledgement
//     and the server lifecycle this package shares with the DANA
//     emulators (NotifyVariants lists the variants).
//   - The page the payment deeplink opens, playing the GoPay app that
//     launchPayment opens: Pay, Fail or Abandon, then the redirect back to
//     the mini app's PAY_RETURN url with launchPayment's status.
//
// Both clocks: Options.Clock (the scenario's test clock) runs every gateway
// timer — validUpTo expiry, notify retries — and ages what a merchant may
// keep across scenarios (auth codes, B2B tokens) with clock.Stamp: their
// age is counted per test clock, and a call about a payment is judged on
// the clock of the scenario that created it, so one scenario moving its
// clock never expires a token another scenario uses. Options.Wall (the
// merchant's clock) judges X-TIMESTAMP and validUpTo, bounds the
// X-EXTERNAL-ID memory to its Jakarta day and stamps the notifies it
// sends.
//
// Every choice made where the public documentation is thin (error bodies
// and codes of the mini-app APIs, their field names, the PoP ID field, the
// notify acknowledgement) is listed with its option in
// docs/emulators/gopay-miniapp.md.
package gopaymini

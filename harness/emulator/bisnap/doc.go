// Package bisnap holds the BI-SNAP plumbing DANA's APIs share, lifted out
// of a single emulator so every DANA product (Gapura, Widget) frames its
// answers, validates bodies, checks headers and signs notifies the same
// way:
//
//   - Service and Reply: the 7-digit "<http><service><case>" codes, their
//     HTTP status, and the Invalid Mandatory Field / Invalid Field Format
//     messages every service answers; Wording, how a product's teaching
//     text echoes what the merchant sent.
//   - Checker: one pass over a JSON body that keeps the first missing,
//     badly formatted and out-of-range field, so answers follow DANA's
//     order (mandatory → format → rule) whatever the field order.
//   - Headers and Verify: mandatory SNAP headers, X-TIMESTAMP, and the
//     asymmetric (POST:path:sha256(minified body):timestamp) and
//     token (clientKey|timestamp) RSA-SHA256 signatures.
//   - SignNotify and SelfCheck: the signed headers a gateway sends with a
//     notify, and the check evidence records of what was really sent.
//
// Everything here is stateless; emulators keep their own state and clocks.
package bisnap

// Package bisnap holds what the BI-SNAP emulators (DANA Gapura, DANA
// Widget, GoPay Mini App via Midtrans BI-SNAP) share, written once so a
// fact about the protocol has one place and a gateway's difference is an
// explicit override in its own package:
//
//   - Variant (variant.go): the notify variants a scenario sends with
//     `notify: NAME`, each with one meaning, its params and its builder.
//     Common is the table every gateway sends; a gateway adds its own
//     (DANA's MalformedTimestamp, the Widget's duplicate_key_body) with
//     Variants, and exports the result (NotifyVariants) for validation.
//     Step and FinishStatus read a notify step's params.
//   - Service and Reply (reply.go, messages.go): the 7-digit
//     "<http><service><case>" codes, their HTTP status, DANA's
//     responseMessage for each (one table, from DANA's UAT fixtures;
//     Answer words a code from it), and Wording, how a product's teaching
//     text echoes what the merchant sent.
//   - Envelope (envelope.go): the answer body, the request fields DANA's
//     SDK requires back, and the X-Debug-Mode teaching text.
//   - Checker (check.go): one pass over a JSON body that keeps the first
//     missing, badly formatted and out-of-range field, so answers follow
//     DANA's order (mandatory → format → rule) whatever the field order.
//   - Headers and Verify (request.go): mandatory SNAP headers,
//     X-TIMESTAMP, and the asymmetric (POST:path:sha256(minified
//     body):timestamp) and token (clientKey|timestamp) RSA-SHA256
//     signatures of merchant calls.
//   - ExternalIDs (extid.go): the X-EXTERNAL-ID memory, per partner for
//     the day, bounded in count and bytes.
//   - SignNotify, SelfCheck, NotifyCallback and Acked (request.go,
//     deliver.go): the signed headers a gateway sends with a notify, the
//     check evidence records of what was really sent, and what
//     acknowledges it.
//   - Server (server.go): the HTTP lifecycle, gateway key and name every
//     emulator embeds, and the notify retry schedule.
//   - Pages (pages.go): DANA's sandbox login and page style, shared by
//     Gapura's hosted checkout and the Widget's OAuth page and cashier.
//   - Sandbox triggers (sandbox.go): DANA's magic values.
//
// Nothing here holds an order; emulators keep their own state and clocks.
package bisnap

// Package dana emulates DANA's Gapura Payment Gateway (BI-SNAP) offline, so
// that a merchant's real integration can point its DANA base URL at it and
// be tested without the sandbox.
//
// What is emulated:
//
//   - The five Gapura APIs at their exact paths: create order (service 54,
//     REDIRECT and API shapes), query payment (55), cancel (57), refund (58)
//     and consult pay (codes as DANA's fixtures show them: 2005700 and
//     40000xx). Unknown paths get a SNAP-shaped 404 that lists the real ones.
//   - DANA's validation order: mandatory headers → header formats →
//     signature → body mandatory fields → body formats → business rules.
//     The signature is checked over the minified received bytes, never a
//     re-serialisation. X-Debug-Mode: true adds additionalInfo.debugMessage
//     explaining each failure.
//   - A stateful order machine on an injected clock.Clock: INIT → SUCCESS,
//     CLOSED (expired at validUpTo or payment failed) or CANCELLED; refunds
//     tracked by amount; the 24 h cancel window; create and refund
//     idempotency.
//   - Signed Finish Notifies (service 56) to the NOTIFICATION url, minified
//     with sorted keys so dana-go's and dana-node's parsers verify them,
//     retried on the virtual clock until acknowledged with 2005600.
//   - Control actions for scenarios (Act: pay, fail, expire, respond_next,
//     notify with crafted variants, return_shopper), the same over HTTP
//     under /_uatrun/, and a hosted checkout page at /checkout/{referenceNo}.
//     The notify variants are the BI-SNAP table of harness/emulator/bisnap
//     plus DANA's malformed_timestamp (NotifyVariants lists them).
//
// What every BI-SNAP emulator shares — codes and DANA's messages, the
// answer envelope, body and header checks, signatures, the X-EXTERNAL-ID
// memory, notify signing and acknowledgement, the server lifecycle and
// the pages' login and style — lives in harness/emulator/bisnap; this
// package keeps Gapura's APIs, its orders and its checkout flow.
//   - DANA's sandbox triggers from its UAT script: cancel references
//     (2025700, 4035700, …), refund amounts (225800.00, 435815.00, …) and
//     the Query Payment serviceCode "AZ", each answered with its code
//     before any order lookup.
//   - Answers typed as DANA's SDK models them, so dana-go decodes every
//     2xx answer (statusDetail.frozen/cancelled are strings).
//   - Evidence: every exchange in both directions, redacted and bounded.
//
// Choices made where DANA's behaviour is not documented (each is listed,
// with the Options that change it, in docs/emulators/dana.md):
//
//   - Create-order idempotency compares the body re-encoded with sorted keys
//     and validUpTo removed; any other difference is 4045418.
//   - An expired or failed order reads 05/CLOSED (acquirementStatus CLOSED);
//     a merchant-cancelled one reads 05/CANCELLED. Refunds keep 00/SUCCESS
//     and show in amountDetail.refundAmount.
//   - A second cancel of a cancelled order answers 2005700 again; a paid
//     order can be cancelled while now - paidTime <= 24 h.
//   - Refunds beyond the paid amount answer 4035802 (seen only in DANA's IPG
//     fixtures).
//   - An X-PARTNER-ID other than Options.PartnerID answers
//     401<svc>00 "Unauthorized. Unknown X-PARTNER-ID"; a merchantId other
//     than Options.MerchantID answers 404<svc>08 Invalid Merchant.
//   - X-EXTERNAL-ID reuse within a Jakarta day is recorded as a violation
//     (Options.ExternalIDReuse "reject" answers 409<svc>00 Conflict).
//   - The notify retry schedule is ours (Options.NotifyRetry).
//   - validUpTo more than 30 minutes ahead of the wall clock is refused
//     with 4005401, as DANA's sandbox flow refuses it
//     (Options.ValidUpToMax; ProductionValidUpToMax is DANA's one week).
//   - A QRIS partnerReferenceNo over 25 characters is refused with
//     4005401 Invalid Field Format partnerReferenceNo (DANA documents the
//     limit, not the code).
//
// Not emulated: access tokens and the Widget/IPG APIs, notifies after a
// merchant cancel, the later final state of a 2025700/2025800 answer, QRIS
// and VA payment simulators beyond returning a paymentCode.
package dana

// Package purwantarashop is a small web shop that takes payments through
// Purwantara (virtual account, QRIS, OVO, ShopeePay, DANA, payment link
// and over-the-counter) the way a careful merchant does. uatrun tests it, and
// it is meant to be read: each rule below is one a real integration gets
// wrong, and each has a deliberate fault (see Faults) that breaks it, so a
// conformance run can show it catches the mistake.
//
// The shop shares no code with uatrun's harness: it checks webhook
// signatures with its own few lines of crypto/hmac, so a bug in the
// harness cannot hide behind the same bug here.
//
// What a careful merchant does, and why:
//
//   - Keep the two secrets apart. The API token (Settings > API) goes in
//     "Authorization: Bearer …" on every call, with "Accept:
//     application/json"; the team secret only verifies webhooks. Mixing
//     them up gets 401 Unauthenticated on every payment.
//   - Record the order before asking Purwantara to create the payment, with
//     a reference (external_id; order_id for QRIS) that is unique per order, so
//     that a webhook arriving before the create answer still finds it.
//   - Verify the webhook on its RAW bytes: Signature is the lowercase hex
//     HMAC-SHA256 of exactly the body received, keyed with the team secret,
//     compared in constant time. Never re-encode the parsed payload to
//     verify it: Purwantara encodes like PHP (escaped "/", \u escapes, its
//     own key order) and Go's encoding/json writes different bytes.
//   - A create succeeded only when Purwantara answers status 201 with
//     success true and a uuid; an inquiry or cancel answers 200. A refusal
//     is {"success":false,"error":{"code","message"}}: show the shopper an
//     error and keep no payable order.
//   - After the signature, check that the webhook is about a known order,
//     the same transaction (uuid) and the same amount.
//   - Act on the status, not on the fact that a webhook came: ACTIVE means
//     nothing happened yet, PAID pays, EXPIRED, FAILED and CANCELLED close a
//     pending order and never downgrade a paid one (webhooks can arrive out
//     of order).
//   - Answer every authentic webhook with a 2xx, including ones already
//     handled: Purwantara retries anything else, so duplicates are normal.
//     X-PPN-Delivery is logged and deduplicated, but fulfilment does not
//     rely on it: the same event can come again under a new delivery id.
//   - Fulfil exactly once, and let the database enforce it: the order
//     leaves 'pending' through a conditional UPDATE … WHERE
//     status='pending', and fulfilments are UNIQUE per order.
//   - When a webhook never comes, reconcile: ask the channel's inquiry
//     endpoint and apply its status through the same exactly-once path.
//
// Config.QueueDelay (--queue-delay) turns it into the queue-based design
// many shops use: a webhook is authenticated and checked in the request,
// answered 200 at once, and booked by a worker a moment later that
// re-reads the order. The exactly-once rules stay in the database, so the
// queue adds lag, never a second fulfilment or a shipped cancelled order;
// the pack passes either way.
//
// The shop is a library first (uatrun's demo runs it in-process) and a
// command second (cmd/purwantara-shop).
package purwantarashop

// Package astapashop is a small web shop that takes payments through
// Astapa shop payments the way a careful merchant does. uatrun tests it,
// and it is meant to be read: each rule below is one a real integration
// gets wrong, and each has a deliberate fault (see Faults) that breaks it.
//
// The shop shares no code with uatrun's harness.
//
// What a careful merchant does, and why:
//
//   - Create payments from the server only: client_secret travels in the
//     JSON body and must never reach a browser. amount is an integer of
//     rupiah; order_id is new for every checkout; buyer_email is required.
//   - Record the order before creating the payment, so the webhook always
//     finds it; a 4xx answer means it never existed and it is forgotten.
//   - Astapa's item.purchased webhook carries no signature. Treat it as a
//     hint: before fulfilling, ask GET /api/platform/shop-payment/verify
//     (status settlement) and check the amount. A forged webhook for an
//     unpaid order then changes nothing.
//   - Answer 2xx once the order is paid (new or already handled) so Astapa
//     stops retrying; answer 409 while verify still says pending, so a
//     webhook that raced its own settlement is retried.
//   - Fulfil exactly once, enforced by the database: a conditional UPDATE
//     from 'pending' and a UNIQUE fulfilment per order.
//   - Cancel, expire and refund reach the shop only through verify (Astapa
//     sends no webhook for them): reconcile pending and paid orders.
//
// Config.QueueDelay (--queue-delay) turns it into the queue-based design
// many shops use: item.purchased is checked and confirmed with verify in
// the request, answered 200 at once, and booked by a worker a moment later
// that re-reads the order. The exactly-once rules stay in the database, so
// the queue adds lag, never a second fulfilment or a shipped cancelled
// order; the pack passes either way.
//
// The shop is a library first (uatrun's demo runs it in-process) and a
// command second (cmd/astapa-shop).
package astapashop

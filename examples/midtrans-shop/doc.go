// Package midtransshop is a small web shop that takes payments through
// Midtrans Snap the way a careful merchant does. uatrun tests it, and it is
// meant to be read: each rule below is one a real integration gets wrong,
// and each has a deliberate fault (see Faults) that breaks it, so a
// conformance run can show it catches the mistake.
//
// The shop shares no code with uatrun's harness: it speaks Snap and the
// Core API with net/http and checks signatures with crypto/sha512.
//
// What a careful merchant does, and why:
//
//   - Authenticate every server-side call with HTTP Basic, username = the
//     server key, empty password. The client key belongs in the browser.
//   - Send gross_amount as an integer number of rupiah, with item_details
//     that add up to it; keep money as integers inside the shop too.
//   - Record the order before asking Midtrans for a Snap token, so that any
//     notification finds it. A 4xx means the transaction never existed and
//     the order is forgotten; no answer or a 5xx leaves it for reconcile.
//   - Every checkout gets a new random order_id: Midtrans never accepts
//     one twice.
//   - Only a verified notification, or a status query, can mark an order
//     paid. The finish redirect's transaction_status=settlement is typed by
//     the shopper's browser and proves nothing.
//   - Verify signature_key = SHA-512(order_id + status_code + gross_amount
//   - server key) over the strings exactly as received ("15000.00", not
//     the shop's own 15000), in constant time; then check the order exists
//     and gross_amount matches it.
//   - Paid means settlement, or capture with fraud_status accept. Pending
//     means the shopper chose a method and has not paid. Deny, cancel,
//     expire and failure close a pending order and never touch a paid one,
//     because notifications arrive late and out of order.
//   - Answer 200 to every notification handled or already handled;
//     Midtrans retries anything else, so duplicates are normal.
//   - Fulfil exactly once, enforced by the database: a conditional UPDATE
//     from 'pending' and a UNIQUE fulfilment per order.
//   - Cancel through Midtrans and believe its answer (a settled order
//     cannot be cancelled; refund it). Refund no more than what remains,
//     checked by the database in the statement that reserves it, and retry
//     a refund that got no answer with the SAME refund_key.
//   - When a notification never comes, reconcile with GET /v2/{id}/status
//     and apply the answer through the same exactly-once path.
//
// Config.QueueDelay (--queue-delay) turns it into the queue-based design
// many shops use: a notification is acknowledged once authenticated and
// booked by a worker a moment later. The exactly-once rules stay in the
// database, so the queue adds lag, never a second fulfilment; the pack
// passes either way.
//
// The shop is a library first (uatrun's demo runs it in-process) and a
// command second (cmd/midtrans-shop).
package midtransshop

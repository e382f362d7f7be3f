// Package shop is a small web shop that takes payments through DANA Gapura
// Hosted Checkout the way a careful merchant does. uatrun tests it, and it
// is meant to be read: each rule below is one a real integration gets
// wrong, and each has a deliberate fault (see Faults) that breaks it, so a
// conformance run can show it catches the mistake.
//
// The shop shares no code with uatrun's harness: it signs and verifies with
// its own few lines of standard library (crypto/rsa, crypto/sha256,
// encoding/json), so a bug in the harness cannot hide behind the same bug
// here.
//
// What a careful merchant does, and why:
//
//   - Sign exactly what you send. X-SIGNATURE is RSA-SHA256 over
//     POST:<relative path>:<hex sha256 of the body bytes>:<X-TIMESTAMP>.
//     The relative path has no host; X-TIMESTAMP is Jakarta time with a
//     literal +07:00; X-EXTERNAL-ID is new for every request.
//   - Amounts are strings with two decimals ("15000.00") and are kept as
//     integer sen inside the shop, never as floats.
//   - Record the order before asking DANA to create it, so that anything
//     DANA later says about it finds it. Only 2005400 creates it. A 4xx
//     answer means the order never existed and it is forgotten; no answer or a 5xx means "unknown", and
//     the create is retried once with the same partnerReferenceNo and the
//     same body, which DANA treats as the same order.
//   - Only DANA's signed Finish Notify, or a signed Query Payment, can mark
//     an order paid. The PAY_RETURN page the shopper's browser lands on
//     proves nothing, and neither do result parameters in its URL: anyone
//     can open it and type them.
//   - Verify the notify on its raw bytes before parsing: minify, hash,
//     check the signature with DANA's public key, reject timestamps more
//     than five minutes away (a captured notify cannot be replayed
//     tomorrow), then check the order exists and the amount and currency
//     match it.
//   - Acknowledge with HTTP 200 and responseCode 2005600 both new and
//     already-handled notifies. DANA retries until it sees that answer, so
//     duplicates are normal; refusing them would make DANA retry forever.
//   - Fulfil exactly once, and let the database enforce it: the order
//     leaves 'pending' through a conditional UPDATE … WHERE
//     status='pending', and fulfilments are UNIQUE per order. Fifty copies
//     of the same notify arriving at once ship one parcel.
//   - DANA's sandbox answers the first notify of an 11012.00 order with
//     5005601 by convention; the shop answers it that way having changed
//     nothing, and fulfils on the retry. Never act first and then fail.
//   - A 05 notify (expired) closes a pending order; it never downgrades a
//     paid one, because messages can arrive out of order.
//   - Cancel asks DANA and believes it: only 2005700 cancels. After 24 h DANA answers
//     4035700 and the paid order stays paid.
//   - Refund no more than was paid minus what is refunded or in flight,
//     checked by the database in the same statement that reserves it;
//     retry a refund that got no answer with the SAME partnerRefundNo, and
//     book it only when DANA answers 2005800.
//   - When a notify never comes, reconcile: Query Payment and apply the
//     answer (00 paid, 05 closed) through the same exactly-once path.
//
// Config.QueueDelay (--queue-delay) turns it into the queue-based design
// many shops use: a Finish Notify is authenticated and checked in the
// request, acknowledged 2005600 at once, and booked by a worker a moment
// later that re-reads the order. The exactly-once rules stay in the
// database, so the queue adds lag, never a second fulfilment or a shipped
// cancelled order; the pack passes either way.
//
// The shop is a library first (uatrun's demo command runs it in-process)
// and a command second (cmd/shop).
package shop

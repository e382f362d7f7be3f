// Package midtrans emulates Midtrans Snap and the Core API transaction
// endpoints offline, so that a merchant's real integration (for example
// one built on the official midtrans-go client) can point its Midtrans
// base URLs at it and be tested without the sandbox.
//
// What is emulated:
//
//   - Snap: POST /snap/v1/transactions answers HTTP 201 with a UUID token
//     and a redirect_url to a hosted payment page on the emulator; errors
//     are {"error_messages":[…]}. A used order_id is refused with HTTP 400
//     "transaction_details.order_id sudah digunakan" unless its transaction
//     expired or was cancelled; POST /snap/v1/transactions/{token}/cancel
//     closes an unchosen Snap session.
//   - Core API: GET /v2/{id}/status, POST /v2/{id}/cancel, /expire,
//     /refund (and /refund/online/direct), by order_id or transaction_id,
//     answering {"status_code","status_message",…} with status_code always
//     a JSON string (midtrans-go type-asserts it) and money as "10000.00".
//   - HTTP Basic authentication with the server key on every call; a
//     missing, client or wrong key is 401 in Midtrans' shape. The check is
//     recorded as the call's Signature (scheme AuthScheme).
//   - A transaction state machine on an injected clock.Clock. A Snap
//     transaction is unknown to the Core API (404) until the shopper
//     chooses a payment method; then pending → settlement | deny (another
//     try may follow in the same Snap session) | capture with
//     fraud_status challenge (approve / deny) | cancel | expire;
//     settlement → partial_refund → refund. Refunds only for the payment
//     types each refund endpoint supports (414 above what remains or for a
//     partial ShopeePay/OVO refund; a direct refund may be denied, 202).
//     The page expires by page_expiry, expiry or DefaultExpiry; the
//     payment window per method counts from the shopper's choice. A card
//     payment is captured (fraud accept) and settles later. Notifications
//     carry the channel's fields; each refund is notified twice, the
//     second with bank_confirmed_at.
//   - Pending refunds: after refund_pending a refund call answers
//     status_code 201 and moves no money; it settles settle_after later on
//     the test clock, or on refund_settle, and is then notified (refund or
//     partial_refund, status_code 200, with refund_amount and refunds[]).
//   - HTTP notifications to the dashboard's Payment Notification URL
//     (Options.NotifyURL), replaced by X-Override-Notification or extended
//     by X-Append-Notification, signed with signature_key =
//     SHA-512(order_id + status_code + gross_amount + server key), retried
//     on the test clock by Midtrans' published policy (DefaultNotifyRetry,
//     retriesFor), 307/308 followed with the same POST. Cancel, expire,
//     refund, approve and deny calls are notified EventNotifyDelay later.
//   - Control actions (Act: choose, pay, deny, expire, challenge, accept, respond_next, notify
//     with crafted variants, return_shopper, refund_pending, refund_settle), the same over HTTP under
//     /_uatrun/, and evidence of every exchange, redacted and bounded.
//
// Choices made where Midtrans' behaviour is not documented (each is listed
// in docs/emulators/midtrans.md):
//
//   - EventNotifyDelay (5 s) between a merchant's cancel, expire or refund
//     call and its notification; refunds are approved at once unless a
//     scenario asks for a pending one, whose status_message wording is a
//     choice and which the status API lists only once settled.
//   - DefaultExpiry (24 h) when the request has no expiry; the expiry
//     notification carries status_code 202 while the status API answers
//     407 for the same expired transaction, as Midtrans' samples show.
//   - Cancel is allowed only while pending (412 otherwise); refunds only
//     after settlement, and a refund_key reused with a different amount
//     is 406. BankConfirmDelay and CardSettlement are choices.
//   - Snap refuses an order_id once its shopper chose a method (before
//     that, a new token replaces the old one, as Midtrans documents).
//   - Retries carry no random shift; only 2xx acknowledges.
//   - One truth per order: a retry, or a notification due after a Core
//     API call, goes out only while GET /v2/{id}/status still answers its
//     transaction_status and fraud_status; valid, duplicate and concurrent
//     bring the transaction to the status they report first.
//   - A transaction paid without a chosen method reads payment_type
//     bank_transfer with a BCA virtual account.
//
// Not emulated: Core API charge and capture, card tokens, pending
// refunds that are later declined, settlement reversals, the Iris and
// BI-SNAP APIs.
package midtrans

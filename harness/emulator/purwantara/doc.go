// Package purwantara emulates Purwantara's payment API offline, so that a
// merchant's real integration can point its Purwantara base URL at it and
// be tested without the sandbox, including its webhook handler.
//
// What is emulated:
//
//   - POST /v1/{channel} for virtual-account, qris, ewallet/ovo,
//     ewallet/shopeepay, payment-link, counter and ewallet/dana,
//     authenticated with "Authorization: Bearer <API token>" (missing,
//     malformed or wrong → 401); a create answers status 201 (HTTP and
//     body), as Purwantara's own API monitor expects; the status inquiries
//     GET /v1/{channel}/inquiry/{uuid} (GET /v1/payment-link/{uuid}) and
//     POST /v1/virtual-account/cancel/{uuid} (data.message added) and the
//     lists GET /v1/{virtual-account,qris,counter}/list, the routes of
//     Purwantara's own PHP client. Unknown paths get a 404 that lists the
//     real ones.
//   - Answers in the envelope that client reads: {"status","success","data"};
//     errors as {"status","success":false,"error":{"code","message"}}
//     (code a string; the values are ours, Options.ErrorCodes); validation
//     failures are 422 with every invalid field's message at once.
//   - A lifecycle on an injected clock.Clock: ACTIVE → PAID, FAILED,
//     EXPIRED (at the requested or default expiry) or CANCELLED (virtual
//     accounts only), and the payment simulator that moves it: Act pay,
//     fail, expire; POST /_uatrun/transactions/{uuid}/{action}; and a
//     simulator page at /simulator/{uuid}, which payment_link_url, qr_url
//     and checkout_url point at.
//   - The shopper's return: Act return_shopper GETs the return_url
//     (payment link, ShopeePay) or pay_return (DANA) the merchant sent, as
//     the browser would, optionally with forged success parameters; it
//     changes nothing and sends no webhook.
//   - Webhooks to the team Callback URL on every change (creation
//     included), with Signature = lowercase hex HMAC-SHA256 of the payload
//     keyed with the team secret, X-PPN-Delivery, User-Agent: PPN-WH,
//     Accept: */*. The payload is encoded as PHP's json_encode does —
//     escaped slashes, \uXXXX for non-ASCII, no whitespace, fixed key order
//     — so a verifier that hashes the raw body and one that re-encodes the
//     parsed payload (Purwantara's own PHP example) both match (spec §3 ❗).
//     Unacknowledged webhooks are retried on the virtual clock.
//   - Adversarial webhooks (Act notify, variant=): valid, wrong_secret,
//     tampered_amount, missing_signature, redelivery (same X-PPN-Delivery,
//     same bytes), new_delivery_id (same event, a new delivery id).
//   - respond_next injects an error answer (401, 422, 500, …) for the next
//     call(s) to an API; set_callback_url sets the team Callback URL.
//   - Evidence: every exchange in both directions, the token and the
//     webhook secret redacted, bodies bounded.
//
// Choices made where Purwantara's behaviour is not published (each is
// also listed in docs/emulators/purwantara.md with the option that
// changes it):
//
//   - The API token is config gateway.server_key and the webhook secret is
//     gateway.client_secret; they must differ. A merchant that sends the
//     webhook secret as its Bearer token is told so in the evidence.
//   - Request field names per channel follow Purwantara's PHP client and
//     its tests: expected_amount/external_id/bank/name/expired_at (virtual
//     account), amount/order_id/payment_channel (QRIS),
//     amount/order_id/customer_phone (OVO), amount/order_id (ShopeePay),
//     amount/title/external_id/expires_at/return_url (payment link),
//     expected_amount/external_id/name/payment_channel/expired_at
//     (counter). A reference already used on the same channel (the same
//     bank for virtual accounts, the same acquirer for QRIS, as
//     Purwantara's API monitor expects) is a 422 "has already been taken".
//   - Statuses other than ACTIVE (PAID, EXPIRED, FAILED, CANCELLED) are
//     ours. settle_at stays null: settlement is not emulated.
//   - The webhook payload keeps the published sample's keys and order
//     (uuid, event{meta{customer_phone}, type, channel}, title, amount with
//     4 decimals, status, paid_at, settle_at, channel_id, created_at,
//     expires_at, return_url, description, external_id) for every channel,
//     and appends the channel's instrument (va_number, qr_string,
//     checkout_url, payment_link_url, payment_code). A QRIS order_id is
//     reported as external_id. event.meta is never empty,
//     because PHP re-encodes an empty object as [] and would break
//     re-encoding verifiers.
//   - channel_id is 8 for OVO (published); the other ids are ours. An
//     unpaid payment link's event.channel and channel_id are OVO and 8, as
//     in the published sample of an ACTIVE link; pay's channel param
//     (default OVO) says how it was paid.
//   - Any 2xx answer acknowledges a webhook. Retries (Options.NotifyRetry,
//     default 1m, 5m, 15m, 1h, 6h, 24h) resend the same bytes with the same
//     X-PPN-Delivery; redelivery does the same on demand.
//   - A transaction created without an expiry lasts Options.Expiry (24 h).
//     An expiry more than Options.MaxValidity (30 days) ahead is accepted
//     and recorded as a violation.
//   - A missing "Accept: application/json" is recorded as a violation.
//
// Not emulated: list paging (a list carries the newest ListLimit),
// settlement and disbursement, card payments, real VA numbers or scannable
// QR codes (use the simulator), and any per-request callback URL.
package purwantara

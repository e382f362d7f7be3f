// Package astapa emulates Astapa's shop payments (a Midtrans payment
// behind Astapa's own API) offline, so a merchant's integration can point
// its Astapa base URL at it and be tested without the sandbox.
//
// What is emulated:
//
//   - POST /api/platform/shop-payment with client_id and client_secret in
//     the JSON body (the secret is registered with the Redactor and never
//     reaches evidence), amount an integer of rupiah, a unique order_id
//     and buyer_email; it answers invoice_url, order_id and purchase_id.
//   - GET /api/platform/shop-payment/verify?order_id= (public): status
//     pending | settlement | cancel | expire | refund, store_name, and
//     redirect_url when metadata.store_slug was given.
//   - The item.purchased webhook (the published sample's keys in its
//     order; item_id "__direct__", the merchant's metadata echoed, amount
//     an integer, paid_at ISO-8601 UTC) to the
//     project webhook URL on settlement, retried on the virtual clock until
//     answered 2xx. It is unsigned, as Astapa documents nothing else, so a
//     careful merchant confirms with verify before fulfilling.
//   - Control actions (pay, cancel, expire, refund, respond_next, notify
//     with crafted variants valid, duplicate, concurrent, forged,
//     wrong_amount, unknown_order), the same under /_uatrun/, an invoice
//     page standing in for the Midtrans payment UI, and the buyer's
//     /purchase/callback landing page (it reloads every 3 s for up to 60 s
//     while pending, then returns to the store when store_slug was given).
//   - A create sent from a browser (Origin or Sec-Fetch-Mode) is answered
//     and recorded as a violation: Astapa says server-side only.
//
// Choices made where Astapa is silent (each in docs/emulators/astapa.md):
// the error shape ({"error","message"}, 401 credentials, 422 validation
// with "errors" per field, 409 duplicate order_id, 404 unknown verify),
// HTTP 200 on create, a 24 h expiry, an amount sent as a string (even
// "15000") is refused, the purchase_id format, the webhook retry schedule
// (DefaultWebhookRetry), and no webhook for cancel, expire or refund.
package astapa

#!/usr/bin/env node
'use strict';
// node-shop: a small web shop that takes payments through DANA Gapura
// Hosted Checkout the way a careful merchant does, in Node.js with the
// standard library only. It is the Node twin of examples/shop (Go): same
// HTTP API, same rules, so the same uatrun config drives both.
//
//   node server.js --gateway-url http://127.0.0.1:9080 \
//     --partner-id uatrun-demo-partner --merchant-id 216620000000000000000 \
//     --private-key keys/merchant.pem --gateway-public-key keys/gateway.pub.pem \
//     --db node-shop.json
//
// What a careful merchant does, and why (each rule is one real integrations
// get wrong; README.md maps them to uatrun's scenarios):
//   - Sign exactly what you send (dana.js). X-TIMESTAMP is Jakarta time with
//     a literal +07:00; X-EXTERNAL-ID is new for every request.
//   - Record the order before asking DANA to create it, so that anything DANA
//     later says about it finds it. A 4xx means the order never existed; no
//     answer or a 5xx means "unknown", and the create is retried once with
//     the same partnerReferenceNo and the same bytes.
//   - Only a verified Finish Notify or a signed Query Payment marks an order
//     paid. The PAY_RETURN page proves nothing: anyone can open it.
//   - Verify the notify on its raw bytes before parsing, then check the order
//     and the amount, and only then change state.
//   - Acknowledge new and already-handled notifies alike with 2005600: DANA
//     retries until it sees it.
//   - Fulfil exactly once (store.js), never refund more than was paid, retry
//     a refund with the SAME partnerRefundNo, believe DANA about cancels.

const http = require('node:http');
const fs = require('node:fs');
const crypto = require('node:crypto');
const { parseArgs } = require('node:util');
const dana = require('./dana');
const db = require('./store');

// Deliberate integration bugs, switched on with --fault NAME, so a uatrun
// run can be seen to catch a broken Node merchant. The default is correct.
const FAULTS = {
  'notify-no-verify': 'accepts Finish Notify without checking X-SIGNATURE or X-TIMESTAMP, '
    + 'so anyone who can reach the shop can mark orders paid',
  'notify-double-fulfil': 'fulfils on every valid 00 notify with no exactly-once guard, '
    + "so DANA's retries and duplicates ship the goods twice",
  'trust-return-redirect': 'marks the order paid and fulfils when the shopper lands on PAY_RETURN, '
    + 'which anyone can open without paying',
};

// The shop's own API takes tiny JSON bodies; a real Finish Notify is about
// one kilobyte. Both are read in full before anything is known about the
// sender, so both are bounded.
const MAX_REQUEST_BODY = 16 << 10;
const MAX_NOTIFY_BODY = 64 << 10;
// How far a notify's X-TIMESTAMP may be from the shop's clock: it limits how
// long a captured notify can be replayed.
const NOTIFY_SKEW_MS = 5 * 60 * 1000;
// A slow warehouse must not eat DANA's 8 s notify budget.
const WEBHOOK_TIMEOUT_MS = 3000;
// What the shop generates; anything else cannot be one of its orders.
const ORDER_ID = /^[A-Za-z0-9._-]{1,64}$/;

// ---------------------------------------------------------------- logging

// Operational logs go to stderr, one line each. Never keys or signatures.
function logger(level) {
  return (msg, fields = {}) => process.stderr.write(
    `${new Date().toISOString()} ${level} ${msg}${Object.keys(fields).length ? ' ' + JSON.stringify(fields) : ''}\n`);
}
const log = { info: logger('INFO'), warn: logger('WARN'), error: logger('ERROR') };

// ------------------------------------------------------------ HTTP helpers

class HTTPError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function sendJSON(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

// readBody reads the raw request body, at most limit bytes. A larger body is
// refused without reading the rest, and the connection is closed after the
// answer so the rest is never read either.
function readBody(req, res, limit) {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      res.setHeader('Connection', 'close');
      reject(new HTTPError(413, `body is larger than ${limit} bytes`));
    };
    if (Number(req.headers['content-length']) > limit) return tooLarge();
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        tooLarge();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// readJSON reads the shop API's JSON object body; an empty body is {}.
async function readJSON(req, res) {
  const raw = await readBody(req, res, MAX_REQUEST_BODY);
  if (raw.length === 0) return {};
  let v;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HTTPError(400, `body must be a JSON object: ${err.message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HTTPError(400, 'body must be a JSON object');
  return v;
}

function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ------------------------------------------------------------ Finish Notify

// A SNAP-style reply: HTTP status plus responseCode/responseMessage.
const snap = (status, code, message) => ({ status, code, message });
const ACK = snap(200, '2005600', 'Successful');
const UNAUTHORIZED = snap(401, '4015600', 'Unauthorized. Invalid Signature');
const NOT_FOUND = snap(404, '4045601', 'Transaction Not Found');
const SERVER_ERROR = snap(500, '5005601', 'Internal Server Error');
const badFormat = (field) => snap(400, '4005601', `Invalid Field Format ${field}`);
const missingField = (field) => snap(400, '4005602', `Invalid Mandatory Field ${field}`);

// ---------------------------------------------------------------- the shop

class Shop {
  constructor(cfg) {
    this.cfg = cfg;
    this.faults = new Set(cfg.faults);
    this.store = new db.Store(cfg.db);
    this.gatewayKey = dana.loadPublicKey(fs.readFileSync(cfg.gatewayPublicKey));
    this.dana = new dana.Client({ baseURL: cfg.gatewayURL, partnerID: cfg.partnerID,
      privateKey: dana.loadPrivateKey(fs.readFileSync(cfg.privateKey)), log });
    this.publicURL = cfg.publicURL.replace(/\/+$/, '');
  }

  // loadOrder answers 404 itself (by throwing) when the order does not exist.
  loadOrder(id) {
    const o = ORDER_ID.test(id) ? this.store.order(id) : null;
    if (!o) throw new HTTPError(404, 'order not found');
    return o;
  }

  // POST /checkout {amount, title}: create the order locally, then at DANA,
  // and hand the shopper's browser the webRedirectUrl. Never marks paid.
  async checkout(req, res) {
    const input = await readJSON(req, res);
    const sen = dana.parseUserAmount(input.amount);
    if (sen === null) throw new HTTPError(400, 'amount must be a positive decimal string such as "15000.00"');
    const title = (typeof input.title === 'string' && input.title.trim()) || 'Order from the uatrun node shop';
    if (title.length > 64) throw new HTTPError(400, 'title must be at most 64 characters');
    // partnerReferenceNo: random, so it never collides, and 24 characters,
    // inside even QRIS's 25-character limit.
    const id = 'ORD-' + crypto.randomBytes(10).toString('hex');
    await this.store.update((d) => db.insertOrder(d, { id, title, amount: sen }));

    const body = Buffer.from(JSON.stringify({
      partnerReferenceNo: id,
      merchantId: this.cfg.merchantID,
      amount: dana.money(sen), // "15000.00": two decimals or DANA answers 4005401
      // DANA's sandbox default: the shopper has half an hour to pay.
      validUpTo: dana.timestamp(Date.now() + 30 * 60 * 1000),
      urlParams: [
        { url: `${this.publicURL}/return?order=${encodeURIComponent(id)}`, type: 'PAY_RETURN', isDeeplink: 'N' },
        { url: this.publicURL + dana.PATHS.notify, type: 'NOTIFICATION', isDeeplink: 'N' },
      ],
      additionalInfo: {
        mcc: '5732',
        envInfo: { sourcePlatform: 'IPG', terminalType: 'SYSTEM' },
        order: { orderTitle: title, scenario: 'REDIRECT' }, // REDIRECT = DANA's hosted checkout page
      },
    }));
    // The call is not tied to the shopper's connection: closing the tab must
    // not abandon a payment call half-way.
    let ans;
    try {
      ans = await this.dana.call(dana.PATHS.create, body);
    } catch (err) {
      if (!(err instanceof dana.NoAnswer)) throw err;
      log.warn('create order got no answer; order stays pending', { order: id, err: err.message });
      return sendJSON(res, 502, { error: 'DANA did not answer; the order stays pending until reconciled', order_id: id });
    }
    if (ans.responseCode !== '2005400') {
      // A 4xx is a definite "no": the order never existed at DANA. A 5xx is
      // "don't know", so the pending order stays for reconcile and notifies.
      if (!dana.serverError(ans)) await this.store.update((d) => db.forgetOrder(d, id));
      return sendJSON(res, 502, { error: `DANA refused the order: ${ans.responseMessage}`, gateway_code: ans.responseCode });
    }
    await this.store.update((d) => db.setReference(d, id, String(ans.referenceNo || '')));
    if (!ans.webRedirectUrl) {
      return sendJSON(res, 502, { error: 'DANA created the order but sent no webRedirectUrl', gateway_code: ans.responseCode });
    }
    sendJSON(res, 200, { order_id: id, reference_no: ans.referenceNo, redirect_url: ans.webRedirectUrl, status: 'pending' });
  }

  // GET /orders/:id
  getOrder(req, res, id) {
    const o = this.loadOrder(id);
    sendJSON(res, 200, { order_id: o.id, status: o.status, amount: dana.formatAmount(o.amount),
      refunded: dana.formatAmount(o.refunded), fulfilments: o.fulfilments, reference_no: o.reference_no });
  }

  // POST /orders/:id/cancel {reason}: ask DANA and believe only its 2005700.
  // Unpaid orders cancel, paid ones within 24 h; after that DANA's 4035700
  // means the shopper's money stays with the shop, so the order stays paid.
  async cancel(req, res, id) {
    const input = await readJSON(req, res);
    const o = this.loadOrder(id);
    if (o.status === 'cancelled') return sendJSON(res, 200, { status: 'cancelled' }); // twice is not an error
    if (o.status === 'expired') {
      return sendJSON(res, 409, { error: 'order expired; there is nothing to cancel', status: o.status });
    }
    const reason = (typeof input.reason === 'string' && input.reason.trim()) || 'Cancelled by merchant';
    if (reason.length > 256) throw new HTTPError(400, 'reason must be at most 256 characters');
    const body = Buffer.from(JSON.stringify({ originalPartnerReferenceNo: o.id, merchantId: this.cfg.merchantID, reason }));
    let ans;
    try {
      // Not retried: DANA documents no idempotency rule for cancel.
      ans = await this.dana.post(dana.PATHS.cancel, body);
    } catch (err) {
      if (!(err instanceof dana.NoAnswer)) throw err;
      return sendJSON(res, 502, { error: 'DANA did not answer the cancel', status: o.status });
    }
    if (ans.responseCode === '2005700') {
      await this.store.update((d) => db.markCancelled(d, o.id));
      return sendJSON(res, 200, { status: 'cancelled' });
    }
    if (ans.responseCode === '2025700') {
      // Accepted, not done: the order is not cancelled until DANA says so.
      return sendJSON(res, 202, { status: o.status, gateway_code: ans.responseCode });
    }
    sendJSON(res, 409, { error: `DANA refused the cancel: ${ans.responseMessage}`, gateway_code: ans.responseCode, status: o.status });
  }

  // POST /orders/:id/refund {amount, reason}. The order of events is what
  // makes it safe: reserve the amount (refused beyond paid − refunded − in
  // flight), send it under a new partnerRefundNo, resend THE SAME bytes if
  // DANA does not answer, then record what DANA said. A refund whose outcome
  // is unknown stays reserved until a person resolves it.
  async refund(req, res, id) {
    const input = await readJSON(req, res);
    const sen = dana.parseUserAmount(input.amount);
    if (sen === null) throw new HTTPError(400, 'amount must be a positive decimal string such as "5000.00"');
    const reason = (typeof input.reason === 'string' && input.reason.trim()) || 'Refund by merchant';
    if (reason.length > 256) throw new HTTPError(400, 'reason must be at most 256 characters');
    const o = this.loadOrder(id);
    const refundNo = 'RFD-' + crypto.randomBytes(10).toString('hex');
    const reserved = await this.store.update((d) => db.reserveRefund(d, o.id, refundNo, sen));
    if (!reserved) {
      return sendJSON(res, 422, { error: 'refund exceeds what was paid and not yet refunded',
        refundable: dana.formatAmount(db.refundable(this.store.state, o.id)), status: o.status });
    }
    const body = Buffer.from(JSON.stringify({ originalPartnerReferenceNo: o.id, merchantId: this.cfg.merchantID,
      partnerRefundNo: refundNo, refundAmount: dana.money(sen), reason }));
    let ans = null;
    let noAnswer = null;
    try {
      ans = await this.dana.call(dana.PATHS.refund, body);
    } catch (err) {
      if (!(err instanceof dana.NoAnswer)) throw err;
      noAnswer = err;
    }
    let state = 'failed';
    if (noAnswer || dana.serverError(ans)) state = 'unknown';
    else if (ans.responseCode === '2005800') state = 'done';
    else if (ans.responseCode === '2025800') state = 'in_progress';
    await this.store.update((d) => (state === 'done' ? db.settleRefund(d, refundNo) : db.setRefundState(d, refundNo, state)));

    const now = this.store.order(o.id);
    const out = { refund_id: refundNo, status: now.status, refunded: dana.formatAmount(now.refunded) };
    if (noAnswer) {
      return sendJSON(res, 502, { ...out, error: "DANA did not answer; the refund's outcome is unknown and stays reserved" });
    }
    if (state === 'done') return sendJSON(res, 200, out);
    if (state === 'in_progress') return sendJSON(res, 202, { ...out, gateway_code: ans.responseCode }); // accepted, not yet done
    const error = state === 'unknown'
      ? `DANA failed twice (${ans.responseMessage}); the refund's outcome is unknown and stays reserved`
      : `DANA refused the refund: ${ans.responseMessage}`;
    sendJSON(res, 502, { ...out, gateway_code: ans.responseCode, error });
  }

  // POST /orders/:id/reconcile: ask DANA (Query Payment) for the truth and
  // apply it through the same exactly-once paths a notify uses. This is how
  // a careful merchant recovers a notify that never arrived; run it from a
  // job for orders pending too long.
  async reconcile(req, res, id) {
    const o = this.loadOrder(id);
    const body = Buffer.from(JSON.stringify({ originalPartnerReferenceNo: o.id, merchantId: this.cfg.merchantID, serviceCode: '54' }));
    let ans;
    try {
      ans = await this.dana.call(dana.PATHS.query, body); // a query changes nothing: retrying is safe
    } catch (err) {
      if (!(err instanceof dana.NoAnswer)) throw err;
      return sendJSON(res, 502, { error: 'DANA did not answer the query', status: o.status });
    }
    if (ans.responseCode !== '2005500') {
      return sendJSON(res, 502, { error: `DANA refused the query: ${ans.responseMessage}`, gateway_code: ans.responseCode, status: o.status });
    }
    if (ans.latestTransactionStatus === '00') {
      if (ans.amount && !dana.sameMoney(ans.amount, o.amount)) {
        return sendJSON(res, 502, { error: `DANA reports ${ans.amount.value} ${ans.amount.currency}, the order is IDR ${dana.formatAmount(o.amount)}`, status: o.status });
      }
      await this.applyPaid(o.id);
    } else if (ans.latestTransactionStatus === '05') {
      const closed = ans.additionalInfo?.statusDetail?.acquirementStatus === 'CANCELLED' ? 'cancelled' : 'expired';
      const changed = await this.store.update((d) => db.closePending(d, o.id, closed));
      if (!changed && o.status === 'paid') log.warn('DANA reports a paid order as closed', { order: o.id });
    } // 01 initiated, 02 paying, ...: nothing to do yet
    sendJSON(res, 200, { status: this.store.order(o.id).status, gateway_status: ans.latestTransactionStatus });
  }

  // GET /return?order=ID is PAY_RETURN, where DANA sends the shopper's
  // browser. Anyone can open this URL, paid or not, so it only SHOWS state.
  async returnPage(req, res, url) {
    const id = url.searchParams.get('order') || '';
    let o = ORDER_ID.test(id) ? this.store.order(id) : null;
    if (o && this.faults.has('trust-return-redirect')) {
      await this.applyPaid(o.id);
      o = this.store.order(id);
    }
    let html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Order ${escapeHTML(id)}</title></head>\n<body><h1>Order ${escapeHTML(id)}</h1>\n`;
    if (!o) {
      html += '<p>We do not know this order.</p>\n';
    } else {
      html += `<p>Status: <strong id="status">${escapeHTML(o.status)}</strong></p>\n`;
      if (o.status === 'pending') {
        html += '<p>We are waiting for DANA to confirm your payment. This page does not confirm payments by itself: refresh in a moment.</p>\n';
      }
    }
    res.writeHead(o ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html + '</body></html>\n');
  }

  // POST /v1.0/debit/notify: DANA's Finish Notify. Order matters:
  // authenticate the raw bytes, then parse, then find the order and check
  // the money, and only then change state.
  async notify(req, res) {
    let ans;
    try {
      // The RAW bytes: the signature covers them, not a re-encoded copy.
      const raw = await readBody(req, res, MAX_NOTIFY_BODY);
      ans = await this.handleNotify(req.headers, raw);
    } catch (err) {
      if (!(err instanceof HTTPError)) log.error('notify failed', { err: String(err && err.stack || err) });
      // A 5xx makes DANA retry later: nothing is lost.
      ans = err instanceof HTTPError ? badFormat('body') : SERVER_ERROR;
    }
    sendJSON(res, ans.status, { responseCode: ans.code, responseMessage: ans.message });
  }

  async handleNotify(headers, raw) {
    if (!this.faults.has('notify-no-verify')) {
      const bad = this.verifyNotify(headers, raw);
      if (bad) return bad;
    }
    let n;
    try {
      n = JSON.parse(raw.toString('utf8'));
    } catch {
      return badFormat('body');
    }
    if (n === null || typeof n !== 'object') return badFormat('body');
    const id = n.originalPartnerReferenceNo;
    if (!id) return missingField('originalPartnerReferenceNo');
    if (n.merchantId && n.merchantId !== this.cfg.merchantID) return badFormat('merchantId');
    const o = typeof id === 'string' && ORDER_ID.test(id) ? this.store.order(id) : null;
    if (!o) return NOT_FOUND;
    if (!dana.sameMoney(n.amount, o.amount)) {
      log.warn('notify: amount differs from the order', { order: o.id });
      return badFormat('amount');
    }
    // DANA's UAT convention: the first notify for an order of exactly
    // 11012.00 is answered 500 5005601 and changes nothing; DANA retries.
    if (this.cfg.iseAmount !== null && o.amount === this.cfg.iseAmount) {
      if (await this.store.update((d) => db.claimISE(d, o.id))) return SERVER_ERROR;
    }
    if (n.latestTransactionStatus === '00') {
      await this.applyPaid(o.id, this.faults.has('notify-double-fulfil'));
    } else if (n.latestTransactionStatus === '05') {
      // Closed (expired) at DANA: close a pending order. A paid order is
      // never downgraded, because messages can arrive out of order.
      await this.store.update((d) => db.closePending(d, o.id, 'expired'));
    } else {
      // Not a status a PG notify carries: refuse, so DANA retries and a person looks.
      return badFormat('latestTransactionStatus');
    }
    return ACK; // new or already handled: the same answer, or DANA retries forever
  }

  // verifyNotify returns null when X-TIMESTAMP is well formed and fresh and
  // X-SIGNATURE verifies with DANA's public key over
  // POST:/v1.0/debit/notify:<sha256 of the minified body>:<X-TIMESTAMP>;
  // otherwise the answer to send.
  verifyNotify(headers, raw) {
    const ts = headers['x-timestamp'];
    const sig = headers['x-signature'];
    if (!ts) return missingField('X-TIMESTAMP');
    if (!sig) return missingField('X-SIGNATURE');
    const at = dana.parseTimestamp(ts);
    if (at === null) return badFormat('X-TIMESTAMP');
    if (Math.abs(Date.now() - at) > NOTIFY_SKEW_MS) {
      log.warn('notify: stale X-TIMESTAMP', { skew_s: Math.round((Date.now() - at) / 1000) });
      return UNAUTHORIZED;
    }
    if (!dana.verify(this.gatewayKey, dana.stringToSign('POST', dana.PATHS.notify, raw, ts), sig)) {
      log.warn('notify: signature does not verify');
      return UNAUTHORIZED;
    }
    return null;
  }

  // applyPaid is the one door through which an order becomes paid and is
  // fulfilled (the notify-double-fulfil fault skips the guard). The store
  // decides who gets through; everyone else learns the order was already
  // handled, which is not an error.
  async applyPaid(id, unguarded = false) {
    const { fulfilled, before } = await this.store.update((d) => (unguarded ? db.fulfilUnguarded(d, id) : db.markPaid(d, id)));
    if (fulfilled) {
      await this.announce(before);
    } else if (before.status === 'cancelled' || before.status === 'expired') {
      // DANA says paid, the shop had given up: a person must refund or ship.
      log.warn('payment reported for a closed order', { order: id, status: before.status });
    }
  }

  // announce tells the warehouse to ship. It runs after the commit, so a
  // crash in between loses an announcement, never a payment; a production
  // shop would queue it in the same write and deliver it from a worker.
  async announce(o) {
    if (!this.cfg.fulfilmentWebhook) return;
    try {
      const res = await fetch(this.cfg.fulfilmentWebhook, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ event: 'order.fulfilled', order_id: o.id, amount: dana.formatAmount(o.amount) }),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.body?.cancel(); // the answer's body is not needed: do not read it
      if (!res.ok) log.error('fulfilment webhook refused', { order: o.id, status: res.status });
    } catch (err) {
      log.error('fulfilment webhook failed', { order: o.id, err: err.message });
    }
  }

  // handle routes one request. Errors become JSON answers; nothing escapes.
  async handle(req, res) {
    let p = req.url;
    try {
      const url = new URL(req.url, 'http://shop.invalid');
      p = url.pathname;
      const m = /^\/orders\/([^/]+)(?:\/(cancel|refund|reconcile))?$/.exec(p);
      if (req.method === 'POST' && p === '/checkout') return await this.checkout(req, res);
      if (req.method === 'POST' && p === dana.PATHS.notify) return await this.notify(req, res);
      if (req.method === 'GET' && p === '/return') return await this.returnPage(req, res, url);
      // Order ids never contain escapes, so the path segment is used as is.
      if (m && req.method === 'GET' && !m[2]) return this.getOrder(req, res, m[1]);
      if (m && req.method === 'POST' && m[2] === 'cancel') return await this.cancel(req, res, m[1]);
      if (m && req.method === 'POST' && m[2] === 'refund') return await this.refund(req, res, m[1]);
      if (m && req.method === 'POST' && m[2] === 'reconcile') return await this.reconcile(req, res, m[1]);
      sendJSON(res, 404, { error: 'not found' });
    } catch (err) {
      if (res.headersSent) return res.destroy();
      if (err instanceof HTTPError) return sendJSON(res, err.status, { error: err.message });
      log.error('handler failed', { path: p, err: String(err && err.stack || err) });
      sendJSON(res, 500, { error: 'internal error' });
    }
  }
}

// ---------------------------------------------------------------- startup

// FLAGS: flag, config key, default, usage. Every flag falls back to
// SHOP_<FLAG> in the environment (upper case, dashes as underscores), the
// same names examples/shop reads, so one environment drives either shop.
const FLAGS = [
  ['listen', 'listen', '127.0.0.1:8080', 'address to listen on'],
  ['gateway-url', 'gatewayURL', '', 'DANA base URL, e.g. the uatrun emulator http://127.0.0.1:9080'],
  ['public-url', 'publicURL', '', "the shop's own base URL for PAY_RETURN and NOTIFICATION (default: http://<listen address>)"],
  ['partner-id', 'partnerID', '', 'X-PARTNER-ID issued by DANA'],
  ['merchant-id', 'merchantID', '', 'merchantId issued by DANA'],
  ['private-key', 'privateKey', '', 'merchant RSA private key PEM file'],
  ['gateway-public-key', 'gatewayPublicKey', '', 'DANA public key PEM file'],
  ['db', 'db', '', 'JSON store file (default: in memory, lost on exit)'],
  ['fulfilment-webhook', 'fulfilmentWebhook', '', 'URL that receives a POST for each fulfilment'],
  ['ise-amount', 'iseAmount', '11012.00', 'first notify for an order of this amount is answered 500 5005601 (DANA UAT); "off" disables'],
  ['fault', 'faults', '', 'start with a deliberate fault (repeatable, or comma-separated in the env; "list" prints them)'],
];
const envName = (flag) => 'SHOP_' + flag.toUpperCase().replace(/-/g, '_');

// parseConfig reads flags and environment into a checked config; it throws
// one error listing every problem.
function parseConfig(argv, env) {
  const options = { help: { type: 'boolean', short: 'h' } };
  for (const [flag] of FLAGS) options[flag] = { type: 'string', multiple: flag === 'fault' };
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  if (values.help) {
    const lines = FLAGS.map(([flag, , def, usage]) => `  --${flag.padEnd(19)} ${usage}${def ? ` (default ${def})` : ''} [env ${envName(flag)}]`);
    return { help: `usage: node server.js [flags]\n${lines.join('\n')}\n` };
  }
  const cfg = {};
  for (const [flag, key, def] of FLAGS) cfg[key] = values[flag] ?? (env[envName(flag)] || def);
  if (!Array.isArray(cfg.faults)) cfg.faults = cfg.faults.split(',').map((s) => s.trim()).filter(Boolean);
  if (cfg.faults.includes('list')) return { listFaults: true };

  const errs = [];
  let u = null;
  try { u = new URL(cfg.gatewayURL); } catch { /* reported below */ }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    errs.push(`--gateway-url ${JSON.stringify(cfg.gatewayURL)} must be an absolute http(s) URL`);
  }
  if (cfg.partnerID.length < 1 || cfg.partnerID.length > 36) errs.push('--partner-id must be 1-36 characters');
  if (cfg.merchantID.length < 1 || cfg.merchantID.length > 64) errs.push('--merchant-id must be 1-64 characters');
  if (!cfg.privateKey || !cfg.gatewayPublicKey) errs.push('--private-key and --gateway-public-key are required');
  for (const f of cfg.faults) {
    if (!Object.hasOwn(FAULTS, f)) errs.push(`unknown fault ${JSON.stringify(f)} (run with --fault list to see them)`);
  }
  if (cfg.iseAmount === 'off') {
    cfg.iseAmount = null;
  } else if ((cfg.iseAmount = dana.parseDanaAmount(cfg.iseAmount)) === null) {
    errs.push('--ise-amount must be an amount such as 11012.00, or off');
  }
  if (errs.length) throw new Error(errs.join('\n'));
  return cfg;
}

// splitHostPort turns "127.0.0.1:8080", "[::1]:8080" or ":8080" into listen() arguments.
function splitHostPort(addr) {
  const i = addr.lastIndexOf(':');
  const port = Number(addr.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--listen ${JSON.stringify(addr)} must be host:port`);
  return { host: addr.slice(0, i).replace(/^\[(.*)\]$/, '$1') || undefined, port };
}

function main() {
  let cfg;
  try {
    cfg = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`node-shop: ${err.message}\n`);
    process.exit(2);
  }
  if (cfg.help) return process.stdout.write(cfg.help);
  if (cfg.listFaults) {
    for (const [name, desc] of Object.entries(FAULTS)) process.stdout.write(`${name}\t${desc}\n`);
    return;
  }
  let shop;
  try {
    shop = new Shop(cfg); // reads the keys and the store: fail now, not at the first payment
  } catch (err) {
    process.stderr.write(`node-shop: ${err.message}\n`);
    process.exit(1);
  }
  if (cfg.faults.length) log.warn('shop started with deliberate faults', { faults: cfg.faults });
  if (!cfg.db) log.warn('no --db: orders are kept in memory and lost on exit');
  const server = http.createServer((req, res) => shop.handle(req, res));
  server.headersTimeout = 5000; // slow-loris bounds, as the Go shop's ReadHeaderTimeout
  server.requestTimeout = 30000;
  const { host, port } = splitHostPort(cfg.listen);
  server.listen(port, host, () => {
    const a = server.address();
    const base = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
    if (!shop.publicURL) shop.publicURL = base;
    process.stderr.write(`node-shop listening on ${base}\n`);
  });
  // On SIGINT/SIGTERM: stop accepting, let requests in flight and queued
  // writes finish, then exit. Bounded, so a stuck client cannot hold it.
  const stop = () => {
    setTimeout(() => process.exit(1), 10000).unref();
    server.close(() => shop.store.idle().then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) main();

module.exports = { Shop, parseConfig, FAULTS };

'use strict';
// BI-SNAP for DANA Gapura with nothing but node:crypto: the string to sign,
// RSA-SHA256 signatures, X-TIMESTAMP in Jakarta time, minifying received
// JSON, amounts, and a client that signs and sends every request.
//
// None of this comes from uatrun or from a DANA SDK: a merchant that shares
// the tester's code could share its bugs too.

const crypto = require('node:crypto');

// DANA Gapura paths. They are relative on purpose: the relative path (no
// scheme, host or query) is what gets signed.
const PATHS = Object.freeze({
  create: '/payment-gateway/v1.0/debit/payment-host-to-host.htm',
  query: '/payment-gateway/v1.0/debit/status.htm',
  cancel: '/payment-gateway/v1.0/debit/cancel.htm',
  refund: '/payment-gateway/v1.0/debit/refund.htm',
  notify: '/v1.0/debit/notify',
});

const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
// DANA's documented timeout for every Payment Gateway API.
const DANA_TIMEOUT_MS = 8000;
// An answer from DANA is a few hundred bytes; a misbehaving peer must not
// be able to exhaust memory.
const MAX_GATEWAY_ANSWER = 1 << 20;

// timestamp formats X-TIMESTAMP: YYYY-MM-DDTHH:mm:ss+07:00, Jakarta wall
// time with a literal offset. toISOString() is UTC, so shift first and
// replace the "Z"; a UTC "Z" timestamp is refused by DANA.
function timestamp(ms = Date.now()) {
  return new Date(ms + JAKARTA_OFFSET_MS).toISOString().slice(0, 19) + '+07:00';
}

// parseTimestamp accepts exactly YYYY-MM-DDTHH:mm:ss+07:00 and returns epoch
// milliseconds, or null. Formatting the result again must give the input
// back, which rejects the 30th of February and hour 25 that Date would
// silently roll over.
function parseTimestamp(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+07:00$/.exec(s || '');
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - JAKARTA_OFFSET_MS;
  return Number.isFinite(ms) && timestamp(ms) === s ? ms : null;
}

// minify removes JSON's insignificant whitespace (space, tab, CR, LF outside
// strings) and changes nothing else: key order, escapes and non-ASCII bytes
// stay exactly as received. That is what the signer hashed. Never
// JSON.parse + JSON.stringify a body to verify it: that re-escapes strings
// (e.g. "\u00e9" becomes "é") and the hash no longer matches.
// It works on bytes: every byte of a multi-byte UTF-8 character is >= 0x80,
// so it can never be mistaken for a quote, a backslash or whitespace.
function minify(buf) {
  const out = Buffer.allocUnsafe(buf.length);
  let n = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      out[n++] = c;
      if (c === 0x5c && i + 1 < buf.length) out[n++] = buf[++i]; // \x: copy the escaped byte too
      else if (c === 0x22) inString = false; // closing quote
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
      out[n++] = c;
      if (c === 0x22) inString = true;
    }
  }
  return out.subarray(0, n);
}

// stringToSign is BI-SNAP's asymmetric string:
// METHOD:relativePath:lowerhex(sha256(minified body)):X-TIMESTAMP.
function stringToSign(method, path, body, ts) {
  const hash = crypto.createHash('sha256').update(minify(body)).digest('hex');
  return `${method}:${path}:${hash}:${ts}`;
}

// sign returns base64(RSASSA-PKCS1-v1_5 with SHA-256), the default padding
// node:crypto uses for an RSA key.
function sign(privateKey, msg) {
  return crypto.sign('sha256', Buffer.from(msg), privateKey).toString('base64');
}

// verify checks a base64 signature. Buffer.from(s, 'base64') skips
// characters that are not base64 instead of failing, so the alphabet is
// checked first: a mangled header must not get a second chance.
function verify(publicKey, msg, sigB64) {
  const s = String(sigB64 || '').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) return false;
  try {
    return crypto.verify('sha256', Buffer.from(msg), publicKey, Buffer.from(s, 'base64'));
  } catch {
    return false;
  }
}

// loadPrivateKey and loadPublicKey accept the PEM forms DANA's portal and
// SDKs hand out (PKCS#1 or PKCS#8 private keys, SPKI or PKCS#1 public keys)
// and refuse anything that is not RSA.
function loadPrivateKey(pem) {
  const key = crypto.createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`private key is ${key.asymmetricKeyType}, not RSA`);
  return key;
}

function loadPublicKey(pem) {
  const key = crypto.createPublicKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`gateway public key is ${key.asymmetricKeyType}, not RSA`);
  return key;
}

// Amounts are integer sen (1/100 rupiah) inside the shop: floating point
// cannot hold 0.10 exactly, and a refund check that is off by one sen can be
// gamed. DANA writes them as strings with exactly two decimals.
const DANA_AMOUNT = /^(\d{1,13})\.(\d{2})$/;
// What the shop's own API accepts: whole rupiah or up to two decimals.
const USER_AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

// parseDanaAmount parses "15000.00" exactly as DANA writes it; null otherwise.
function parseDanaAmount(s) {
  const m = DANA_AMOUNT.exec(typeof s === 'string' ? s : '');
  return m ? Number(m[1]) * 100 + Number(m[2]) : null;
}

// parseUserAmount parses a checkout or refund amount and refuses zero:
// nobody pays or refunds nothing. 13 digits keep sen far below 2^53.
function parseUserAmount(s) {
  const m = USER_AMOUNT.exec(typeof s === 'string' ? s.trim() : '');
  if (!m) return null;
  const sen = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return sen > 0 ? sen : null;
}

// formatAmount writes sen the way DANA wants it: "15000.00".
function formatAmount(sen) {
  return `${Math.trunc(sen / 100)}.${String(sen % 100).padStart(2, '0')}`;
}

// money is SNAP's amount object.
function money(sen) {
  return { value: formatAmount(sen), currency: 'IDR' };
}

// sameMoney checks a SNAP amount object against an amount in sen.
function sameMoney(m, sen) {
  return !!m && m.currency === 'IDR' && parseDanaAmount(m.value) === sen;
}

// NoAnswer means DANA could not be reached or did not answer in time. The
// request may or may not have taken effect: that is why creates and refunds
// are retried with the same reference, and why reconcile exists.
class NoAnswer extends Error {}

// serverError: a 5xx means "don't know", never "no".
function serverError(ans) {
  return ans.httpStatus >= 500 || String(ans.responseCode || '').startsWith('5');
}

// readBounded reads at most limit bytes of a fetch Response body.
async function readBounded(res, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > limit) throw new Error(`answer is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// Client signs and sends BI-SNAP requests to DANA.
class Client {
  constructor({ baseURL, partnerID, channelID = '95221', privateKey, log }) {
    this.baseURL = baseURL.replace(/\/+$/, '');
    this.partnerID = partnerID;
    this.channelID = channelID;
    this.privateKey = privateKey;
    this.log = log;
  }

  // post sends one signed request. Every attempt gets a fresh X-TIMESTAMP,
  // X-EXTERNAL-ID and signature; only the body stays the same. The body is
  // a Buffer: the bytes signed are the bytes sent.
  async post(path, body) {
    const ts = timestamp();
    const headers = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-TIMESTAMP': ts,
      'X-SIGNATURE': sign(this.privateKey, stringToSign('POST', path, body, ts)),
      'X-PARTNER-ID': this.partnerID,
      // Unique per request (DANA: unique within the day, at most 36 chars).
      'X-EXTERNAL-ID': crypto.randomUUID(),
      'CHANNEL-ID': this.channelID,
    };
    let res, raw;
    try {
      res = await fetch(this.baseURL + path, {
        method: 'POST', headers, body, signal: AbortSignal.timeout(DANA_TIMEOUT_MS),
      });
      raw = await readBounded(res, MAX_GATEWAY_ANSWER);
    } catch (err) {
      throw new NoAnswer(`no answer from DANA for ${path}: ${err.message}`);
    }
    let ans;
    try {
      ans = JSON.parse(raw.toString('utf8'));
      if (ans === null || typeof ans !== 'object') throw new Error('not an object');
    } catch {
      ans = { responseMessage: 'answer is not JSON' };
    }
    ans.httpStatus = res.status;
    return ans;
  }

  // call sends body and, when DANA gave no answer or a 5xx, sends it ONCE
  // more. retryBody supplies the second body; by default it is the very same
  // bytes, which is what DANA's idempotency rules require for create and
  // refund (same partnerReferenceNo / partnerRefundNo, same content).
  async call(path, body, retryBody = () => body) {
    try {
      const ans = await this.post(path, body);
      if (!serverError(ans)) return ans;
      this.log.warn('retrying DANA call once', { path, first: `HTTP ${ans.httpStatus} ${ans.responseCode}` });
    } catch (err) {
      if (!(err instanceof NoAnswer)) throw err;
      this.log.warn('retrying DANA call once', { path, first: err.message });
    }
    return this.post(path, await retryBody());
  }
}

module.exports = {
  PATHS, Client, NoAnswer, serverError, timestamp, parseTimestamp, minify, stringToSign, sign, verify,
  loadPrivateKey, loadPublicKey, parseDanaAmount, parseUserAmount, formatAmount, money, sameMoney,
};

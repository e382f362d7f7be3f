'use strict';
// The shop's storage: one JSON file, rewritten atomically on every change.
//
// "Exactly once" lives here. DANA retries notifies, sends duplicates, and a
// reconcile can race a notify; the shop must fulfil once whatever arrives.
// Node runs JavaScript on one thread, but a handler that checks a status,
// awaits a write and then acts can interleave with another handler at every
// await. So every change goes through update(), which runs one mutation at
// a time, in arrival order, and each mutation decides AND changes inside
// one synchronous function. Nothing is decided on a value read before an
// await.
//
// update() is also the commit: the new state is written to a temporary file,
// flushed to disk and renamed over the old one before anyone sees it. A
// crash leaves either the old file or the new one, never half of each, and
// an answer such as 2005600 is only sent after its change is on disk.

const fs = require('node:fs');
const path = require('node:path');

const EMPTY = { version: 1, orders: {}, refunds: {} };

// Refund states that still hold money back from further refunds: DANA may
// yet pay them out, so they count against what can still be refunded.
const OPEN_REFUND_STATES = new Set(['sending', 'in_progress', 'unknown']);

class Store {
  // file is the JSON file, or '' to keep everything in memory (tests and
  // demos only: a restart forgets every order).
  constructor(file) {
    this.file = file ? path.resolve(file) : '';
    this.text = JSON.stringify(EMPTY, null, 2);
    this.queue = Promise.resolve();
    this.tmpSeq = 0;
    if (this.file && fs.existsSync(this.file)) {
      const text = fs.readFileSync(this.file, 'utf8');
      // A file that does not parse is a problem for a person, not something
      // to overwrite with an empty shop.
      const state = JSON.parse(text);
      if (state.version !== 1 || typeof state.orders !== 'object' || typeof state.refunds !== 'object') {
        throw new Error(`${this.file} is not a node-shop store (version 1)`);
      }
      this.text = JSON.stringify(state, null, 2);
    }
    this.state = JSON.parse(this.text);
  }

  // order returns a copy of the committed order, or null.
  order(id) {
    const o = Object.hasOwn(this.state.orders, id) ? this.state.orders[id] : null;
    return o && { ...o };
  }

  // update runs fn(draft) after every earlier update has finished. fn must be
  // synchronous: it reads and changes the draft and returns a result. The
  // draft replaces the state only once it is safely on disk; if fn throws or
  // the write fails, nothing changed. Returns fn's result.
  update(fn) {
    const run = this.queue.then(async () => {
      const draft = JSON.parse(this.text);
      const result = fn(draft);
      const text = JSON.stringify(draft, null, 2);
      if (text !== this.text) {
        await this.write(text);
        this.text = text;
        this.state = draft;
      }
      return result;
    });
    // The queue goes on after a failed update; the caller still sees the error.
    this.queue = run.catch(() => {});
    return run;
  }

  // idle resolves once every queued update has finished (for shutdown).
  idle() {
    return this.queue;
  }

  // write replaces the file atomically: temp file in the same directory
  // (rename is only atomic within one file system), fsync, rename, then
  // fsync the directory so the rename itself survives a power cut.
  async write(text) {
    if (!this.file) return;
    const dir = path.dirname(this.file);
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${++this.tmpSeq}.tmp`);
    const fh = await fs.promises.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.promises.rename(tmp, this.file);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    try {
      const dh = await fs.promises.open(dir, 'r');
      try { await dh.sync(); } finally { await dh.close(); }
    } catch {
      // Some platforms cannot fsync a directory; the rename is still atomic.
    }
  }
}

// The mutations below are the shop's only ways to change an order. Each
// runs inside update() and decides on the draft it is given.

// insertOrder records an order before DANA is asked to create it, so that a
// notify or a reconcile can always find it.
function insertOrder(draft, o) {
  if (Object.hasOwn(draft.orders, o.id)) throw new Error(`order id collision: ${o.id}`);
  const now = new Date().toISOString();
  draft.orders[o.id] = {
    id: o.id, reference_no: '', title: o.title, amount: o.amount, refunded: 0, status: 'pending',
    fulfilments: 0, ise_answered: false, created_at: now, updated_at: now,
  };
}

function touch(o, changes) {
  Object.assign(o, changes, { updated_at: new Date().toISOString() });
}

// forgetOrder removes an order DANA definitely refused to create. Only a
// pending order without a DANA reference can go: nothing depends on it.
function forgetOrder(draft, id) {
  const o = draft.orders[id];
  if (o && o.status === 'pending' && o.reference_no === '') delete draft.orders[id];
}

function setReference(draft, id, ref) {
  touch(draft.orders[id], { reference_no: ref });
}

// markPaid is the one door through which an order becomes paid and is
// fulfilled: only a pending order passes, so it returns true for exactly
// one caller however many notifies and reconciles arrive. The order it
// returns is the state the decision was made on.
function markPaid(draft, id) {
  const o = draft.orders[id];
  const before = { ...o };
  if (o.status !== 'pending') return { fulfilled: false, before };
  touch(o, { status: 'paid', fulfilments: o.fulfilments + 1 });
  return { fulfilled: true, before };
}

// fulfilUnguarded is the notify-double-fulfil fault: paid and shipped again
// on every call, with no check of what already happened.
function fulfilUnguarded(draft, id) {
  const o = draft.orders[id];
  const before = { ...o };
  touch(o, { status: 'paid', fulfilments: o.fulfilments + 1 });
  return { fulfilled: true, before };
}

// closePending moves a still-pending order to expired or cancelled. A paid
// order is never downgraded by a late or reordered message.
function closePending(draft, id, status) {
  const o = draft.orders[id];
  if (o.status !== 'pending') return false;
  touch(o, { status });
  return true;
}

function markCancelled(draft, id) {
  touch(draft.orders[id], { status: 'cancelled' });
}

// claimISE is true exactly once per order: the first notify of DANA's
// sandbox "internal server error" amount.
function claimISE(draft, id) {
  const o = draft.orders[id];
  if (o.ise_answered) return false;
  o.ise_answered = true;
  return true;
}

// refundable is paid minus refunded minus refunds still in flight.
function refundable(draft, id) {
  const o = draft.orders[id];
  if (o.status !== 'paid' && o.status !== 'partially_refunded') return 0;
  let held = 0;
  for (const r of Object.values(draft.refunds)) {
    if (r.order_id === id && OPEN_REFUND_STATES.has(r.state)) held += r.amount;
  }
  return o.amount - o.refunded - held;
}

// reserveRefund records a refund about to be sent, if it fits in what is
// left (or always, when check is false: the over-refund mistake). Checking
// and reserving in one mutation is what stops two clicks at once from both
// passing the check.
function reserveRefund(draft, id, refundNo, sen, check = true) {
  if (check && refundable(draft, id) < sen) return false;
  draft.refunds[refundNo] = { refund_no: refundNo, order_id: id, amount: sen, state: 'sending',
    created_at: new Date().toISOString() };
  return true;
}

function setRefundState(draft, refundNo, state) {
  draft.refunds[refundNo].state = state;
}

// settleRefund marks a refund done and adds it to the order, once: a refund
// no longer open changes nothing.
function settleRefund(draft, refundNo) {
  const r = draft.refunds[refundNo];
  if (!OPEN_REFUND_STATES.has(r.state)) return;
  r.state = 'done';
  const o = draft.orders[r.order_id];
  const refunded = o.refunded + r.amount;
  touch(o, { refunded, status: refunded >= o.amount ? 'refunded' : 'partially_refunded' });
}

module.exports = {
  Store, insertOrder, forgetOrder, setReference, markPaid, fulfilUnguarded, closePending, markCancelled,
  claimISE, refundable, reserveRefund, setRefundState, settleRefund,
};

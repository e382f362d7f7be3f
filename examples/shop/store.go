package shop

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver; pure Go, no cgo
)

// The schema is where "exactly once" lives. Application code may be called
// twice at the same instant (DANA retries, duplicate notifies, a reconcile
// racing a notify); the database is the one place that sees every attempt in
// order. Two guards, each sufficient on its own:
//   - orders move out of 'pending' with a conditional UPDATE … WHERE
//     status='pending', so only one caller ever sees "1 row affected";
//   - fulfilments are UNIQUE per (order_id, dedupe_key), and a real payment
//     always uses the key 'payment', so a second insert is a constraint error.
//
// Money is integer sen, and the refunded total can never exceed the amount.
const schema = `
CREATE TABLE IF NOT EXISTS orders (
	id           TEXT PRIMARY KEY,
	reference_no TEXT NOT NULL DEFAULT '',
	title        TEXT NOT NULL,
	amount       INTEGER NOT NULL CHECK (amount > 0),
	refunded     INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
	status       TEXT NOT NULL CHECK (status IN
	             ('pending','paid','cancelled','expired','refunded','partially_refunded')),
	ise_answered INTEGER NOT NULL DEFAULT 0,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fulfilments (
	id         INTEGER PRIMARY KEY,
	order_id   TEXT NOT NULL REFERENCES orders(id),
	dedupe_key TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (order_id, dedupe_key)
);
CREATE TABLE IF NOT EXISTS refunds (
	refund_no  TEXT PRIMARY KEY,
	order_id   TEXT NOT NULL REFERENCES orders(id),
	amount     INTEGER NOT NULL CHECK (amount > 0),
	state      TEXT NOT NULL CHECK (state IN ('sending','in_progress','done','failed','unknown')),
	created_at TEXT NOT NULL
);`

// Refund states that still hold money back from further refunds: the
// gateway may yet pay them out, so they count against the refundable amount.
const openRefundStates = `('sending','in_progress','unknown')`

var errNotFound = errors.New("order not found")

// order is one row of the orders table plus its fulfilment count.
type order struct {
	ID, ReferenceNo, Title, Status string
	Amount, Refunded               int64 // sen
	Fulfilments                    int
}

type store struct {
	db  *sql.DB
	now func() time.Time
}

// openStore opens (and migrates) the database. path "" is a private
// in-memory database, named uniquely so two shops in one process never
// share state.
func openStore(path string, now func() time.Time) (*store, error) {
	dsn := "file:shop-" + randomHex(12) + "?mode=memory&cache=shared"
	if path != "" {
		if strings.ContainsRune(path, '?') {
			return nil, fmt.Errorf("database path %q must not contain '?'", path)
		}
		dsn = path + "?_busy_timeout=5000&_journal_mode=WAL&_foreign_keys=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// SQLite has one writer at a time anyway; a single connection turns
	// lock contention into queueing instead of SQLITE_BUSY errors, and keeps
	// the in-memory database alive for the shop's lifetime.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema: %w", err)
	}
	return &store{db: db, now: now}, nil
}

func (s *store) Close() error { return s.db.Close() }

func (s *store) stamp() string { return s.now().UTC().Format(time.RFC3339Nano) }

// insertOrder records an order before DANA is asked to create it, so that a
// notify or a reconcile can always find it. inserted is false when the id
// already exists.
func (s *store) insertOrder(ctx context.Context, o order) (inserted bool, err error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO orders (id, title, amount, status, created_at, updated_at)
		VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING`,
		o.ID, o.Title, o.Amount, s.stamp(), s.stamp())
	return affected(res, err)
}

func (s *store) setReference(ctx context.Context, id, ref string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE orders SET reference_no = ?, updated_at = ? WHERE id = ?`,
		ref, s.stamp(), id)
	return err
}

// forgetOrder removes an order DANA definitely refused to create. Only a
// pending order without a DANA reference can go: nothing else depends on it.
func (s *store) forgetOrder(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM orders WHERE id = ? AND status = 'pending' AND reference_no = ''`, id)
	return err
}

func (s *store) order(ctx context.Context, id string) (order, error) {
	var o order
	err := s.db.QueryRowContext(ctx, `SELECT id, reference_no, title, status, amount, refunded,
		(SELECT COUNT(*) FROM fulfilments f WHERE f.order_id = o.id)
		FROM orders o WHERE id = ?`, id).
		Scan(&o.ID, &o.ReferenceNo, &o.Title, &o.Status, &o.Amount, &o.Refunded, &o.Fulfilments)
	if errors.Is(err, sql.ErrNoRows) {
		return order{}, errNotFound
	}
	return o, err
}

// markPaid moves a pending order to paid and records its one fulfilment in
// the same transaction. fulfilled reports whether THIS call did it; every
// other caller (duplicate notify, late reconcile) gets false.
func (s *store) markPaid(ctx context.Context, id string) (fulfilled bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := affected(tx.ExecContext(ctx,
			`UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ? AND status = 'pending'`, s.stamp(), id))
		if err != nil || !ok {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at)
			VALUES (?, 'payment', ?)`, id, s.stamp())
		fulfilled = err == nil
		return err
	})
	return fulfilled, err
}

// fulfilUnguarded is the notify-double-fulfil fault: it sets paid and ships
// again on every call, keyed by something unique per call instead of by the
// order, which is exactly how such bugs look in real code.
func (s *store) fulfilUnguarded(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ?`,
			s.stamp(), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at)
			VALUES (?, ?, ?)`, id, "notify-"+randomHex(8), s.stamp())
		return err
	})
}

// markPaidUnlessPaid is the notify-reopens-order fault: it moves any order
// that is not paid yet (cancelled, expired and refunded ones included) to
// paid and records another fulfilment. The write is atomic, so only the
// guard is wrong.
func (s *store) markPaidUnlessPaid(ctx context.Context, id string) (changed bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := affected(tx.ExecContext(ctx,
			`UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ? AND status != 'paid'`, s.stamp(), id))
		if err != nil || !ok {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at)
			VALUES (?, ?, ?)`, id, "notify-"+randomHex(8), s.stamp())
		changed = err == nil
		return err
	})
	return changed, err
}

// createdAt is when the shop recorded the order.
func (s *store) createdAt(ctx context.Context, id string) (time.Time, error) {
	var at string
	if err := s.db.QueryRowContext(ctx, `SELECT created_at FROM orders WHERE id = ?`, id).Scan(&at); err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, at)
}

// addFulfilment records a fulfilment and nothing else: the order's status
// is untouched. Only the notify-fulfil-then-fail fault uses it.
func (s *store) addFulfilment(ctx context.Context, id, key string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at)
		VALUES (?, ?, ?)`, id, key, s.stamp())
	return err
}

// closePending moves a still-pending order to expired or cancelled; a paid
// order is never downgraded by a late or reordered message.
func (s *store) closePending(ctx context.Context, id, status string) (bool, error) {
	return affected(s.db.ExecContext(ctx,
		`UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = 'pending'`, status, s.stamp(), id))
}

// markCancelled records a cancel DANA confirmed (or, under a fault, one it
// refused).
func (s *store) markCancelled(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE orders SET status = 'cancelled', updated_at = ? WHERE id = ?`,
		s.stamp(), id)
	return err
}

// claimISE reports true exactly once per order: the first notify of the
// sandbox "internal server error" amount.
func (s *store) claimISE(ctx context.Context, id string) (bool, error) {
	return affected(s.db.ExecContext(ctx,
		`UPDATE orders SET ise_answered = 1 WHERE id = ? AND ise_answered = 0`, id))
}

func (s *store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// affected turns an Exec result into "did exactly this call change a row".
func affected(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

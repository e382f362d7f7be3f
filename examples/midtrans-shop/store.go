package midtransshop

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver; pure Go, no cgo
)

// The schema is where "exactly once" lives. Midtrans retries notifications,
// sends duplicates and may deliver them out of order; a reconcile may race
// a notification. The database sees every attempt in order:
//   - orders leave 'pending' through a conditional UPDATE … WHERE
//     status='pending', so only one caller ever sees "1 row affected";
//   - fulfilments are UNIQUE per (order_id, dedupe_key) and a payment
//     always uses the key 'payment';
//   - refunded can never exceed the amount, and refund_key is unique;
//   - a refund is booked by moving its row from 'sending' to 'done' with a
//     conditional UPDATE, so a refund Midtrans notifies twice (or that a
//     notification and a reconcile both report) is booked once.
//
// Money is whole rupiah: Midtrans' IDR amounts have no minor unit.
const schema = `
CREATE TABLE IF NOT EXISTS orders (
	id         TEXT PRIMARY KEY,
	amount     INTEGER NOT NULL CHECK (amount > 0),
	refunded   INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
	status     TEXT NOT NULL CHECK (status IN
	           ('pending','paid','cancelled','expired','failed','refunded','partially_refunded')),
	token      TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fulfilments (
	id         INTEGER PRIMARY KEY,
	order_id   TEXT NOT NULL REFERENCES orders(id),
	dedupe_key TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (order_id, dedupe_key)
);
CREATE TABLE IF NOT EXISTS refunds (
	refund_key TEXT PRIMARY KEY,
	order_id   TEXT NOT NULL REFERENCES orders(id),
	amount     INTEGER NOT NULL CHECK (amount > 0),
	state      TEXT NOT NULL CHECK (state IN ('sending','done','failed')),
	created_at TEXT NOT NULL
);`

var (
	errNotFound     = errors.New("order not found")
	errNotRefunable = errors.New("order is not paid or the amount exceeds what remains refundable")
)

// order is one row of the orders table plus its fulfilment count.
type order struct {
	ID, Status, Token string
	Amount, Refunded  int64 // rupiah
	Fulfilments       int
}

type store struct {
	db  *sql.DB
	now func() time.Time
}

// openStore opens (and migrates) the database. path "" is a private
// in-memory database, named uniquely so two shops never share state.
func openStore(path string, now func() time.Time) (*store, error) {
	dsn := "file:midtrans-shop-" + randomHex(12) + "?mode=memory&cache=shared"
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
	// One connection: SQLite has one writer anyway, and queueing beats
	// SQLITE_BUSY; it also keeps the in-memory database alive.
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

// insertOrder records an order before Midtrans hears of it, so that any
// notification finds it. inserted is false when the id already exists.
func (s *store) insertOrder(ctx context.Context, id string, amount int64) (bool, error) {
	return affected(s.db.ExecContext(ctx, `INSERT INTO orders (id, amount, status, created_at, updated_at)
		VALUES (?, ?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING`, id, amount, s.stamp(), s.stamp()))
}

func (s *store) setToken(ctx context.Context, id, token string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE orders SET token = ?, updated_at = ? WHERE id = ?`, token, s.stamp(), id)
	return err
}

// forgetOrder removes an order Midtrans definitely refused to create.
func (s *store) forgetOrder(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM orders WHERE id = ? AND status = 'pending' AND token = ''`, id)
	return err
}

func (s *store) order(ctx context.Context, id string) (order, error) {
	var o order
	err := s.db.QueryRowContext(ctx, `SELECT id, status, token, amount, refunded,
		(SELECT COUNT(*) FROM fulfilments f WHERE f.order_id = o.id)
		FROM orders o WHERE id = ?`, id).Scan(&o.ID, &o.Status, &o.Token, &o.Amount, &o.Refunded, &o.Fulfilments)
	if errors.Is(err, sql.ErrNoRows) {
		return order{}, errNotFound
	}
	return o, err
}

// markPaid moves a pending order to paid and records its one fulfilment in
// the same transaction. fulfilled reports whether THIS call did it.
func (s *store) markPaid(ctx context.Context, id string) (fulfilled bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := affected(tx.ExecContext(ctx,
			`UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ? AND status = 'pending'`, s.stamp(), id))
		if err != nil || !ok {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at) VALUES (?, 'payment', ?)`, id, s.stamp())
		fulfilled = err == nil
		return err
	})
	return fulfilled, err
}

// fulfilUnguarded is the notify-double-fulfil fault: paid and shipped on
// every call, keyed by something unique per call instead of by the order.
func (s *store) fulfilUnguarded(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ?`, s.stamp(), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at) VALUES (?, ?, ?)`,
			id, "notify-"+randomHex(8), s.stamp())
		return err
	})
}

// closePending moves a still-pending order to a final unpaid status; a paid
// order is never downgraded by a late or reordered message.
func (s *store) closePending(ctx context.Context, id, status string) (bool, error) {
	return affected(s.db.ExecContext(ctx,
		`UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = 'pending'`, status, s.stamp(), id))
}

// setStatus writes a status unconditionally: only faults and a cancel
// Midtrans confirmed use it.
func (s *store) setStatus(ctx context.Context, id, status string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE orders SET status = ?, updated_at = ? WHERE id = ?`, status, s.stamp(), id)
	return err
}

// reserveRefund records a refund about to be sent, checking in the same
// statement that the order is paid and the amount fits. An existing
// refund_key is returned as is (a retry), whatever the amount asked.
func (s *store) reserveRefund(ctx context.Context, id, key string, amount int64, check bool) error {
	cond := `AND o.status IN ('paid','partially_refunded') AND o.refunded + ? +
		(SELECT COALESCE(SUM(amount),0) FROM refunds r WHERE r.order_id = o.id AND r.state = 'sending') <= o.amount`
	args := []any{key, amount, s.stamp(), id, amount}
	if !check {
		cond, args = "", args[:4]
	}
	ok, err := affected(s.db.ExecContext(ctx, `INSERT INTO refunds (refund_key, order_id, amount, state, created_at)
		SELECT ?, o.id, ?, 'sending', ? FROM orders o WHERE o.id = ? `+cond, args...))
	if err == nil && !ok {
		return errNotRefunable
	}
	return err
}

// finishRefund applies a refund Midtrans approved (or, under a fault, one
// it did not), or marks it failed.
func (s *store) finishRefund(ctx context.Context, id, key string, amount int64, done bool) error {
	if !done {
		_, err := s.db.ExecContext(ctx, `UPDATE refunds SET state = 'failed' WHERE refund_key = ?`, key)
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE refunds SET state = 'done' WHERE refund_key = ?`, key); err != nil {
			return err
		}
		return s.addRefunded(ctx, tx, id, amount)
	})
}

// settleRefund books a refund that was still 'sending' (answered pending,
// or never answered) once Midtrans reports it done, matched by refund_key
// and amount. booked reports whether THIS call did it: a second report of
// the same refund finds it 'done' and changes nothing.
func (s *store) settleRefund(ctx context.Context, id, key string, amount int64) (booked bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := affected(tx.ExecContext(ctx, `UPDATE refunds SET state = 'done'
			WHERE refund_key = ? AND order_id = ? AND amount = ? AND state = 'sending'`, key, id, amount))
		if err != nil || !ok {
			return err
		}
		booked = true
		return s.addRefunded(ctx, tx, id, amount)
	})
	return booked, err
}

func (s *store) addRefunded(ctx context.Context, tx *sql.Tx, id string, amount int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE orders SET refunded = MIN(amount, refunded + ?),
		status = CASE WHEN refunded + ? >= amount THEN 'refunded' ELSE 'partially_refunded' END,
		updated_at = ? WHERE id = ?`, amount, amount, s.stamp(), id)
	return err
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

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

package purwantarashop

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

// The schema is where "exactly once" lives. Webhooks are retried,
// redelivered under the same or a new X-PPN-Delivery, and may race a
// reconcile; the database is the one place that sees every attempt in
// order. Two guards, each sufficient on its own:
//   - orders leave 'pending' through a conditional UPDATE … WHERE
//     status='pending', so only one caller ever sees "1 row affected";
//   - fulfilments are UNIQUE per (order_id, dedupe_key), and a payment
//     always uses the key 'payment'.
//
// Amounts are whole rupiah: Purwantara's amounts are IDR.
const schema = `
CREATE TABLE IF NOT EXISTS orders (
	id         TEXT PRIMARY KEY,
	uuid       TEXT NOT NULL DEFAULT '',
	channel    TEXT NOT NULL,
	title      TEXT NOT NULL,
	amount     INTEGER NOT NULL CHECK (amount > 0),
	status     TEXT NOT NULL CHECK (status IN ('pending','paid','expired','failed','cancelled')),
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
CREATE TABLE IF NOT EXISTS webhook_deliveries (
	delivery_id TEXT PRIMARY KEY,
	order_id    TEXT NOT NULL,
	status      TEXT NOT NULL,
	received_at TEXT NOT NULL
);`

var errNotFound = errors.New("order not found")

// order is one row of orders plus its fulfilment count.
type order struct {
	ID, UUID, Channel, Title, Status string
	Amount                           int64 // rupiah
	Fulfilments                      int
}

type store struct {
	db  *sql.DB
	now func() time.Time
}

// openStore opens (and migrates) the database. path "" is a private
// in-memory database, named uniquely so two shops never share state.
func openStore(path string, now func() time.Time) (*store, error) {
	dsn := "file:ppnshop-" + randomHex(12) + "?mode=memory&cache=shared"
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
	// One connection: SQLite has one writer anyway, and this keeps the
	// in-memory database alive for the shop's lifetime.
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

// insertOrder records an order before Purwantara is asked to create it.
func (s *store) insertOrder(ctx context.Context, o order) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO orders (id, channel, title, amount, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'pending', ?, ?)`, o.ID, o.Channel, o.Title, o.Amount, s.stamp(), s.stamp())
	return err
}

// setUUID stores Purwantara's transaction id, once.
func (s *store) setUUID(ctx context.Context, id, uuid string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE orders SET uuid = ?, updated_at = ? WHERE id = ? AND uuid = ''`,
		uuid, s.stamp(), id)
	return err
}

// forgetOrder removes an order Purwantara definitely refused (a 4xx).
func (s *store) forgetOrder(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM orders WHERE id = ? AND status = 'pending' AND uuid = ''`, id)
	return err
}

func (s *store) order(ctx context.Context, id string) (order, error) {
	var o order
	err := s.db.QueryRowContext(ctx, `SELECT id, uuid, channel, title, status, amount,
		(SELECT COUNT(*) FROM fulfilments f WHERE f.order_id = o.id)
		FROM orders o WHERE id = ?`, id).
		Scan(&o.ID, &o.UUID, &o.Channel, &o.Title, &o.Status, &o.Amount, &o.Fulfilments)
	if errors.Is(err, sql.ErrNoRows) {
		return order{}, errNotFound
	}
	return o, err
}

// markPaid moves a pending order to paid and records its one fulfilment
// in the same transaction. fulfilled reports whether THIS call did it.
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

// fulfilUnguarded is how the double-fulfil faults look in real code: set
// paid and ship, keyed by something unique per call instead of the order.
func (s *store) fulfilUnguarded(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ?`,
			s.stamp(), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at)
			VALUES (?, ?, ?)`, id, "webhook-"+randomHex(8), s.stamp())
		return err
	})
}

// setStatus overwrites an order's status unconditionally: only the
// status-from-webhook fault uses it (the correct shop never moves a paid
// order back).
func (s *store) setStatus(ctx context.Context, id, status string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE orders SET status = ?, updated_at = ? WHERE id = ?`, status, s.stamp(), id)
	return err
}

// newestPendingWithAmount is the match-by-amount fault's lookup.
func (s *store) newestPendingWithAmount(ctx context.Context, amount int64) (order, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM orders WHERE status = 'pending' AND amount = ?
		ORDER BY created_at DESC, rowid DESC LIMIT 1`, amount).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return order{}, errNotFound
	}
	if err != nil {
		return order{}, err
	}
	return s.order(ctx, id)
}

// closePending moves a still-pending order to expired, failed or
// cancelled; a paid order is never downgraded by a late message.
func (s *store) closePending(ctx context.Context, id, status string) (bool, error) {
	return affected(s.db.ExecContext(ctx,
		`UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = 'pending'`, status, s.stamp(), id))
}

// deliverySeen reports whether a webhook with this X-PPN-Delivery was
// already handled.
func (s *store) deliverySeen(ctx context.Context, deliveryID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE delivery_id = ?`, deliveryID).Scan(&n)
	return n > 0, err
}

// logDelivery records a handled webhook. It runs only after the webhook
// took effect: a delivery that failed half-way must be processed again
// when Purwantara retries it under the same id.
func (s *store) logDelivery(ctx context.Context, deliveryID, orderID, status string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (delivery_id, order_id, status, received_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`, deliveryID, orderID, status, s.stamp())
	return err
}

// claimDelivery logs a delivery id before it is handled and reports
// whether this call was the first to do so: a dedupe on the id that holds
// under concurrent copies (the dedupe-by-delivery-id fault's: its bug is
// the key, not a race).
func (s *store) claimDelivery(ctx context.Context, deliveryID, orderID, status string) (bool, error) {
	return affected(s.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (delivery_id, order_id, status, received_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`, deliveryID, orderID, status, s.stamp()))
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
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

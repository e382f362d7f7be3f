package astapashop

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

// The database is where "exactly once" lives: orders leave 'pending'
// through a conditional UPDATE, and fulfilments are UNIQUE per order.
const schema = `
CREATE TABLE IF NOT EXISTS orders (
	id          TEXT PRIMARY KEY,
	amount      INTEGER NOT NULL CHECK (amount > 0),
	status      TEXT NOT NULL CHECK (status IN ('pending','paid','cancelled','expired','refunded')),
	purchase_id TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fulfilments (
	id         INTEGER PRIMARY KEY,
	order_id   TEXT NOT NULL REFERENCES orders(id),
	dedupe_key TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (order_id, dedupe_key)
);`

var errNotFound = errors.New("order not found")

type order struct {
	ID, Status, PurchaseID string
	Amount                 int64
	Fulfilments            int
}

type store struct {
	db  *sql.DB
	now func() time.Time
}

func openStore(path string, now func() time.Time) (*store, error) {
	dsn := "file:astapa-shop-" + randomHex(12) + "?mode=memory&cache=shared"
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
	db.SetMaxOpenConns(1) // one writer; queue instead of SQLITE_BUSY; keeps :memory: alive
	db.SetConnMaxLifetime(0)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema: %w", err)
	}
	return &store{db: db, now: now}, nil
}

func (s *store) Close() error { return s.db.Close() }

func (s *store) stamp() string { return s.now().UTC().Format(time.RFC3339Nano) }

func (s *store) insertOrder(ctx context.Context, id string, amount int64) (bool, error) {
	return affected(s.db.ExecContext(ctx, `INSERT INTO orders (id, amount, status, created_at, updated_at)
		VALUES (?, ?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING`, id, amount, s.stamp(), s.stamp()))
}

func (s *store) setPurchase(ctx context.Context, id, purchase string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE orders SET purchase_id = ?, updated_at = ? WHERE id = ?`, purchase, s.stamp(), id)
	return err
}

func (s *store) forgetOrder(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM orders WHERE id = ? AND status = 'pending' AND purchase_id = ''`, id)
	return err
}

func (s *store) order(ctx context.Context, id string) (order, error) {
	var o order
	err := s.db.QueryRowContext(ctx, `SELECT id, status, purchase_id, amount,
		(SELECT COUNT(*) FROM fulfilments f WHERE f.order_id = o.id) FROM orders o WHERE id = ?`, id).
		Scan(&o.ID, &o.Status, &o.PurchaseID, &o.Amount, &o.Fulfilments)
	if errors.Is(err, sql.ErrNoRows) {
		return order{}, errNotFound
	}
	return o, err
}

// markPaid moves a pending order to paid with its one fulfilment, in one
// transaction; fulfilled reports whether THIS call did it.
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

// fulfilUnguarded is the double-fulfil fault.
func (s *store) fulfilUnguarded(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ?`, s.stamp(), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at) VALUES (?, ?, ?)`,
			id, "webhook-"+randomHex(8), s.stamp())
		return err
	})
}

// move changes status only from the given one, so late news never
// downgrades a paid order (or revives a closed one).
func (s *store) move(ctx context.Context, id, fromStatus, toStatus string) (bool, error) {
	return affected(s.db.ExecContext(ctx, `UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
		toStatus, s.stamp(), id, fromStatus))
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

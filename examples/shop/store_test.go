package shop

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func openTestStore(t *testing.T, path string) *store {
	t.Helper()
	st, err := openStore(path, func() time.Time { return time.Date(2025, 1, 1, 3, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStore_FileDatabaseSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shop.db")
	st := openTestStore(t, path)
	if _, err := st.insertOrder(ctx, order{ID: "ORD-1", Title: "t", Amount: 1500000}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.markPaid(ctx, "ORD-1"); !ok || err != nil {
		t.Fatalf("markPaid: %v %v", ok, err)
	}
	st.Close()

	st = openTestStore(t, path)
	defer st.Close()
	o, err := st.order(ctx, "ORD-1")
	if err != nil || o.Status != "paid" || o.Fulfilments != 1 {
		t.Fatalf("after reopening: %+v %v, want paid with 1 fulfilment", o, err)
	}
	// The guard holds across restarts: the order is no longer pending.
	if ok, err := st.markPaid(ctx, "ORD-1"); ok || err != nil {
		t.Errorf("second markPaid after restart: %v %v, want false, nil", ok, err)
	}
}

func TestStore_InMemoryDatabasesArePrivate(t *testing.T) {
	ctx := context.Background()
	a, b := openTestStore(t, ""), openTestStore(t, "")
	defer a.Close()
	defer b.Close()
	a.insertOrder(ctx, order{ID: "ORD-1", Title: "t", Amount: 100})
	if _, err := b.order(ctx, "ORD-1"); err != errNotFound {
		t.Errorf("second in-memory store sees the first one's order (err %v)", err)
	}
}

func TestStore_SchemaRefusesImpossibleMoney(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t, "")
	defer st.Close()
	st.insertOrder(ctx, order{ID: "ORD-1", Title: "t", Amount: 100})
	st.markPaid(ctx, "ORD-1")
	// Bypass the refundable check, as the over-refund fault does: the
	// database is the last line and refuses to record more than was paid.
	if ok, err := st.reserveRefund(ctx, "ORD-1", "RFD-1", 200, checkNothing); !ok || err != nil {
		t.Fatalf("unchecked reserve: %v %v", ok, err)
	}
	if err := st.settleRefund(ctx, "RFD-1"); err == nil {
		t.Error("settling a refund above the order amount succeeded; the CHECK constraint must refuse it")
	}
	if _, err := st.insertOrder(ctx, order{ID: "ORD-2", Title: "t", Amount: 0}); err == nil {
		t.Error("an order of zero was stored")
	}
	if _, err := st.db.ExecContext(ctx, `INSERT INTO fulfilments (order_id, dedupe_key, created_at)
		VALUES ('ORD-1', 'payment', 'now')`); err == nil {
		t.Error("a second 'payment' fulfilment was stored; the UNIQUE constraint must refuse it")
	}
}

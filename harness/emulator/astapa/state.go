package astapa

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
)

// Payment statuses verify reports (Midtrans' vocabulary, §4).
const (
	StatusPending    = "pending"
	StatusSettlement = "settlement"
	StatusCancel     = "cancel"
	StatusExpire     = "expire"
	StatusRefund     = "refund"
)

// ItemDirect is the item_id Astapa puts on shop-payment webhooks.
const ItemDirect = "__direct__"

// KeptPayments is how many shop payments an emulator keeps: past it, the
// oldest payment is forgotten (dropped from every index, its expiry timer
// stopped), so a long uatrun emulate session stays bounded. A scenario
// creates a handful; a forgotten order_id can be used again.
const KeptPayments = 10000

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	payments   *emulator.Ring[*payment] // creation order, the newest KeptPayments
	byOrder    map[string]*payment
	byPurchase map[string]*payment
}

func newState() state {
	s := state{byOrder: map[string]*payment{}, byPurchase: map[string]*payment{},
		payments: emulator.NewRing[*payment](KeptPayments, 0, nil)}
	byOrder, byPurchase := s.byOrder, s.byPurchase
	s.payments.OnDrop = func(p *payment) {
		if byOrder[p.orderID] == p {
			delete(byOrder, p.orderID)
		}
		if byPurchase[p.purchaseID] == p {
			delete(byPurchase, p.purchaseID)
		}
		p.forgotten = true
		p.stopExpiry()
	}
	return s
}

// add stores p in the book and its indexes, dropping the oldest payment
// past KeptPayments.
func (s *state) add(p *payment) {
	s.payments.Push(p)
	s.byOrder[p.orderID] = p
	s.byPurchase[p.purchaseID] = p
}

// override is the answer a respond_next injection gives.
type override struct {
	status  int
	message string
}

// payment is one shop payment and its history. amount is whole rupiah.
type payment struct {
	orderID, purchaseID         string
	amount                      int64
	buyerEmail, buyerName, item string
	metadata                    map[string]any
	status                      string
	created, expiresAt, paidAt  time.Time
	expiry                      clock.Timer
	deliveries                  []emulator.Delivery
	forgotten                   bool // dropped from the book: its timer no longer moves it
}

func (s *state) lookup(id string) (*payment, error) {
	if p := s.byOrder[id]; p != nil {
		return p, nil
	}
	if p := s.byPurchase[id]; p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("%w: no shop payment with order_id or purchase_id %q was created at the Astapa emulator", emulator.ErrUnknownOrder, id)
}

func (s *state) stopTimers() {
	s.payments.Each(func(p *payment) { p.stopExpiry() })
}

func (p *payment) stopExpiry() {
	if p.expiry != nil {
		p.expiry.Stop()
		p.expiry = nil
	}
}

// newPurchaseID is a random purchase id ("pur_" + 20 hex digits) ⚠ format unknown.
func newPurchaseID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return "pur_" + hex.EncodeToString(b)
}

// isoUTC is how Astapa writes paid_at: ISO-8601 in UTC with a Z.
func isoUTC(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

package midtrans

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
)

// Transaction statuses the emulator moves through (Midtrans' own words).
const (
	StatusPending       = "pending"
	StatusCapture       = "capture"
	StatusSettlement    = "settlement"
	StatusDeny          = "deny"
	StatusCancel        = "cancel"
	StatusExpire        = "expire"
	StatusRefund        = "refund"
	StatusPartialRefund = "partial_refund"
)

// notifyStatuses are the transaction_status values a crafted notification
// may carry (the full Midtrans vocabulary).
var notifyStatuses = []string{"authorize", "capture", StatusSettlement, StatusPending, StatusDeny, StatusCancel,
	StatusExpire, "failure", StatusRefund, StatusPartialRefund, "chargeback", "partial_chargeback"}

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	refundSeq int             // refund_chargeback_id counter
	events    []clock.Timer   // notifications of merchant-caused changes, due on the test clock
	txns      []*txn          // creation order
	byOrder   map[string]*txn // order_id
	byID      map[string]*txn // transaction_id and Snap token
}

func newState() state {
	return state{byOrder: map[string]*txn{}, byID: map[string]*txn{}}
}

// override is the answer a respond_next injection gives.
type override struct{ code, message string }

// txn is one Snap transaction and its history. Amounts are whole rupiah:
// IDR has no minor unit at Midtrans, and gross_amount is an integer.
type txn struct {
	orderID, transactionID, token string
	gross                         int64
	status, paymentType, fraud    string
	finishURL                     string
	override, appendURLs          []string // X-Override-Notification / X-Append-Notification
	email, name                   string
	created, expiresAt, settled   time.Time
	expiry                        clock.Timer
	refunds                       []*refund // settled: money moved, counted in refunded
	refunded                      int64
	deliveries                    []emulator.Delivery
	// clk is the test clock the transaction lives on: the one current
	// when its Snap request arrived, i.e. its scenario's. Its expiry,
	// settlement, refund and notification timers and deadlines all run on
	// it, so a merchant's later call for this order (a queue refunding
	// while another scenario acts) never arms a timer on, or reads the
	// time of, another scenario's clock.
	clk clock.Clock
	// seen are the genuine notifications the merchant received (answered
	// at all), oldest first, for the replay variant.
	seen []seenNotice
	// pendingRefunds were answered status_code 201: accepted, no money
	// moved yet; each settles by refund_settle or its own timer.
	pendingRefunds []*refund
	// pendingNext is how many of the next refund calls answer pending
	// (refund_pending); pendingAfter, when positive, settles each of them
	// that long after the call, on the test clock.
	pendingNext  int
	pendingAfter time.Duration
	// denyNext is how many of the next direct refund calls the bank
	// denies (refund_deny).
	denyNext int
	// chosen is set once the shopper picked a payment method in Snap: only
	// then does the Core API know the transaction (before, it answers 404).
	chosen bool
	// detail is the channel the shopper chose: the bank of a bank
	// transfer or card, the store of a cstore payment (see channels.go).
	detail string
	// captured is when a card payment was captured with fraud_status
	// accept; settle is its settlement on the test clock.
	captured time.Time
	settle   clock.Timer
	// expiryDur is the request's expiry duration without a start_time:
	// the payment window counts from the shopper's choice. expiryFixed
	// is an expiry with a start_time: one deadline for page and payment.
	expiryDur   time.Duration
	expiryFixed bool
	deadline    time.Time
	// denials counts denied attempts in this Snap session.
	denials int
	// snapCanceled is set when the merchant cancelled the Snap session.
	snapCanceled bool
	// statusQueries counts the merchant's status calls for this
	// transaction, so a notification's evidence can say whether the
	// merchant re-queried while handling it.
	statusQueries int
	lastQueried   string // transaction_status (or "404") the last status call answered
}

// seenNotice is one genuine notification body that reached the merchant.
type seenNotice struct {
	status string
	body   []byte
}

// Fraud statuses (Midtrans' words).
const (
	FraudAccept    = "accept"
	FraudChallenge = "challenge"
	FraudDeny      = "deny"
)

// refund is one accepted refund, settled or pending.
type refund struct {
	id     int
	uuid   string
	key    string
	amount int64
	reason string
	at     time.Time
	settle clock.Timer // a pending refund's settlement on the test clock, if armed
	// bankConfirmed is when the bank or provider confirmed the refund:
	// Midtrans sends a second notification then, with bank_confirmed_at.
	bankConfirmed time.Time
}

// lookup finds a transaction by order_id, transaction_id or Snap token,
// as Core API paths and control actions name it.
func (s *state) lookup(id string) (*txn, error) {
	if t := s.byOrder[id]; t != nil {
		return t, nil
	}
	if t := s.byID[id]; t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("%w: no transaction with order_id, transaction_id or token %q was created at the Midtrans emulator",
		emulator.ErrUnknownOrder, id)
}

func (s *state) stopTimers() {
	for _, t := range s.txns {
		t.stopExpiry()
		for _, r := range t.pendingRefunds {
			if r.settle != nil {
				r.settle.Stop()
			}
		}
	}
	for _, ev := range s.events {
		ev.Stop()
	}
	s.events = nil
}

// clockOf is the test clock t lives on (the emulator's when unset).
func (e *Emulator) clockOf(t *txn) clock.Clock {
	if t.clk != nil {
		return t.clk
	}
	return e.clk
}

func (t *txn) stopExpiry() {
	if t.expiry != nil {
		t.expiry.Stop()
		t.expiry = nil
	}
	if t.settle != nil {
		t.settle.Stop()
		t.settle = nil
	}
}

// refundable is what may still be refunded: a pending refund already
// holds its amount.
func (t *txn) refundable() int64 {
	n := t.gross - t.refunded
	for _, r := range t.pendingRefunds {
		n -= r.amount
	}
	return n
}

// amount formats whole rupiah the way Midtrans writes gross_amount: "10000.00".
func amount(rupiah int64) string { return strconv.FormatInt(rupiah, 10) + ".00" }

// newUUID returns a random RFC 4122 version 4 UUID, the shape of Midtrans'
// transaction ids and Snap tokens.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// wib formats t as Midtrans writes times: "2006-01-02 15:04:05" in
// Jakarta time (WIB), or "" for the zero time.
func wib(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(jakarta).Format(timeLayout)
}

// timeLayout is Midtrans' transaction_time / settlement_time layout.
const timeLayout = "2006-01-02 15:04:05"

// jakarta is WIB, UTC+7 without DST; a fixed zone needs no tzdata.
var jakarta = time.FixedZone("WIB", 7*60*60)

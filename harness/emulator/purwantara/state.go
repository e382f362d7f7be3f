package purwantara

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
)

// Transaction states. Only ACTIVE is published (spec §3); the others are
// the words the emulator uses, upper case like ACTIVE.
const (
	StatusActive    = "ACTIVE"
	StatusPaid      = "PAID"
	StatusExpired   = "EXPIRED"
	StatusFailed    = "FAILED"
	StatusCancelled = "CANCELLED"
)

// KeptTransactions is how many transactions an emulator keeps: past it,
// the oldest is forgotten (dropped from every index, its expiry timer
// stopped), so a long uatrun emulate session stays bounded. A scenario
// creates a handful; a forgotten reference can be used again.
const KeptTransactions = 10000

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	idSeq       int
	txs         *emulator.Ring[*tx] // creation order, the newest KeptTransactions
	byUUID      map[string]*tx
	byRef       map[string]*tx // refKey: channel path [\x00 provider] \x00 merchant reference
	callbackURL string
	closed      bool
}

func newState() state {
	s := state{byUUID: map[string]*tx{}, byRef: map[string]*tx{},
		txs: emulator.NewRing[*tx](KeptTransactions, 0, nil)}
	byUUID, byRef := s.byUUID, s.byRef
	s.txs.OnDrop = func(t *tx) {
		if byUUID[t.uuid] == t {
			delete(byUUID, t.uuid)
		}
		if k := refKey(t.ch, t.provider, t.ref); byRef[k] == t {
			delete(byRef, k)
		}
		t.forgotten = true
		t.stopExpiry()
	}
	return s
}

// add stores t in the book and its indexes, dropping the oldest
// transaction past KeptTransactions.
func (s *state) add(t *tx) {
	s.txs.Push(t)
	s.byUUID[t.uuid] = t
	s.byRef[refKey(t.ch, t.provider, t.ref)] = t
}

// override is the answer a respond_next injection gives.
type override struct {
	status        int
	code, message string
}

// tx is one created transaction and its history.
type tx struct {
	uuid, ref, merchantTrxID       string
	ch                             *channel
	name, title, description       string
	provider                       string // bank, outlet or wallet; a payment link's payer once paid
	customerPhone, returnURL       string
	amount                         int64  // ten-thousandths of a rupiah, as Purwantara's 4 decimals
	instrument                     string // va_number, payment_code, qr_string or the link
	link                           string // the simulator page for this transaction
	status                         string
	created, expires, paid, closed time.Time
	expiry                         clock.Timer
	last                           *event   // the latest real webhook event
	events                         []*event // every real webhook event, oldest first (replay picks one)
	deliveries                     []emulator.Delivery
	forgotten                      bool // dropped from the book: its timer no longer moves it

	// sendMu serialises webhook sends for this transaction so the merchant
	// sees its events in the order they happened.
	sendMu sync.Mutex
}

// event is one webhook: the exact bytes and the delivery id every retry
// and redelivery reuses.
type event struct {
	body       []byte
	deliveryID string
	status     string
}

// refKey indexes a reference where it must be unique: per channel, or per
// bank or acquirer on the channels that say so.
func refKey(ch *channel, provider, ref string) string {
	if ch.uniquePerProvider {
		return ch.path + "\x00" + provider + "\x00" + ref
	}
	return ch.path + "\x00" + ref
}

// where names the transaction's channel, with its bank or acquirer where a
// reference may repeat across them.
func (t *tx) where() string {
	if t.ch.uniquePerProvider {
		return t.ch.path + " " + t.provider
	}
	return t.ch.path
}

// lookup finds a transaction for a control action by uuid or by the
// merchant's reference; a reference used on two channels is ambiguous.
func (s *state) lookup(ref string) (*tx, error) {
	if t := s.byUUID[ref]; t != nil {
		return t, nil
	}
	var hit *tx
	var ambiguous error
	s.txs.Each(func(t *tx) {
		if t.ref != ref || ambiguous != nil {
			return
		}
		if hit != nil {
			ambiguous = fmt.Errorf("%w: %q names transactions on %s and %s; use the uuid %s or %s",
				emulator.ErrUnknownOrder, ref, hit.where(), t.where(), hit.uuid, t.uuid)
			return
		}
		hit = t
	})
	if ambiguous != nil {
		return nil, ambiguous
	}
	if hit == nil {
		return nil, fmt.Errorf("%w: no transaction with uuid, external_id or order_id %q was created at the Purwantara emulator",
			emulator.ErrUnknownOrder, ref)
	}
	return hit, nil
}

// nextSeq returns the next number for generated account numbers and codes.
func (s *state) nextSeq() int {
	s.idSeq++
	return s.idSeq
}

func (s *state) stopTimers() {
	s.txs.Each(func(t *tx) { t.stopExpiry() })
}

func (t *tx) stopExpiry() {
	if t.expiry != nil {
		t.expiry.Stop()
		t.expiry = nil
	}
}

// isCreate reports a channel's create API, which Calls("create") includes.
func isCreate(api string) bool {
	_, ok := channelByAPI(api)
	return ok
}

// newUUID returns a random RFC 4122 version 4 UUID, the form of both the
// transaction uuid and X-PPN-Delivery.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

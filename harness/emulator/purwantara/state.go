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

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	idSeq       int
	txs         []*tx
	byUUID      map[string]*tx
	byRef       map[string]*tx // channel path \x00 merchant reference
	callbackURL string
	closed      bool
}

func newState() state {
	return state{byUUID: map[string]*tx{}, byRef: map[string]*tx{}}
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
	last                           *event // the latest real webhook event
	deliveries                     []emulator.Delivery

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

func refKey(ch *channel, ref string) string { return ch.path + "\x00" + ref }

// lookup finds a transaction for a control action by uuid or by the
// merchant's reference; a reference used on two channels is ambiguous.
func (s *state) lookup(ref string) (*tx, error) {
	if t := s.byUUID[ref]; t != nil {
		return t, nil
	}
	var hit *tx
	for _, t := range s.txs {
		if t.ref != ref {
			continue
		}
		if hit != nil {
			return nil, fmt.Errorf("%w: %q names transactions on %s and %s; use the uuid %s or %s",
				emulator.ErrUnknownOrder, ref, hit.ch.path, t.ch.path, hit.uuid, t.uuid)
		}
		hit = t
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
	for _, t := range s.txs {
		t.stopExpiry()
	}
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

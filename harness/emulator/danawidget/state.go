package danawidget

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

var jakarta = snap.Jakarta

// What an emulator remembers is bounded, so a long uatrun emulate session
// stays bounded whatever the merchant sends: past each cap the oldest
// entry is forgotten everywhere (and its timer stopped), the newest kept.
// A scenario uses a handful of each, so it always sees what it made.
const (
	// KeptOrders is how many widget payments are kept: a forgotten order
	// answers Transaction Not Found and its partnerReferenceNo is free
	// again.
	KeptOrders = 10000
	// KeptBindings is how many account bindings are kept, with their
	// tokens: a forgotten binding's tokens answer as never issued.
	KeptBindings = 10000
	// KeptPastTokens is how many replaced access (and refresh) tokens of
	// a binding are still recognised as replaced; older ones answer as
	// never issued (the same Invalid Customer Token, another hint).
	KeptPastTokens = 4
	// KeptUsers is how many DANA users (by phone) are kept; a forgotten
	// user seen again starts afresh with the default balance.
	KeptUsers = 10000
	// KeptAuthCodes is how many OAuth authCodes are kept: each lives
	// minutes; a forgotten one answers Invalid Auth Code.
	KeptAuthCodes = 10000
	// KeptOTTs is how many one-time tokens are kept: one per payment, used
	// within minutes; a forgotten one is one never issued.
	KeptOTTs = 10000
	// KeptHeldRedirects is how many OAuth redirects an authorize may hold
	// back; past it the oldest held one is never sent.
	KeptHeldRedirects = 100
	// KeptExternalIDs is how many X-EXTERNAL-IDs of the current Jakarta
	// day are remembered to detect reuse (a few dozen bytes each).
	KeptExternalIDs = bisnap.KeptExternalIDs
	// MaxRefunds is how many refunds one order takes; the next is refused
	// Transaction Not Permitted.
	MaxRefunds = 100
)

// maxTracked bounds the notify attempts one order records.
const maxTracked = 100_000

// Order states, as Query Payment names them.
const (
	StatusInit      = "INIT"
	StatusPaying    = "PAYING"
	StatusSuccess   = "SUCCESS"
	StatusClosed    = "CLOSED"
	StatusCancelled = "CANCELLED"
)

var statusCodes = map[string]string{StatusInit: "01", StatusPaying: "02", StatusSuccess: "00", StatusClosed: "05", StatusCancelled: "05"}

// user is a DANA account at the emulator, keyed by phone number.
type user struct {
	phone, publicUserID, danaID, name string
	balance                           int64 // cents
	kyc                               string
}

// authCode is one code the OAuth page issued. Its age is a clock.Stamp:
// a scenario that moves its test clock ages it in that scenario only.
type authCode struct {
	value, phone, partnerID, merchantID string
	issued                              *clock.Stamp
	used                                bool
}

// binding is an account binding: the access and refresh tokens of one
// user at one merchant. Refresh rotates both tokens; unbinding or the user
// revoking ends it.
type binding struct {
	id, phone, partnerID, merchantID string
	access, refresh                  string
	accessExp, refreshExp            time.Time    // as read on the clock current at issue (for the lists)
	accessAt, refreshAt              *clock.Stamp // the ages that expire them, one per test clock
	revoked                          string       // "" = live; else who ended it and when
	unboundByMerchant                bool
	refusedAfterRevoke               int      // calls answered Invalid Customer Token since
	pastAccess, pastRefresh          []string // replaced tokens, the newest KeptPastTokens
}

// ott is one one-time token.
type ott struct {
	value  string
	b      *binding
	issued *clock.Stamp
	used   bool
}

// ExternalIDDay is how long an X-EXTERNAL-ID stays taken: DANA's "unique
// within the same day", aged on each scenario's test clock (and forgotten
// at the wall clock's Jakarta midnight).
const ExternalIDDay = bisnap.ExternalIDLife

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	idSeq        int
	users        *emulator.Memo[*user]
	codes        *emulator.Memo[*authCode]
	bindings     *emulator.Ring[*binding] // creation order, the newest KeptBindings
	byAccess     map[string]*binding      // current and past access tokens
	byRefr       map[string]*binding      // current and past refresh tokens
	otts         *emulator.Memo[*ott]
	held         []heldRedirect         // redirects an authorize held back
	lastRedirect string                 // the last redirect sent, for a reload
	orders       *emulator.Ring[*order] // creation order, the newest KeptOrders
	byKey        map[string]*order
	byRef        map[string]*order
	extIDs       *bisnap.ExternalIDs
}

func newState() state {
	s := state{users: emulator.NewMemo[*user](KeptUsers, nil), codes: emulator.NewMemo[*authCode](KeptAuthCodes, nil),
		bindings: emulator.NewRing[*binding](KeptBindings, 0, nil), byAccess: map[string]*binding{}, byRefr: map[string]*binding{},
		otts: emulator.NewMemo[*ott](KeptOTTs, nil), orders: emulator.NewRing[*order](KeptOrders, 0, nil),
		byKey: map[string]*order{}, byRef: map[string]*order{}}
	byAccess, byRefr, byKey, byRef := s.byAccess, s.byRefr, s.byKey, s.byRef
	s.bindings.OnDrop = func(b *binding) {
		for _, t := range append([]string{b.access}, b.pastAccess...) {
			if byAccess[t] == b {
				delete(byAccess, t)
			}
		}
		for _, t := range append([]string{b.refresh}, b.pastRefresh...) {
			if byRefr[t] == b {
				delete(byRefr, t)
			}
		}
	}
	s.orders.OnDrop = func(o *order) {
		if k := o.merchantID + "\x00" + o.partnerRef; byKey[k] == o {
			delete(byKey, k)
		}
		if byRef[o.referenceNo] == o {
			delete(byRef, o.referenceNo)
		}
		o.forgotten = true
		o.stopExpiry()
	}
	s.extIDs = bisnap.NewExternalIDs()
	return s
}

// addOrder stores o in the book and its indexes, dropping the oldest
// order past KeptOrders.
func (s *state) addOrder(o *order) {
	s.orders.Push(o)
	s.byKey[o.merchantID+"\x00"+o.partnerRef] = o
	s.byRef[o.referenceNo] = o
}

// rotate gives b the tokens access and refresh and indexes them; the
// replaced ones stay recognised (as replaced) for KeptPastTokens
// rotations.
func (s *state) rotate(b *binding, access, refresh string) {
	if b.access != "" {
		b.pastAccess = s.retire(s.byAccess, b, append(b.pastAccess, b.access))
		b.pastRefresh = s.retire(s.byRefr, b, append(b.pastRefresh, b.refresh))
	}
	b.access, b.refresh = access, refresh
	s.byAccess[access], s.byRefr[refresh] = b, b
}

// retire forgets the oldest of past beyond KeptPastTokens.
func (s *state) retire(index map[string]*binding, b *binding, past []string) []string {
	for len(past) > KeptPastTokens {
		if index[past[0]] == b {
			delete(index, past[0])
		}
		past = past[1:]
	}
	return append([]string(nil), past...)
}

// hold keeps a redirect back, forgetting the oldest held one past
// KeptHeldRedirects.
func (s *state) hold(h heldRedirect) {
	if len(s.held) >= KeptHeldRedirects {
		s.held = append([]heldRedirect(nil), s.held[len(s.held)-KeptHeldRedirects+1:]...)
	}
	s.held = append(s.held, h)
}

// heldRedirect is a redirect to the merchant an authorize step kept back
// (the user lingering before returning).
type heldRedirect struct {
	target string
	phone  string
}

// order is one widget payment.
type order struct {
	merchantID, partnerRef, referenceNo, partnerID string
	amount                                         bisnap.Money
	cents                                          int64
	title, payer                                   string
	returnURL, notifyURL                           string
	canonical                                      string
	createReply                                    map[string]any
	status, closeReason                            string
	created, validUpTo, paid, finished, cancelled  time.Time
	expiry                                         clock.Timer
	refunds                                        []*refund
	refundedCents                                  int64
	deliveries                                     []emulator.Delivery
	seen                                           *bisnap.Sent // the newest legitimate notify sent
	forgotten                                      bool         // dropped from the book: its timer no longer moves it
}

type refund struct {
	partnerRefundNo, refundNo string
	amount                    bisnap.Money
	cents                     int64
	at                        time.Time
}

func (o *order) stopExpiry() {
	if o.expiry != nil {
		o.expiry.Stop()
		o.expiry = nil
	}
}

// nextID is a DANA-style numeric id: Jakarta date, a kind infix and a
// counter.
func (s *state) nextID(now time.Time, infix string) string {
	s.idSeq++
	return fmt.Sprintf("%s%s%014d", now.In(jakarta).Format("20060102"), infix, s.idSeq)
}

// userFor returns the DANA user with this phone, creating one with the
// default balance.
func (s *state) userFor(phone string) *user {
	if u, _ := s.users.Get(phone); u != nil {
		return u
	}
	s.idSeq++
	u := &user{phone: phone, balance: DefaultBalance, kyc: "02", name: "Pengguna DANA " + lastDigits(phone, 4),
		publicUserID: fmt.Sprintf("2160%016d", s.idSeq), danaID: fmt.Sprintf("2160%016d", s.idSeq+500000)}
	s.users.Put(phone, u)
	return u
}

// lookup finds an order for a control action by referenceNo or
// partnerReferenceNo.
func (s *state) lookup(ref string) (*order, error) {
	if o := s.byRef[ref]; o != nil {
		return o, nil
	}
	var hit *order
	s.orders.Each(func(o *order) {
		if hit == nil && o.partnerRef == ref {
			hit = o
		}
	})
	if hit != nil {
		return hit, nil
	}
	return nil, fmt.Errorf("%w: no widget payment with partnerReferenceNo or referenceNo %s was created at the DANA Widget emulator", emulator.ErrUnknownOrder, bisnap.Quote(ref))
}

// find names an order as query, cancel and refund do.
func (s *state) find(merchantID, partnerRef, referenceNo string) *order {
	if partnerRef != "" {
		o := s.byKey[merchantID+"\x00"+partnerRef]
		if o == nil || (referenceNo != "" && o.referenceNo != referenceNo) {
			return nil
		}
		return o
	}
	if o := s.byRef[referenceNo]; o != nil && o.merchantID == merchantID {
		return o
	}
	return nil
}

// token returns a fresh random token of n bytes, hex, with a prefix.
func token(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func lastDigits(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return snap.FormatTimestamp(t)
}

func itoa(n int) string { return strconv.Itoa(n) }

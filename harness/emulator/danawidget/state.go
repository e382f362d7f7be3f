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

// maxTracked bounds every map the merchant's traffic can grow (codes,
// tokens, OTTs, orders, external ids): past it, the oldest entries are no
// longer remembered, so a hostile client cannot exhaust memory.
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

// authCode is one code the OAuth page issued.
type authCode struct {
	value, phone, partnerID, merchantID string
	expires                             time.Time
	used                                bool
}

// binding is an account binding: the access and refresh tokens of one
// user at one merchant. Refresh rotates both tokens; unbinding or the user
// revoking ends it.
type binding struct {
	id, phone, partnerID, merchantID string
	access, refresh                  string
	accessExp, refreshExp            time.Time
	revoked                          string // "" = live; else who ended it and when
	unboundByMerchant                bool
	refusedAfterRevoke               int // calls answered Invalid Customer Token since
}

// ott is one one-time token.
type ott struct {
	value   string
	b       *binding
	expires time.Time
	used    bool
}

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	idSeq        int
	users        map[string]*user
	codes        map[string]*authCode
	bindings     []*binding
	byAccess     map[string]*binding // current and past access tokens
	byRefr       map[string]*binding // current and past refresh tokens
	otts         map[string]*ott
	held         []heldRedirect // redirects an authorize held back
	lastRedirect string         // the last redirect sent, for a reload
	orders       []*order
	byKey        map[string]*order
	byRef        map[string]*order
	extDay       string
	extIDs       map[string]int
}

func newState() state {
	return state{users: map[string]*user{}, codes: map[string]*authCode{}, byAccess: map[string]*binding{},
		byRefr: map[string]*binding{}, otts: map[string]*ott{}, byKey: map[string]*order{}, byRef: map[string]*order{},
		extIDs: map[string]int{}}
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
	if u := s.users[phone]; u != nil {
		return u
	}
	s.idSeq++
	u := &user{phone: phone, balance: DefaultBalance, kyc: "02", name: "Pengguna DANA " + lastDigits(phone, 4),
		publicUserID: fmt.Sprintf("2160%016d", s.idSeq), danaID: fmt.Sprintf("2160%016d", s.idSeq+500000)}
	if len(s.users) < maxTracked {
		s.users[phone] = u
	}
	return u
}

// lookup finds an order for a control action by referenceNo or
// partnerReferenceNo.
func (s *state) lookup(ref string) (*order, error) {
	if o := s.byRef[ref]; o != nil {
		return o, nil
	}
	for _, o := range s.orders {
		if o.partnerRef == ref {
			return o, nil
		}
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

package gopaymini

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// Payment states and the latestTransactionStatus each reads as (ASPI's
// BI-SNAP list: 00 success, 03 pending, 04 refunded, 05 cancelled, 06
// failed).
const (
	StatusPending   = "PENDING"
	StatusPaid      = "PAID"
	StatusFailed    = "FAILED"
	StatusCancelled = "CANCELLED"
	StatusExpired   = "EXPIRED"
	StatusRefunded  = "REFUNDED"
)

var statusCodes = map[string]string{
	StatusPending: "03", StatusPaid: "00", StatusRefunded: "04",
	StatusCancelled: "05", StatusExpired: "05", StatusFailed: "06",
}

var statusDesc = map[string]string{
	StatusPending: "PENDING", StatusPaid: "SUCCESS", StatusRefunded: "REFUNDED",
	StatusCancelled: "CANCELLED", StatusExpired: "EXPIRED", StatusFailed: "FAILED",
}

// override is an injected answer: an HTTP status (mini-app APIs) or a
// 7-digit responseCode (BI-SNAP APIs), and its message.
type override struct{ code, message string }

// user is one GoPay user the container has seen.
type user struct {
	id, accountID string
	consent       bool
	coins         int64
}

// authCode is one getAuthCode result: single use, valid for
// AuthCodeValidity. Its age runs on each test clock (clock.Stamp): from
// its issue on the clock current then, from its first sight on any other,
// so one scenario moving its clock never expires another scenario's code.
type authCode struct {
	code   string
	user   *user
	issued time.Time
	age    clock.Stamp // its age per test clock; the zero Stamp starts on first sight
	usedBy int         // the call that exchanged it
}

// b2bToken is one BI-SNAP B2B access token. Its 900 s run on each test
// clock it is judged on (clock.Stamp): from its issue on the clock current
// then, and from its first use on any other (a merchant caches one token
// across scenarios, and each scenario judges it on its own clock only, so
// advancing one scenario's clock never expires it in another).
type b2bToken struct {
	age clock.Stamp // its age per test clock; the zero Stamp starts on first sight
}

// payment is one payment-host-to-host transaction.
type payment struct {
	partnerRef, referenceNo, merchantID, partnerID, popID string
	value, currency                                       string
	cents                                                 int64
	status                                                string
	returnURL, notifyURL                                  string
	created, paid, finished                               time.Time
	refunded                                              int64
	refunds                                               map[string]*refund // by partnerRefundNo
	firstBody                                             string             // the create body, for idempotency
	answer                                                []byte
	deliveries                                            []emulator.Delivery
	clk                                                   clock.Clock  // the test clock current at its creation: its scenario's
	lastNotify                                            *bisnap.Sent // the newest legitimate notify, as sent
	expiry                                                clock.Timer
	forgotten                                             bool // dropped from the book: its timer no longer moves it
}

type refund struct {
	refundNo, value string
	cents           int64
	at              time.Time
}

// cashback is one disbursement of GoPay Coins, by the merchant's reference.
type cashback struct {
	ref, accountID string
	amount         int64
	answer         []byte
}

// What an emulator remembers is bounded, so a long uatrun emulate session
// stays bounded whatever the merchant sends; past each cap the oldest
// entry is forgotten (and its timer stopped). A scenario uses a handful of
// each, so it always sees what it made.
const (
	// KeptPayments is how many payments are kept: a forgotten payment is
	// gone from every index (query answers Transaction Not Found, its
	// partnerReferenceNo is free again).
	KeptPayments = 10000
	// KeptUsers is how many GoPay users (getAuthCode, consent) are kept,
	// one per user a scenario logs in; a forgotten user seen again is new
	// (a new account id, no consent). Tokens already issued keep theirs.
	KeptUsers = 10000
	// KeptAuthCodes is how many getAuthCode codes are kept: each lives six
	// minutes; a forgotten one answers INVALID_AUTH_CODE.
	KeptAuthCodes = 10000
	// KeptUserTokens is how many user access tokens are kept, one per
	// token exchange: a merchant caches one per user, so the newest 10,000
	// cover every user it serves at once; a forgotten one answers 401.
	KeptUserTokens = 10000
	// KeptB2BTokens is how many B2B access tokens are kept: each lives
	// 900 s, so only a merchant asking for more than 10,000 in 15 minutes
	// sees a live one refused (Invalid Token, as an expired one).
	KeptB2BTokens = 10000
	// KeptCashbacks is how many cashback reference_ids are kept for
	// idempotency: a retry comes within minutes of its first try.
	KeptCashbacks = 10000
	// KeptReminders is how many reminders are kept; a forgotten one
	// answers NOT_FOUND to a delete.
	KeptReminders = 10000
	// KeptExternalIDs is how many X-EXTERNAL-IDs of the current Jakarta
	// day are remembered to detect reuse (a few dozen bytes each).
	KeptExternalIDs = bisnap.KeptExternalIDs
	// MaxRefunds is how many refunds (partnerRefundNos) one payment takes;
	// the next is refused Transaction Not Permitted.
	MaxRefunds = 100
)

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	seq          int
	wallet       int64
	users        *emulator.Memo[*user]
	codes        *emulator.Memo[*authCode]
	tokens       *emulator.Memo[*user] // user access token → user
	b2b          *emulator.Memo[*b2bToken]
	payments     *emulator.Ring[*payment] // creation order, the newest KeptPayments
	byPartnerRef map[string]*payment
	byRef        map[string]*payment
	cashbacks    *emulator.Memo[*cashback]
	reminders    *emulator.Memo[string] // reminder id → account id
	extIDs       *bisnap.ExternalIDs
}

func newState(wallet int64) state {
	s := state{wallet: wallet, users: emulator.NewMemo[*user](KeptUsers, nil),
		codes:        emulator.NewMemo[*authCode](KeptAuthCodes, nil),
		tokens:       emulator.NewMemo[*user](KeptUserTokens, nil),
		b2b:          emulator.NewMemo[*b2bToken](KeptB2BTokens, nil),
		payments:     emulator.NewRing[*payment](KeptPayments, 0, nil),
		byPartnerRef: map[string]*payment{}, byRef: map[string]*payment{},
		cashbacks: emulator.NewMemo[*cashback](KeptCashbacks, nil), reminders: emulator.NewMemo[string](KeptReminders, nil)}
	byPartnerRef, byRef := s.byPartnerRef, s.byRef
	s.payments.OnDrop = func(p *payment) {
		if byPartnerRef[p.partnerRef] == p {
			delete(byPartnerRef, p.partnerRef)
		}
		if byRef[p.referenceNo] == p {
			delete(byRef, p.referenceNo)
		}
		p.forgotten = true
		if p.expiry != nil {
			p.expiry.Stop()
			p.expiry = nil
		}
	}
	s.extIDs = bisnap.NewExternalIDs()
	return s
}

// addPayment stores p in the book and its indexes, dropping the oldest
// payment past KeptPayments.
func (s *state) addPayment(p *payment) {
	s.payments.Push(p)
	s.byPartnerRef[p.partnerRef] = p
	s.byRef[p.referenceNo] = p
}

// userLocked returns the user with id, creating it.
func (s *state) userLocked(id string) *user {
	u, _ := s.users.Get(id)
	if u == nil {
		s.seq++
		u = &user{id: id, accountID: fmt.Sprintf("GP%012d", s.seq)}
		s.users.Put(id, u)
	}
	return u
}

// nextID is a gateway-issued identifier: prefix, a counter and randomness,
// so ids never collide across emulator restarts.
func (s *state) nextID(prefix string) string {
	s.seq++
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s%08d%s", prefix, s.seq, hex.EncodeToString(b))
}

// Prefixes of the credentials the emulator issues: opaque to the
// merchant, and recognisable in its own answers (GPM-AUTH-08 checks that a
// backend never hands them to the mini app).
const (
	UserTokenPrefix = "uatrun-gpm-at-"
	B2BTokenPrefix  = "uatrun-gpm-b2b-"
)

// token is an opaque bearer credential.
func token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *state) stopTimers() {
	s.payments.Each(func(p *payment) {
		if p.expiry != nil {
			p.expiry.Stop()
		}
	})
}

// lookup finds a payment by partnerReferenceNo or referenceNo.
func (s *state) lookup(ref string) (*payment, error) {
	if p := s.byPartnerRef[ref]; p != nil {
		return p, nil
	}
	if p := s.byRef[ref]; p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("%w %q: no payment with that partnerReferenceNo or referenceNo was created at the emulator", emulator.ErrUnknownOrder, ref)
}

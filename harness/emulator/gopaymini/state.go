package gopaymini

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
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
// AuthCodeValidity on the test clock that was current when issued.
type authCode struct {
	code    string
	user    *user
	issued  time.Time
	expired bool
	usedBy  int // the call that exchanged it
	timer   clock.Timer
}

// b2bToken is one BI-SNAP B2B access token.
type b2bToken struct {
	expired bool
	timer   clock.Timer
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
	expiry                                                clock.Timer
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

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	seq          int
	wallet       int64
	users        map[string]*user
	codes        map[string]*authCode
	tokens       map[string]*user // user access token → user
	b2b          map[string]*b2bToken
	payments     []*payment
	byPartnerRef map[string]*payment
	byRef        map[string]*payment
	cashbacks    map[string]*cashback
	reminders    map[string]string // reminder id → account id
	extDay       string
	extIDs       map[string]int
}

func newState(wallet int64) state {
	return state{wallet: wallet, users: map[string]*user{}, codes: map[string]*authCode{}, tokens: map[string]*user{},
		b2b: map[string]*b2bToken{}, byPartnerRef: map[string]*payment{}, byRef: map[string]*payment{},
		cashbacks: map[string]*cashback{}, reminders: map[string]string{}, extIDs: map[string]int{}}
}

// userLocked returns the user with id, creating it.
func (s *state) userLocked(id string) *user {
	u := s.users[id]
	if u == nil {
		s.seq++
		u = &user{id: id, accountID: fmt.Sprintf("GP%012d", s.seq)}
		s.users[id] = u
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

// token is an opaque bearer credential.
func token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *state) stopTimers() {
	for _, c := range s.codes {
		if c.timer != nil {
			c.timer.Stop()
		}
	}
	for _, t := range s.b2b {
		if t.timer != nil {
			t.timer.Stop()
		}
	}
	for _, p := range s.payments {
		if p.expiry != nil {
			p.expiry.Stop()
		}
	}
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

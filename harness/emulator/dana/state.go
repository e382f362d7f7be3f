package dana

import (
	"fmt"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// Order states. Expiry and a failed payment both close the order (CLOSED);
// a merchant cancel makes it CANCELLED. Both answer latestTransactionStatus 05.
const (
	StatusInit      = "INIT"
	StatusSuccess   = "SUCCESS"
	StatusClosed    = "CLOSED"
	StatusCancelled = "CANCELLED"
)

// statusCodes maps a state to latestTransactionStatus.
var statusCodes = map[string]string{
	StatusInit: "01", StatusSuccess: "00", StatusClosed: "05", StatusCancelled: "05",
}

// KeptOrders is how many orders an emulator keeps: past it, the oldest
// order is forgotten (its expiry timer stopped), so a long uatrun emulate
// session stays bounded. A scenario creates a handful.
const KeptOrders = 10000

// KeptExternalIDs is how many X-EXTERNAL-IDs of the current day are
// remembered to detect reuse; past it, the oldest are forgotten.
const KeptExternalIDs = bisnap.KeptExternalIDs

// state is everything the emulator remembers; guarded by Emulator.mu.
type state struct {
	idSeq  int                    // referenceNo / refundNo / X-EXTERNAL-ID counter
	orders *emulator.Ring[*order] // creation order, the newest KeptOrders
	byKey  map[string]*order      // merchantId \x00 partnerReferenceNo
	byRef  map[string]*order      // DANA referenceNo
	extIDs *bisnap.ExternalIDs    // X-EXTERNAL-IDs of the day
}

func newState() state {
	s := state{byKey: map[string]*order{}, byRef: map[string]*order{},
		orders: emulator.NewRing[*order](KeptOrders, 0, nil)}
	byKey, byRef := s.byKey, s.byRef
	s.orders.OnDrop = func(o *order) {
		if k := key(o.merchantID, o.partnerRef); byKey[k] == o {
			delete(byKey, k)
		}
		if byRef[o.referenceNo] == o {
			delete(byRef, o.referenceNo)
		}
		if o.expiry != nil {
			o.expiry.Stop()
			o.expiry = nil
		}
	}
	s.extIDs = bisnap.NewExternalIDs()
	return s
}

// override is the answer a respond_next injection gives.
type override struct{ code, message string }

// order is one created order and its history.
type order struct {
	merchantID, subMerchantID, partnerRef, referenceNo, partnerID string
	externalStoreID                                               string
	amount                                                        bisnap.Money
	cents                                                         int64
	title, scenario                                               string
	payMethod, payOption                                          string
	returnURL, notifyURL                                          string
	canonical                                                     string // idempotency form of the create body
	createReply                                                   map[string]any
	status                                                        string
	created, validUpTo, paid, finished, cancelled                 time.Time
	closeReason                                                   string
	expiry                                                        clock.Timer
	refunds                                                       []*refund
	refundedCents                                                 int64
	deliveries                                                    []emulator.Delivery
	sent                                                          *bisnap.Sent // the newest genuine notify sent, for replay and other_order_signature
}

// refund is one accepted refund.
type refund struct {
	partnerRefundNo, refundNo string
	amount                    bisnap.Money
	cents                     int64
	at                        time.Time
}

// key indexes orders by the create-order idempotency key.
func key(merchantID, partnerRef string) string { return merchantID + "\x00" + partnerRef }

// find looks an order up the way query/cancel/refund name it: by
// partnerReferenceNo within the merchant, or by DANA's referenceNo. When
// both are given they must agree.
func (s *state) find(merchantID, partnerRef, referenceNo string) *order {
	if partnerRef != "" {
		o := s.byKey[key(merchantID, partnerRef)]
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

// lookup finds an order for a control action by referenceNo or
// partnerReferenceNo; a partnerReferenceNo shared by two merchants is
// ambiguous.
func (s *state) lookup(ref string) (*order, error) {
	if o := s.byRef[ref]; o != nil {
		return o, nil
	}
	var hit *order
	var ambiguous error
	s.orders.Each(func(o *order) {
		if o.partnerRef != ref || ambiguous != nil {
			return
		}
		if hit != nil {
			ambiguous = fmt.Errorf("%w: %q names orders of merchants %s and %s; use the referenceNo %s or %s",
				emulator.ErrUnknownOrder, ref, hit.merchantID, o.merchantID, hit.referenceNo, o.referenceNo)
			return
		}
		hit = o
	})
	if ambiguous != nil {
		return nil, ambiguous
	}
	if hit == nil {
		return nil, fmt.Errorf("%w: no order with partnerReferenceNo or referenceNo %q was created at the DANA emulator", emulator.ErrUnknownOrder, ref)
	}
	return hit, nil
}

// nextID returns a DANA-style numeric id: Jakarta date, a fixed kind
// infix, and a 14-digit counter, unique within the emulator.
func (s *state) nextID(now time.Time, infix string) string {
	s.idSeq++
	return fmt.Sprintf("%s%s%014d", now.In(snap.Jakarta).Format("20060102"), infix, s.idSeq)
}

func (s *state) stopTimers() {
	s.orders.Each(func(o *order) {
		if o.expiry != nil {
			o.expiry.Stop()
			o.expiry = nil
		}
	})
}

package purwantara

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/uatrun/uatrun/harness/emulator"
)

// expire is the expiry timer: a transaction still ACTIVE becomes EXPIRED
// and its webhook is delivered (with retries).
func (e *Emulator) expire(t *tx) {
	t.sendMu.Lock() // a webhook of t still in flight goes out first
	e.mu.Lock()
	if t.status != StatusActive || t.forgotten || e.st.closed {
		e.mu.Unlock()
		t.sendMu.Unlock()
		return
	}
	t.expiry = nil
	t.status, t.closed = StatusExpired, e.clk.Now()
	j := e.eventLocked(t)
	e.mu.Unlock()
	e.deliverHeld(context.Background(), j, 1)
}

// settle runs a simulator transition (pay, fail, expire) on an ACTIVE
// transaction and returns the event to deliver. Only ACTIVE transactions
// move: a real simulator cannot pay an expired VA either.
func (e *Emulator) settle(ref, action, payer string) (job, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.st.lookup(ref)
	if err != nil {
		return job{}, err
	}
	if t.status != StatusActive {
		return job{}, fmt.Errorf("purwantara: %w: cannot %s %s %s: it is %s, and only ACTIVE transactions can be paid, failed or expired",
			emulator.ErrOrderState, action, t.ch.path, ref, t.status)
	}
	t.stopExpiry()
	now := e.clk.Now()
	switch action {
	case actPay:
		t.status, t.paid = StatusPaid, now
		if t.ch.path == "payment-link" {
			t.provider = payer
		}
	case actFail:
		t.status, t.closed = StatusFailed, now
	default:
		t.status, t.closed = StatusExpired, now
	}
	return e.eventLocked(t), nil
}

// payerParam reads the pay action's channel: who paid a payment link.
func payerParam(t string) (string, error) {
	p := strings.ToUpper(strings.TrimSpace(t))
	if p == "" {
		return paymentLinkDefaultPayer, nil
	}
	if _, ok := channelIDs[p]; !ok {
		return "", fmt.Errorf("purwantara: pay channel %q: want one of %s", t, strings.Join(providerNames(), ", "))
	}
	return p, nil
}

func providerNames() []string {
	out := make([]string, 0, len(channelIDs))
	for name := range channelIDs {
		out = append(out, name)
	}
	sortStrings(out)
	return out
}

// cancelMessage is data.message of a successful cancel. Callers read the
// key (ezhasyafaat/purwantara-laravel's cancel_virtual_account returns
// data.message next to external_id, uuid and va_number); its wording is
// ours.
const cancelMessage = "Virtual account has been cancelled."

// cancel serves POST /v1/virtual-account/cancel/{uuid}: an ACTIVE virtual
// account closes as CANCELLED and the change is notified.
func (e *Emulator) cancel(uuid string) *reply {
	e.mu.Lock()
	t := e.st.byUUID[uuid]
	switch {
	case t == nil || !t.ch.cancellable:
		e.mu.Unlock()
		return fail(http.StatusNotFound, "Virtual account not found.")
	case t.status != StatusActive:
		e.mu.Unlock()
		return fail(http.StatusUnprocessableEntity, "Virtual account is "+t.status+" and cannot be cancelled.")
	}
	t.stopExpiry()
	t.status, t.closed = StatusCancelled, e.clk.Now()
	j := e.eventLocked(t)
	data := append(t.view(), field{"message", cancelMessage})
	e.mu.Unlock()
	e.sendAfterAnswer(j)
	return ok(data)
}

// inquiry serves the GET status routes: the transaction as the create
// answer showed it, with its current status.
func (e *Emulator) inquiry(ch *channel, uuid string) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.st.byUUID[uuid]
	if t == nil || t.ch != ch {
		return fail(http.StatusNotFound, "Transaction not found.")
	}
	return ok(t.view())
}

// ListLimit is how many transactions a list answer carries at most.
const ListLimit = 100

// list serves the PHP client's GET /v1/{virtual-account,qris,counter}/list:
// the channel's kept transactions as inquiry shows them, newest first, at
// most ListLimit (Purwantara's paging is unpublished, so there is none).
func (e *Emulator) list(ch *channel) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	var all []*tx
	e.st.txs.Each(func(t *tx) {
		if t.ch == ch {
			all = append(all, t)
		}
	})
	items := make([]any, 0, min(len(all), ListLimit))
	for i := len(all) - 1; i >= 0 && len(items) < ListLimit; i-- {
		items = append(items, all[i].view())
	}
	return listed(items)
}

package emulator

import (
	"context"
	"errors"

	"github.com/uatrun/uatrun/harness/evidence"
)

// ErrUnknownAction is returned (wrapped) by Gateway.Act for an action the
// emulator does not offer; the message lists the ones it does.
var ErrUnknownAction = errors.New("unknown gateway action")

// ErrUnknownOrder is returned (wrapped) by Gateway.Act when the order
// reference was never created at the emulator.
var ErrUnknownOrder = errors.New("unknown order")

// ErrOrderState is returned (wrapped) by Gateway.Act when the order exists
// but its state does not allow the action (paying an order that is already
// cancelled, say). In a scenario this is the merchant's doing: it handed
// the shopper an order the gateway already closed, typically by reusing a
// reference.
var ErrOrderState = errors.New("order state does not allow this action")

// Gateway is what the scenario engine needs from an emulator.
type Gateway interface {
	// Name is the gateway id used in scenarios, e.g. "dana-gapura".
	Name() string
	// Calls returns the merchant's calls to one API (e.g. "create_order",
	// "query_payment", "cancel_order", "refund_order"), oldest first.
	Calls(api string) []Call
	// Act performs a control action: pay, fail, expire, respond_next,
	// notify, return_shopper, … It runs synchronously: deliveries the action
	// causes have been answered (or have failed) when it returns.
	Act(ctx context.Context, a Action) (Result, error)
	// Deliveries returns every notify delivered for an order, oldest first.
	Deliveries(order string) []Delivery
	// Actions lists the action names Act accepts, for validation and help.
	Actions() []string
	// APIs lists the API names Calls accepts.
	APIs() []string
}

// Action is a control request from a scenario step.
type Action struct {
	Name   string            // "pay", "expire", "notify", …
	Order  string            // the merchant's order reference (partnerReferenceNo / order_id)
	Params map[string]string // action-specific, e.g. variant, copies, api, code
}

// Result is what an action did.
type Result struct {
	Deliveries []Delivery          // notifies sent by this action
	Exchanges  []evidence.Exchange // every exchange the action caused
	Detail     string              // one line for the evidence
}

// Call is one merchant request the emulator received and answered.
type Call struct {
	Seq int    // global arrival order, from 1
	API string // "create_order", …
	// Order is the order reference the call names (partnerReferenceNo,
	// order_id, …), "" when it names none (token calls). The engine
	// attributes a call to the scenario that owns its order, so calls of
	// scenarios running at the same time never mix. An emulator may set
	// it; otherwise the recorder reads it from the request (OrderRef).
	Order        string
	Exchange     evidence.Exchange // request and response, redacted
	Signature    *evidence.SignatureCheck
	ResponseCode string // the 7-digit code answered
	// Hint is the emulator's explanation of a refusal ("validUpTo … is not
	// in the future"), for the evidence and the console; the merchant sees
	// it only when it asks for debug output.
	Hint string
	// Violations are protocol rules the request broke that the gateway
	// tolerates or only records (e.g. "X-EXTERNAL-ID reused within the day").
	Violations []string
}

// Delivery is one notify attempt to the merchant.
type Delivery struct {
	Order        string
	Variant      string // "valid", "wrong_key", "tampered_body", …
	Attempt      int    // 1 for the first delivery of an event, 2 for its first retry, …
	Status       int    // HTTP status the merchant answered (0 on network error)
	ResponseCode string // responseCode from the merchant's JSON answer, if any
	Acked        bool   // the answer counts as an acknowledgement for this gateway
	Error        string // network error, timeout, oversize answer
	Exchange     evidence.Exchange
}

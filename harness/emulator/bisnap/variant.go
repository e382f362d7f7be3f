package bisnap

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

// Variant is one kind of one-shot notify a scenario sends with
// `notify: NAME`. Each is defined once, here or (for a gateway's own) in
// its emulator, with one meaning for every BI-SNAP gateway; what differs
// between gateways is only the body a genuine notify carries and how
// its headers are signed (Craft).
type Variant struct {
	Name    string
	Meaning string // one line: what is sent
	// Adversarial: a notify the gateway itself would never send. The
	// others (valid, duplicate, concurrent) tell the order's true state.
	Adversarial bool
	// Copies is how many identical requests are sent by default;
	// AtOnce sends them concurrently rather than one after another.
	Copies int
	AtOnce bool
	// Params are the step params the variant takes, `copies` included.
	Params []string
	// Build crafts the request from the genuine notify.
	Build func(c Craft) (Wire, error)
}

// Craft is what a variant is built from: the genuine notify the gateway
// would send now, and how the gateway signs.
type Craft struct {
	Fields map[string]any  // the genuine notify body
	Cents  int64           // the order's amount in cents
	Now    time.Time       // the wall clock at sending (X-TIMESTAMP)
	Key    *rsa.PrivateKey // the gateway's key
	// Sign returns the headers the gateway sends with body, signed by key
	// over ts (a fresh X-EXTERNAL-ID each time).
	Sign func(body []byte, ts string, key *rsa.PrivateKey) http.Header
	// Seen is the newest genuine notify already sent: of this order for
	// replay, of the order From names for other_order_signature.
	Seen *Sent
	From string
}

// Sent is a notify as it was sent, kept so it can be sent again.
type Sent struct {
	Header http.Header
	Body   []byte
	At     time.Time // wall clock
}

// Wire is a crafted notify: headers, body, and for the evidence what was
// done to it ("" for a genuine one).
type Wire struct {
	Header http.Header
	Body   []byte
	Why    string
}

// Variant names every BI-SNAP gateway's notify steps know.
const (
	VariantValid        = "valid"
	VariantDuplicate    = "duplicate"
	VariantConcurrent   = "concurrent"
	VariantWrongKey     = "wrong_key"
	VariantTampered     = "tampered_body"
	VariantNoSignature  = "missing_signature"
	VariantNoTimestamp  = "missing_timestamp"
	VariantMalformedTS  = "malformed_timestamp"
	VariantStaleTS      = "stale_timestamp"
	VariantOtherOrder   = "other_order_signature"
	VariantReplay       = "replay"
	VariantWrongAmount  = "wrong_amount"
	ParamCopies         = "copies"
	ParamFrom           = "from"
	ConcurrentCopies    = 10
	MaxCopies           = 100
	staleBy             = time.Hour
	malformedTimeLayout = "2006-01-02T15:04:05Z"
)

var copiesOnly = []string{ParamCopies}

// Common are the variants every BI-SNAP emulator sends, in the order
// error messages list them.
var Common = []Variant{
	{Name: VariantValid, Meaning: "the genuine notify of the order's state, validly signed", Copies: 1, Params: copiesOnly, Build: genuine},
	{Name: VariantDuplicate, Meaning: "the genuine notify, the identical request twice, one after the other", Copies: 2, Params: copiesOnly, Build: genuine},
	{Name: VariantConcurrent, Meaning: "the genuine notify, ten identical requests at once", Copies: ConcurrentCopies, AtOnce: true, Params: copiesOnly, Build: genuine},
	{Name: VariantWrongKey, Meaning: "signed with a key that is not the gateway's", Adversarial: true, Params: copiesOnly, Build: wrongKey},
	{Name: VariantTampered, Meaning: "signed over the genuine body, then its amount changed to 1.00 (2.00 for a 1.00 order)", Adversarial: true, Params: copiesOnly, Build: tampered},
	{Name: VariantNoSignature, Meaning: "X-SIGNATURE removed", Adversarial: true, Params: copiesOnly, Build: without("X-SIGNATURE", "X-SIGNATURE header removed")},
	{Name: VariantNoTimestamp, Meaning: "X-TIMESTAMP removed after signing", Adversarial: true, Params: copiesOnly, Build: without("X-TIMESTAMP", "X-TIMESTAMP header removed after signing")},
	{Name: VariantStaleTS, Meaning: "X-TIMESTAMP one hour behind the wall clock, validly signed over it", Adversarial: true, Params: copiesOnly, Build: stale},
	{Name: VariantOtherOrder, Meaning: "the genuine body under the signed headers of another order's notify (from: REF, a notify really sent for REF; else a made-up order's)", Adversarial: true, Params: []string{ParamCopies, ParamFrom}, Build: otherOrder},
	{Name: VariantReplay, Meaning: "the newest genuine notify of the order, resent byte for byte with its headers", Adversarial: true, Params: copiesOnly, Build: replay},
	{Name: VariantWrongAmount, Meaning: "validly signed, but the amount is one rupiah more than the order's", Adversarial: true, Params: copiesOnly, Build: wrongAmount},
}

// MalformedTimestamp is for gateways whose notify X-TIMESTAMP has one
// documented form: DANA's yyyy-MM-ddTHH:mm:ss+07:00. Midtrans' BI-SNAP
// clients send UTC with Z, so GoPay does not offer it.
var MalformedTimestamp = Variant{Name: VariantMalformedTS, Meaning: "X-TIMESTAMP in UTC Z form instead of +07:00, validly signed over it",
	Adversarial: true, Params: copiesOnly, Build: malformed}

// Variants is a gateway's list: Common, then its own, each with params
// added (a gateway-wide param such as status).
func Variants(own []Variant, params ...string) []Variant {
	out := make([]Variant, 0, len(Common)+len(own))
	for _, v := range append(append([]Variant(nil), Common...), own...) {
		if v.Copies == 0 {
			v.Copies = 1
		}
		v.Params = append(append([]string(nil), v.Params...), params...)
		out = append(out, v)
	}
	return out
}

// Find is the variant called name in vs, or an error naming them all.
func Find(vs []Variant, gateway, name string) (Variant, error) {
	for _, v := range vs {
		if v.Name == name {
			return v, nil
		}
	}
	return Variant{}, fmt.Errorf("%s: unknown notify variant %q; valid variants: %s", gateway, name, strings.Join(Names(vs), ", "))
}

// Names lists vs's names, sorted.
func Names(vs []Variant) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Name
	}
	sort.Strings(out)
	return out
}

// Takes reports whether v takes the param.
func (v Variant) Takes(param string) bool { return Contains(v.Params, param) }

// CopiesOf reads the copies param: 1..MaxCopies, "" is v's default.
func (v Variant) CopiesOf(s string) (int, error) {
	if s == "" {
		return max(v.Copies, 1), nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxCopies {
		return 0, fmt.Errorf("copies %q must be a whole number from 1 to %d", s, MaxCopies)
	}
	return n, nil
}

// Body encodes a notify minified with keys sorted at every level and HTML
// characters escaped: what dana-go's and dana-node's parsers would
// rebuild, so a verifier of the received bytes and one of a
// re-serialisation agree.
func Body(fields map[string]any) []byte {
	b, err := json.Marshal(fields)
	if err != nil {
		return []byte("{}")
	}
	return b
}

// With is a copy of fields with k set to v.
func With(fields map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(fields)+1)
	for a, b := range fields {
		out[a] = b
	}
	out[k] = v
	return out
}

// WithAmount is a copy of fields with another amount.
func WithAmount(fields map[string]any, value string) map[string]any {
	return With(fields, "amount", Money{Value: value, Currency: "IDR"}.JSON())
}

// signed is body validly signed by c's key over ts.
func (c Craft) signed(body []byte, ts string, why string) Wire {
	return Wire{Header: c.Sign(body, ts, c.Key), Body: body, Why: why}
}

func (c Craft) stamp() string { return snap.FormatTimestamp(c.Now) }

func genuine(c Craft) (Wire, error) { return c.signed(Body(c.Fields), c.stamp(), ""), nil }

func wrongKey(c Craft) (Wire, error) {
	body := Body(c.Fields)
	return Wire{Header: c.Sign(body, c.stamp(), emulator.UntrustedKey()), Body: body, Why: "signed with a key that is not the gateway's"}, nil
}

func tampered(c Craft) (Wire, error) {
	w := c.signed(Body(c.Fields), c.stamp(), "")
	amount := TamperedAmount(c.Cents)
	w.Body, w.Why = Body(WithAmount(c.Fields, amount)), "signed over the true body, then amount changed to "+amount
	return w, nil
}

func without(header, why string) func(Craft) (Wire, error) {
	return func(c Craft) (Wire, error) {
		w := c.signed(Body(c.Fields), c.stamp(), why)
		w.Header.Del(header)
		return w, nil
	}
}

func stale(c Craft) (Wire, error) {
	ts := snap.FormatTimestamp(c.Now.Add(-staleBy))
	return c.signed(Body(c.Fields), ts, "X-TIMESTAMP "+ts+" is 1 h behind the wall clock at sending, validly signed"), nil
}

func malformed(c Craft) (Wire, error) {
	ts := c.Now.UTC().Format(malformedTimeLayout)
	return c.signed(Body(c.Fields), ts, "X-TIMESTAMP in UTC Z form "+ts+" (the gateway sends +07:00), signed over it"), nil
}

func wrongAmount(c Craft) (Wire, error) {
	amount := FormatCents(c.Cents + 100)
	return c.signed(Body(WithAmount(c.Fields, amount)), c.stamp(), "validly signed, but amount "+amount+" is not the order's"), nil
}

// otherOrder puts the genuine body under headers signed for another
// order: a notify really sent for From, or a made-up order's.
func otherOrder(c Craft) (Wire, error) {
	body := Body(c.Fields)
	if c.From != "" {
		if c.Seen == nil {
			return Wire{}, fmt.Errorf("%w: notify %s from %s: no notify has been sent for order %s yet; pay it first (its notify lends the signature)",
				emulator.ErrOrderState, VariantOtherOrder, c.From, c.From)
		}
		return Wire{Header: c.Seen.Header.Clone(), Body: body, Why: "this order's true body under the headers (X-TIMESTAMP " +
			c.Seen.Header.Get("X-TIMESTAMP") + ", X-EXTERNAL-ID, X-SIGNATURE) of the notify sent for order " + c.From}, nil
	}
	w := c.signed(Body(MadeUpOrder(c.Fields)), c.stamp(), "headers of a validly signed notify for another order")
	w.Body = body
	return w, nil
}

func replay(c Craft) (Wire, error) {
	if c.Seen == nil {
		return Wire{}, fmt.Errorf("%w: replay resends the newest notify sent for the order, and none was sent yet (pay, fail or expire it first)", emulator.ErrOrderState)
	}
	return Wire{Header: c.Seen.Header.Clone(), Body: c.Seen.Body, Why: "an exact copy of the notify sent at " +
		snap.FormatTimestamp(c.Seen.At) + " (same body, X-TIMESTAMP " + c.Seen.Header.Get("X-TIMESTAMP") + ", X-EXTERNAL-ID and X-SIGNATURE), sent again"}, nil
}

// MadeUpOrder is fields naming a different, made-up order of 1.00.
func MadeUpOrder(fields map[string]any) map[string]any {
	out := WithAmount(fields, "1.00")
	out["originalPartnerReferenceNo"] = fmt.Sprint(fields["originalPartnerReferenceNo"]) + "-OTHER"
	out["originalReferenceNo"] = fmt.Sprint(fields["originalReferenceNo"]) + "9"
	return out
}

// TamperedAmount is the classic pay-less forgery: 1.00 (2.00 if the order
// really is 1.00).
func TamperedAmount(cents int64) string {
	if cents == 100 {
		return "2.00"
	}
	return "1.00"
}

// Step reads a notify step's params: the variant (valid when none is
// named) and its copies (the variant's default when none are given). A
// param the variant does not take, such as from on anything but
// other_order_signature, is refused.
func Step(vs []Variant, gateway string, p map[string]string) (Variant, int, error) {
	name := p["variant"]
	if name == "" {
		name = VariantValid
	}
	v, err := Find(vs, gateway, name)
	if err != nil {
		return Variant{}, 0, err
	}
	if p[ParamFrom] != "" && !v.Takes(ParamFrom) {
		return Variant{}, 0, fmt.Errorf("%s: notify param from names the order whose notify lends its headers to %s; variant %s takes none",
			gateway, VariantOtherOrder, name)
	}
	copies, err := v.CopiesOf(p[ParamCopies])
	if err != nil {
		return Variant{}, 0, fmt.Errorf("%s: %w", gateway, err)
	}
	return v, copies, nil
}

// FinishStatus reads a DANA notify step's status param: the finish notify
// is 00 (paid, the default) or 05 (closed).
func FinishStatus(gateway, s string) (string, error) {
	switch s {
	case "":
		return "00", nil
	case "00", "05":
		return s, nil
	}
	return "", fmt.Errorf("%s: notify status %q: a finish notify is 00 (paid) or 05 (closed)", gateway, s)
}

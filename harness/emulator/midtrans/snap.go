package midtrans

import (
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
)

// maxOrderID is Midtrans' order_id length limit.
const maxOrderID = 50

// orderIDPattern is the character set Midtrans allows in order_id.
var orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9\-_~.]+$`)

// expiryUnits maps Snap's expiry.unit words (singular and plural) to durations.
var expiryUnits = map[string]time.Duration{
	"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour,
}

// expiryStartLayout is Snap's expiry.start_time: "yyyy-MM-dd HH:mm:ss Z".
const expiryStartLayout = "2006-01-02 15:04:05 -0700"

// snapReq is a validated Snap create-transaction body.
type snapReq struct {
	orderID     string
	gross       int64
	expiresAt   time.Time // the Snap page's (token's) expiry
	expiryDur   time.Duration
	expiryFixed bool
	deadline    time.Time // expiry with start_time: the payment's deadline
	finishURL   string
	email, name string
}

// snapChecker gathers error_messages the way Snap lists them: all at once.
type snapChecker struct {
	msgs, violations []string
}

func (c *snapChecker) bad(msg string) { c.msgs = append(c.msgs, msg) }

// createTransaction is POST /snap/v1/transactions: validate, refuse a used
// order_id, then store a pending transaction with its expiry timer.
func (e *Emulator) createTransaction(in *inbound) *reply {
	if !gjson.ValidBytes(in.Body) || !gjson.ParseBytes(in.Body).IsObject() {
		return snapError(http.StatusBadRequest, "the body must be one JSON object", "Invalid JSON: the request body must be a JSON object")
	}
	// expiry.start_time is the merchant's wall-clock time: judge it on the
	// wall clock, then carry the remaining lifetime on the test clock.
	wall := e.wall.Now()
	c := &snapChecker{}
	r := validateSnap(c, gjson.ParseBytes(in.Body), wall)
	in.Violations = append(in.Violations, c.violations...)
	if len(c.msgs) > 0 {
		return snapError(http.StatusBadRequest, "see error_messages; the Snap request reference is at https://snap-docs.midtrans.com/#json-objects", c.msgs...)
	}
	override, appendURLs := e.notifyHeaders(in)
	base := e.publicBase(in.Req)
	e.mu.Lock()
	defer e.mu.Unlock()
	hint := ""
	switch prev := e.st.byOrder[r.orderID]; {
	case prev == nil:
	case !prev.chosen && (prev.status == StatusPending || prev.status == StatusExpire || prev.snapCanceled):
		// Snap lets a merchant re-create a token for an order_id whose
		// shopper has not chosen a payment method yet: the old token and
		// redirect_url stop working ("Re-creating Snap Token for
		// Particular Order", Snap advanced features).
		e.retire(prev)
		hint = "order_id " + quote(r.orderID) + " was used by token " + prev.token + ", whose shopper had not chosen a payment method: " +
			"Midtrans issues a new token and the old token and redirect_url stop working"
	case prev.status == StatusExpire || prev.status == StatusCancel:
		// An expired or cancelled transaction frees its order_id (Expire
		// Transaction; Error Code and Response Code: "call API /cancel to
		// re-use the Order ID"). The old transaction stays known by its
		// transaction_id.
		delete(e.st.byID, prev.token)
		hint = "order_id " + quote(r.orderID) + " was used by transaction " + prev.transactionID + ", which is " + prev.status +
			": Midtrans lets the order_id be used again; the old transaction stays readable by its transaction_id"
	default:
		return snapError(http.StatusBadRequest, "order_id "+quote(r.orderID)+" was already used by transaction "+prev.transactionID+
			" (token "+prev.token+"), whose shopper has chosen a payment method; Midtrans then refuses the order_id, so every checkout attempt needs a new one",
			usedOrderID)
	}
	t := e.newTxn(r, r.expiresAt.Sub(wall))
	t.override, t.appendURLs = override, appendURLs
	return &reply{status: http.StatusCreated, code: "201", hint: hint,
		body: map[string]any{"token": t.token, "redirect_url": base + redirectPath + t.token}}
}

// usedOrderID is Snap's refusal of an order_id already utilized, in
// Midtrans' published wording ("You will get API error message
// transaction_details.order_id sudah digunakan", Re-creating Snap Token
// for Particular Order, Snap advanced features).
const usedOrderID = "transaction_details.order_id sudah digunakan"

// retire forgets a Snap transaction replaced by a new token for the same
// order_id; e.mu is held.
func (e *Emulator) retire(t *txn) {
	t.stopExpiry()
	delete(e.st.byID, t.token)
	delete(e.st.byID, t.transactionID)
	e.st.txns = slices.DeleteFunc(e.st.txns, func(x *txn) bool { return x == t })
}

// validateSnap checks the fields Midtrans checks (§2.2).
func validateSnap(c *snapChecker, doc gjson.Result, now time.Time) snapReq {
	r := snapReq{expiresAt: now.Add(DefaultExpiry)}
	td := doc.Get("transaction_details")
	if !td.IsObject() {
		c.bad("transaction_details is required")
		return r
	}
	r.orderID = checkOrderID(c, td.Get("order_id"))
	r.gross = checkGross(c, td.Get("gross_amount"))
	checkItems(c, doc.Get("item_details"), r.gross)
	checkExpiry(c, &r, doc.Get("expiry"), now)
	checkPageExpiry(c, &r, doc.Get("page_expiry"), now)
	if f := doc.Get("callbacks.finish"); f.Exists() {
		if err := emulator.CheckAbsURL(f.String()); err != nil {
			c.bad("callbacks.finish must be an absolute URL")
		}
		r.finishURL = f.String()
	}
	cd := doc.Get("customer_details")
	r.email = cd.Get("email").String()
	r.name = strings.TrimSpace(cd.Get("first_name").String() + " " + cd.Get("last_name").String())
	if cd.Get("shipping_address").Exists() && cd.Get("customer_address").Exists() {
		c.violations = append(c.violations, "customer_details has both shipping_address and customer_address; Midtrans documents shipping_address")
	}
	return r
}

func checkOrderID(c *snapChecker, v gjson.Result) string {
	switch {
	case !v.Exists() || v.Type == gjson.Null || v.String() == "":
		c.bad("transaction_details.order_id is required")
	case v.Type != gjson.String:
		c.bad("transaction_details.order_id must be a string")
	case len(v.Str) > maxOrderID:
		c.bad("transaction_details.order_id is too long (maximum is 50 characters)")
	case !orderIDPattern.MatchString(v.Str):
		c.bad("transaction_details.order_id contains invalid characters (allowed: letters, digits, - _ ~ .)")
	default:
		return v.Str
	}
	return ""
}

// checkGross wants a positive whole number of rupiah. A numeric string is
// tolerated (and recorded); a fraction is refused, since IDR at Midtrans
// has no minor unit.
func checkGross(c *snapChecker, v gjson.Result) int64 {
	if !v.Exists() || v.Type == gjson.Null {
		c.bad("transaction_details.gross_amount is required")
		return 0
	}
	if v.Type == gjson.String {
		if !gjson.Valid(v.Str) || gjson.Parse(v.Str).Type != gjson.Number {
			c.bad("transaction_details.gross_amount must be a number")
			return 0
		}
		c.violations = append(c.violations, "transaction_details.gross_amount sent as a string "+quote(v.Str)+"; Midtrans documents an integer")
		v = gjson.Parse(v.Str)
	}
	if v.Type != gjson.Number {
		c.bad("transaction_details.gross_amount must be a number")
		return 0
	}
	f := v.Float()
	switch {
	case f != math.Trunc(f):
		c.bad("transaction_details.gross_amount must be an integer (IDR has no decimals at Midtrans)")
	case f < 1:
		c.bad("transaction_details.gross_amount must be greater than or equal to 1")
	case f > 1e15:
		c.bad("transaction_details.gross_amount is too large")
	default:
		return int64(f)
	}
	return 0
}

// checkItems: when item_details are sent, each needs a name, an integer
// price and a positive quantity, and they must add up to gross_amount.
func checkItems(c *snapChecker, items gjson.Result, gross int64) {
	if !items.Exists() {
		return
	}
	if !items.IsArray() {
		c.bad("item_details must be an array")
		return
	}
	var sum float64
	for i, it := range items.Array() {
		p := "item_details[" + itoa(i) + "]"
		if it.Get("name").String() == "" {
			c.bad(p + ".name is required")
		}
		price, qty := it.Get("price"), it.Get("quantity")
		if price.Type != gjson.Number || price.Float() != math.Trunc(price.Float()) {
			c.bad(p + ".price must be an integer")
		}
		if qty.Type != gjson.Number || qty.Int() < 1 {
			c.bad(p + ".quantity must be a positive integer")
		}
		sum += price.Float() * float64(qty.Int())
	}
	if gross > 0 && len(c.msgs) == 0 && sum != float64(gross) {
		c.bad("transaction_details.gross_amount is not equal to the sum of item_details")
	}
}

// Expiry bounds: "Minimum accepted expiry is 5 mins, max is 7 days"
// (Expire a Snap Session, Additional Info).
const (
	minExpiry = 5 * time.Minute
	maxExpiry = 7 * 24 * time.Hour
)

// expiryDuration reads {unit, duration} of expiry or page_expiry and
// checks Midtrans' bounds; ok is false when a message was added.
func expiryDuration(c *snapChecker, name string, v gjson.Result) (time.Duration, bool) {
	unit, ok := expiryUnits[strings.ToLower(v.Get("unit").String())]
	if !ok {
		c.bad(name + ".unit must be one of minute, hour, day")
		return 0, false
	}
	d := v.Get("duration")
	if d.Type != gjson.Number || d.Int() < 1 || d.Float() != math.Trunc(d.Float()) {
		c.bad(name + ".duration must be a positive integer")
		return 0, false
	}
	if d.Float() > float64(maxExpiry/unit) {
		c.bad(name + " must be at most 7 days")
		return 0, false
	}
	dur := time.Duration(d.Int()) * unit
	if dur < minExpiry || dur > maxExpiry {
		c.bad(name + " must be between 5 minutes and 7 days")
		return 0, false
	}
	return dur, true
}

// checkExpiry reads Snap's optional expiry {start_time, unit, duration}:
// with start_time one deadline for the page and the payment; without it
// the page lasts the duration and the payment window counts from the
// shopper's choice (Custom Transaction Expiry).
func checkExpiry(c *snapChecker, r *snapReq, v gjson.Result, now time.Time) {
	if !v.Exists() {
		return
	}
	dur, ok := expiryDuration(c, "expiry", v)
	if !ok {
		return
	}
	s := v.Get("start_time").String()
	if s == "" {
		r.expiryDur, r.expiresAt = dur, now.Add(dur)
		return
	}
	start, err := time.Parse(expiryStartLayout, s)
	if err != nil {
		c.bad("expiry.start_time must be in the format yyyy-MM-dd HH:mm:ss Z, e.g. 2026-01-02 15:04:05 +0700")
		return
	}
	r.expiresAt, r.expiryFixed = start.Add(dur), true
	r.deadline = r.expiresAt
	if !r.expiresAt.After(now) {
		c.bad("expiry is in the past")
	}
}

// checkPageExpiry reads page_expiry {unit, duration}: how long the Snap
// page (token) stays open before a method is chosen; it takes priority
// over expiry for the page and does not change the payment window
// (Expire a Snap Session). No notification is sent when it lapses.
func checkPageExpiry(c *snapChecker, r *snapReq, v gjson.Result, now time.Time) {
	if !v.Exists() {
		return
	}
	if dur, ok := expiryDuration(c, "page_expiry", v); ok {
		r.expiresAt = now.Add(dur)
	}
}

// notifyHeaders reads X-Override-Notification (replaces the dashboard
// URL) and X-Append-Notification (adds to it): at most 3 URLs each,
// comma-separated, as midtrans-go sends them.
func (e *Emulator) notifyHeaders(in *inbound) (override, appendURLs []string) {
	return e.urlList(in, "X-Override-Notification"), e.urlList(in, "X-Append-Notification")
}

// targetsLocked is where t's notifications go now: like Midtrans, the
// dashboard URL is read when the notification is sent; e.mu is held.
func (e *Emulator) targetsLocked(t *txn) []string {
	if len(t.override) > 0 {
		return t.override
	}
	var out []string
	if e.dash.notifyURL != "" {
		out = append(out, e.dash.notifyURL)
	}
	return append(out, t.appendURLs...)
}

func (e *Emulator) urlList(in *inbound, header string) []string {
	v := strings.TrimSpace(in.Req.Header.Get(header))
	if v == "" {
		return nil
	}
	var out []string
	for _, u := range strings.Split(v, ",") {
		u = strings.TrimSpace(u)
		if err := emulator.CheckAbsURL(u); err != nil {
			in.Violations = append(in.Violations, header+": "+err.Error()+"; ignored")
			continue
		}
		out = append(out, u)
	}
	if len(out) > 3 {
		in.Violations = append(in.Violations, header+" lists more than 3 URLs; Midtrans uses the first 3")
		out = out[:3]
	}
	return out
}

// newTxn stores a pending transaction and arms its expiry; e.mu is held.
func (e *Emulator) newTxn(r snapReq, lifetime time.Duration) *txn {
	clk := clock.View(e.clk)
	now := clk.Now()
	t := &txn{clk: clk, orderID: r.orderID, transactionID: newUUID(), token: newUUID(), gross: r.gross,
		status: StatusPending, fraud: FraudAccept, finishURL: r.finishURL,
		email: r.email, name: r.name, created: now, expiresAt: r.expiresAt,
		expiryDur: r.expiryDur, expiryFixed: r.expiryFixed, deadline: r.deadline}
	e.st.txns = append(e.st.txns, t)
	e.st.byOrder[t.orderID] = t
	e.st.byID[t.transactionID] = t
	e.st.byID[t.token] = t
	t.expiry = clk.AfterFunc(lifetime, func() { e.expireByTimer(t) })
	return t
}

// publicBase is where redirect_url points: the configured base, else the
// started server, else the host the merchant called.
func (e *Emulator) publicBase(r *http.Request) string {
	return e.host.BaseURL(e.o.PublicBaseURL, r)
}

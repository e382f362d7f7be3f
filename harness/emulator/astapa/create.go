package astapa

import (
	"crypto/subtle"
	"math"
	"net/http"
	"net/mail"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/evidence"
)

// maxOrderID bounds order_id (Midtrans' limit, since Astapa passes it on ⚠).
const maxOrderID = 50

// createPayment is POST /api/platform/shop-payment: credentials, then
// fields, then a unique order_id, then a pending payment.
func (e *Emulator) createPayment(in *inbound) *reply {
	doc := gjson.ParseBytes(in.Body)
	if !gjson.ValidBytes(in.Body) || !doc.IsObject() {
		return fail(http.StatusBadRequest, "invalid_json", "Request body must be a JSON object", "send Content-Type: application/json and a JSON object")
	}
	if rep := e.authenticate(in, doc); rep != nil {
		return rep
	}
	p, errs := validateCreate(doc)
	if len(errs) > 0 {
		return validationError(errs)
	}
	if ct := in.Req.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		in.Violations = append(in.Violations, "Content-Type is "+quote(ct)+"; Astapa documents application/json")
	}
	if from := browserOrigin(in.Req); from != "" {
		in.Violations = append(in.Violations, "the create was sent from a browser ("+from+"); Astapa: server-side only, "+
			"never call it from the browser, the client_secret is in the body")
	}
	base := e.publicBase(in.Req)
	now := e.clk.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if prev := e.st.byOrder[p.orderID]; prev != nil {
		return fail(http.StatusConflict, "duplicate_order_id", "order_id has already been used",
			"order_id "+quote(p.orderID)+" was used by purchase "+prev.purchaseID+"; Astapa requires a unique order_id per payment")
	}
	e.addPaymentLocked(p, now)
	return &reply{status: http.StatusOK, body: map[string]any{
		"invoice_url": base + "/invoice/" + p.purchaseID, "order_id": p.orderID, "purchase_id": p.purchaseID}}
}

// browserOrigin names the header that shows a request came from a web
// page (Origin, or Sec-Fetch-Mode other than navigate), or "".
func browserOrigin(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		return "Origin: " + clipText(o, 100)
	}
	if m := r.Header.Get("Sec-Fetch-Mode"); m != "" && m != "navigate" {
		return "Sec-Fetch-Mode: " + clipText(m, 40)
	}
	return ""
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// authenticate compares client_id and client_secret in constant time and
// records the check; the secret itself never reaches evidence.
func (e *Emulator) authenticate(in *inbound, doc gjson.Result) *reply {
	id, secret := doc.Get("client_id").String(), doc.Get("client_secret").String()
	ok := subtle.ConstantTimeCompare([]byte(id), []byte(e.o.ClientID)) == 1 &&
		subtle.ConstantTimeCompare([]byte(secret), []byte(e.o.ClientSecret)) == 1
	in.auth = &evidence.SignatureCheck{Scheme: AuthScheme, Valid: ok,
		Detail: "client_id and client_secret match the project's credentials"}
	switch {
	case id == "" || secret == "":
		in.auth.Detail = "client_id or client_secret is missing from the body"
	case !ok:
		in.auth.Detail = "client_id or client_secret is not the project's"
	}
	if ok {
		return nil
	}
	return fail(http.StatusUnauthorized, "unauthorized", "Invalid client credentials",
		"client_id and client_secret (server-side only) must be the project's; "+in.auth.Detail)
}

// validateCreate checks the documented fields (§4) and returns field → problems.
func validateCreate(doc gjson.Result) (*payment, map[string][]string) {
	errs := map[string][]string{}
	p := &payment{status: StatusPending, purchaseID: newPurchaseID()}
	p.orderID = checkOrderID(errs, doc.Get("order_id"))
	p.amount = checkAmount(errs, doc.Get("amount"))
	email := doc.Get("buyer_email")
	switch {
	case email.Type != gjson.String || strings.TrimSpace(email.Str) == "":
		errs["buyer_email"] = append(errs["buyer_email"], "The buyer email field is required.")
	default:
		if a, err := mail.ParseAddress(email.Str); err != nil || a.Address != email.Str {
			errs["buyer_email"] = append(errs["buyer_email"], "The buyer email must be a valid email address.")
		}
		p.buyerEmail = email.Str
	}
	p.buyerName, p.item = doc.Get("buyer_name").String(), doc.Get("item_name").String()
	if md := doc.Get("metadata"); md.Exists() && md.Type != gjson.Null {
		if !md.IsObject() {
			errs["metadata"] = append(errs["metadata"], "The metadata must be an object.")
		} else if m, ok := md.Value().(map[string]any); ok {
			p.metadata = m
		}
	}
	return p, errs
}

func checkOrderID(errs map[string][]string, v gjson.Result) string {
	switch {
	case v.Type != gjson.String || strings.TrimSpace(v.Str) == "":
		errs["order_id"] = append(errs["order_id"], "The order id field is required and must be a string.")
	case len(v.Str) > maxOrderID:
		errs["order_id"] = append(errs["order_id"], "The order id may not be greater than 50 characters.")
	default:
		return v.Str
	}
	return ""
}

// checkAmount wants a JSON integer of rupiah: "15000.00", "15000" or
// 15000.5 are all refused, since the field is documented as integer IDR.
func checkAmount(errs map[string][]string, v gjson.Result) int64 {
	switch {
	case !v.Exists() || v.Type == gjson.Null:
		errs["amount"] = append(errs["amount"], "The amount field is required.")
	case v.Type != gjson.Number || v.Float() != math.Trunc(v.Float()) || strings.ContainsAny(v.Raw, ".eE"):
		errs["amount"] = append(errs["amount"], "The amount must be an integer.")
	case v.Int() < 1:
		errs["amount"] = append(errs["amount"], "The amount must be at least 1.")
	default:
		return v.Int()
	}
	return 0
}

// validationError is HTTP 422 with every problem, Laravel-style ⚠.
func validationError(errs map[string][]string) *reply {
	fields := make([]string, 0, len(errs))
	for f := range errs {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	out := map[string]any{}
	var msgs []string
	for _, f := range fields {
		out[f] = errs[f]
		msgs = append(msgs, errs[f]...)
	}
	return &reply{status: http.StatusUnprocessableEntity,
		hint: "amount is an integer number of rupiah; order_id and buyer_email are required",
		body: map[string]any{"error": "validation_error", "message": strings.Join(msgs, " "), "errors": out}}
}

// addPaymentLocked stores a pending payment and arms its expiry; e.mu is held.
func (e *Emulator) addPaymentLocked(p *payment, now time.Time) {
	p.created, p.expiresAt = now, now.Add(DefaultExpiry)
	e.st.add(p)
	p.expiry = e.clk.AfterFunc(DefaultExpiry, func() { e.expireByTimer(p) })
}

// publicBase is where invoice_url points.
func (e *Emulator) publicBase(r *http.Request) string {
	return e.host.BaseURL(e.o.PublicBaseURL, r)
}

// verify is GET /api/platform/shop-payment/verify?order_id=: public, no
// credentials, the payment's status in Midtrans' words.
func (e *Emulator) verify(in *inbound) *reply {
	id := in.Req.URL.Query().Get("order_id")
	if id == "" {
		return fail(http.StatusBadRequest, "validation_error", "The order id field is required.", "pass ?order_id=<your order_id>")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.byOrder[id]
	if p == nil {
		return fail(http.StatusNotFound, "not_found", "Payment not found", "no shop payment with order_id "+quote(id)+" was created at this emulator")
	}
	body := map[string]any{"order_id": p.orderID, "status": p.status, "store_name": e.storeName(p)}
	if slug := metaString(p, "store_slug"); slug != "" {
		body["redirect_url"] = e.storeURL(in.Req, slug)
	}
	return &reply{status: http.StatusOK, body: body}
}

// storeURL is where the buyer goes back to: the store at store_slug (⚠
// Astapa's real pattern is not published; verify's redirect_url and the
// callback page agree on this one).
func (e *Emulator) storeURL(r *http.Request, slug string) string {
	return e.publicBase(r) + "/" + url.PathEscape(slug)
}

func (e *Emulator) storeName(p *payment) string {
	if n := metaString(p, "store_name"); n != "" {
		return n
	}
	return e.o.StoreName
}

func metaString(p *payment, key string) string {
	s, _ := p.metadata[key].(string)
	return s
}

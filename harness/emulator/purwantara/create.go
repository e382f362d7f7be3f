package purwantara

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
)

var (
	amountPattern = regexp.MustCompile(`^\d{1,13}(\.\d{1,4})?$`)
	phonePattern  = regexp.MustCompile(`^(\+62|62|0)8\d{7,12}$`)
)

// maxText is Laravel's usual string|max:255.
const maxText = 255

// createReq is a validated create body.
type createReq struct {
	ref, merchantTrxID, name, title, description string
	provider, customerPhone, returnURL           string
	amount                                       int64
	expires                                      time.Time
}

// fieldErrors collects validation errors in field order.
type fieldErrors struct {
	names []string
	msgs  []string
}

func (f *fieldErrors) add(name, msg string) {
	if !slices.Contains(f.names, name) {
		f.names = append(f.names, name)
		f.msgs = append(f.msgs, msg)
	}
}

// reply is the 422 answer: every invalid field's message, in field order,
// in error.message (Purwantara's error object has no per-field list).
func (f *fieldErrors) reply() *reply {
	if len(f.msgs) == 0 {
		return nil
	}
	return invalid(strings.Join(f.msgs, " "))
}

// human turns a field name into Laravel's attribute wording.
func human(field string) string { return strings.ReplaceAll(field, "_", " ") }

// create serves POST /v1/{channel}.
func (e *Emulator) create(ch *channel) handler {
	return func(in *inbound) *reply {
		doc := gjson.ParseBytes(in.Body)
		if !gjson.ValidBytes(in.Body) || !doc.IsObject() {
			return fail(http.StatusBadRequest, "The request body must be one JSON object (Content-Type: application/json).")
		}
		req, rep := e.validate(ch, doc, in)
		if rep != nil {
			return rep
		}
		t, rep := e.open(ch, req, e.base(in.Req))
		if rep != nil {
			return rep
		}
		e.sendCreateWebhook(t)
		return created(t.view())
	}
}

// validate checks the body the way a Laravel FormRequest would: every rule
// of every field, all errors reported at once.
func (e *Emulator) validate(ch *channel, doc gjson.Result, in *inbound) (createReq, *reply) {
	var errs fieldErrors
	var r createReq
	r.amount = amountField(doc, ch.amountField, &errs)
	r.ref = textField(doc, ch.refField, true, &errs)
	for _, f := range ch.required {
		textField(doc, f, true, &errs)
	}
	r.merchantTrxID = textField(doc, "merchant_trx_id", false, &errs)
	r.name = textField(doc, "name", false, &errs)
	r.title = textField(doc, "title", false, &errs)
	r.description = textField(doc, ch.descField, false, &errs)
	r.provider = providerField(doc, ch, &errs)
	r.customerPhone = textField(doc, "customer_phone", false, &errs)
	if r.customerPhone != "" && !phonePattern.MatchString(r.customerPhone) {
		errs.add("customer_phone", "The customer phone format is invalid.")
	}
	r.returnURL = textField(doc, ch.returnField, false, &errs)
	if r.returnURL != "" && emulator.CheckAbsURL(r.returnURL) != nil {
		errs.add(ch.returnField, "The "+human(ch.returnField)+" must be a valid URL.")
	}
	textField(doc, ch.channelField, false, &errs) // an e-wallet's payment_channel: a string when sent
	r.expires = e.expiryField(doc, ch, &errs, in)
	return r, errs.reply()
}

// amountField reads a positive amount given as a JSON number or a numeric
// string with at most 4 decimals, in ten-thousandths.
func amountField(doc gjson.Result, name string, errs *fieldErrors) int64 {
	v := doc.Get(name)
	text := strings.TrimSpace(v.Str)
	if v.Type == gjson.Number {
		text = v.Raw
	}
	switch {
	case !v.Exists() || v.Type == gjson.Null || (v.Type == gjson.String && text == ""):
		errs.add(name, "The "+human(name)+" field is required.")
		return 0
	case (v.Type != gjson.Number && v.Type != gjson.String) || !amountPattern.MatchString(text):
		errs.add(name, "The "+human(name)+" must be a number.")
		return 0
	}
	whole, frac, _ := strings.Cut(text, ".")
	frac = (frac + "0000")[:4]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n <= 0 {
		errs.add(name, "The "+human(name)+" must be greater than 0.")
		return 0
	}
	return n
}

// textField reads an optional or required string of at most 255 bytes.
func textField(doc gjson.Result, name string, required bool, errs *fieldErrors) string {
	if name == "" {
		return ""
	}
	v := doc.Get(name)
	switch {
	case !v.Exists() || v.Type == gjson.Null || (v.Type == gjson.String && strings.TrimSpace(v.Str) == ""):
		if required {
			errs.add(name, "The "+human(name)+" field is required.")
		}
		return ""
	case v.Type != gjson.String:
		errs.add(name, "The "+human(name)+" must be a string.")
		return ""
	case len(v.Str) > maxText:
		errs.add(name, fmt.Sprintf("The %s must not be greater than %d characters.", human(name), maxText))
		return ""
	}
	return strings.TrimSpace(v.Str)
}

// providerField reads the bank or outlet; channels with one provider
// ignore the field (QRIS records the acquirer it names, if any).
func providerField(doc gjson.Result, ch *channel, errs *fieldErrors) string {
	if ch.providerField == "" {
		return ch.fixedProvider
	}
	p := strings.ToUpper(textField(doc, ch.providerField, false, errs))
	switch {
	case p == "" && ch.fixedProvider != "":
		return ch.fixedProvider
	case p == "":
		return "" // reported as required
	case ch.providers != nil && !slices.Contains(ch.providers, p):
		errs.add(ch.providerField, "The selected "+human(ch.providerField)+" is invalid.")
		return ""
	}
	return p
}

// expiryLayouts are the date forms accepted (PHP's date('Y-m-d\TH:i:sP')
// first, as Purwantara's client sends).
var expiryLayouts = []string{time.RFC3339, time.RFC3339Nano, "2006-01-02 15:04:05"}

// expiryField reads the requested expiry: after now, and beyond
// MaxValidity only with a recorded violation. Absent means now + Expiry.
func (e *Emulator) expiryField(doc gjson.Result, ch *channel, errs *fieldErrors, in *inbound) time.Time {
	now := e.wall.Now() // the merchant's clock, not the test clock
	s := textField(doc, ch.expiryField, false, errs)
	if s == "" {
		return now.Add(e.o.Expiry)
	}
	var t time.Time
	var err error
	for _, layout := range expiryLayouts {
		if t, err = time.ParseInLocation(layout, s, jakarta); err == nil {
			break
		}
	}
	switch {
	case err != nil:
		errs.add(ch.expiryField, "The "+human(ch.expiryField)+" is not a valid date.")
	case !t.After(now):
		errs.add(ch.expiryField, "The "+human(ch.expiryField)+" must be a date after now.")
	case t.Sub(now) > e.o.MaxValidity:
		in.Violations = append(in.Violations, fmt.Sprintf("%s %s is more than %s ahead; accepted, but the emulator's bound is Options.MaxValidity",
			ch.expiryField, s, e.o.MaxValidity))
	}
	return t
}

// open records a new ACTIVE transaction and arms its expiry. A reference
// already used on this channel (on this bank or acquirer for virtual
// accounts and QRIS) is Laravel's unique-rule 422.
func (e *Emulator) open(ch *channel, r createReq, base string) (*tx, *reply) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if prev := e.st.byRef[refKey(ch, r.provider, r.ref)]; prev != nil {
		return nil, invalid("The " + human(ch.refField) + " has already been taken.")
	}
	now := e.clk.Now()
	t := &tx{uuid: newUUID(), ref: r.ref, merchantTrxID: r.merchantTrxID, ch: ch, name: r.name,
		title: r.title, description: r.description, provider: r.provider, customerPhone: r.customerPhone,
		returnURL: r.returnURL, amount: r.amount, status: StatusActive, created: now, expires: r.expires}
	if ch.path == "payment-link" {
		// Until paid, a link's webhook names OVO (channel_id 8) as the
		// published sample of an ACTIVE link does (seed 002 §4 Step 1);
		// pay's channel param says how it was paid.
		t.provider = paymentLinkDefaultPayer
	}
	t.instrument = instrument(ch, channelID(r.provider), e.st.nextSeq())
	t.link = base + "/simulator/" + t.uuid
	if ch.extra == "checkout_url" || ch.extra == "payment_link_url" {
		t.instrument = t.link
	}
	e.st.add(t)
	// r.expires is wall-clock time; the remaining lifetime runs on the
	// test clock.
	t.expiry = e.clk.AfterFunc(r.expires.Sub(e.wall.Now()), func() { e.expire(t) })
	return t, nil
}

// instrument is the channel's payment number or code. They are unique and
// well formed but reach no bank: pay through the simulator instead.
func instrument(ch *channel, id, seq int) string {
	switch ch.extra {
	case "va_number":
		return fmt.Sprintf("88%02d%010d", id, seq)
	case "payment_code":
		return fmt.Sprintf("%02d%010d", id, seq)
	case "qr_string":
		return fmt.Sprintf("00020101021226630019ID.PURWANTARA.UAT0118%018d5204599953033605802ID5914PURWANTARA UAT6007JAKARTA6304%04X", seq, seq%0x10000)
	}
	return ""
}

// sendCreateWebhook notifies the new ACTIVE transaction right after the
// create answer, as a real gateway does after its commit.
func (e *Emulator) sendCreateWebhook(t *tx) {
	if e.o.SkipCreateWebhook {
		return
	}
	e.mu.Lock()
	job := e.eventLocked(t)
	e.mu.Unlock()
	e.sendAfterAnswer(job)
}

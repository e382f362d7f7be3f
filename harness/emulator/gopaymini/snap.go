package gopaymini

import (
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// Signature schemes, as evidence names them.
const (
	TokenSignatureScheme = "SNAP asymmetric RSA-SHA256 (clientId|X-TIMESTAMP)"
	SignatureScheme      = "SNAP symmetric HMAC-SHA512"
	NotifySignature      = "SNAP asymmetric RSA-SHA256"
)

var (
	b2bHeaders = []string{"Content-Type", "X-TIMESTAMP", "X-CLIENT-KEY", "X-SIGNATURE"}
	txHeaders  = []string{"Content-Type", "Authorization", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"}
	channelID  = regexp.MustCompile(`^\d{5}$`)
	moneyValue = regexp.MustCompile(`^\d{1,16}\.\d{2}$`)
	wholeValue = regexp.MustCompile(`^\d{1,16}$`)
)

// checkCommon checks presence, Content-Type and X-TIMESTAMP.
func (e *Emulator) checkCommon(in *call, mandatory []string) (*reply, string) {
	h := in.Req.Header
	for _, name := range mandatory {
		if strings.TrimSpace(h.Get(name)) == "" {
			return in.api.mandatory(name, "BI-SNAP requires the headers "+strings.Join(mandatory, ", ")+"; "+name+" was missing or empty"), ""
		}
	}
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || mt != "application/json" {
		return in.api.format("Content-Type", "Content-Type must be application/json, got "+quote(h.Get("Content-Type"))), ""
	}
	ts := h.Get("X-TIMESTAMP")
	t, err := snap.ParseISOTimestamp(ts)
	if err != nil {
		return in.api.format("X-TIMESTAMP", err.Error()+"; send ISO-8601 such as 2026-03-19T14:30:00+07:00"), ""
	}
	if skew := e.o.TimestampSkew; skew > 0 {
		now := e.wall.Now()
		if d := t.Sub(now).Abs(); d > skew {
			return in.api.format("X-TIMESTAMP", "X-TIMESTAMP "+quote(ts)+" is "+d.Round(time.Second).String()+
				" away from the gateway's clock "+snap.FormatTimestamp(now)+"; allowed skew is "+skew.String()), ""
		}
	}
	return nil, ts
}

// authB2B checks the access-token request: X-CLIENT-KEY and the RSA
// signature over clientId|X-TIMESTAMP.
func (e *Emulator) authB2B(in *call) *reply {
	rep, ts := e.checkCommon(in, b2bHeaders)
	if rep != nil {
		return rep
	}
	client := in.Req.Header.Get("X-CLIENT-KEY")
	if e.o.PartnerID != "" && client != e.o.PartnerID {
		return in.api.fail(http.StatusUnauthorized, "00", "Unauthorized. Unknown Client", "X-CLIENT-KEY "+quote(client)+" is not this merchant's client id")
	}
	sts := snap.TokenStringToSign(client, ts)
	check := &evidence.SignatureCheck{Scheme: TokenSignatureScheme}
	in.sig = check
	if err := snap.VerifyRSA(e.o.MerchantPublicKey, sts, strings.TrimSpace(in.Req.Header.Get("X-SIGNATURE"))); err != nil {
		check.Detail = err.Error() + "; expected a signature over " + sts
		return in.api.fail(http.StatusUnauthorized, "00", "Unauthorized. Invalid Signature",
			"X-SIGNATURE must be base64(SHA256withRSA(your private key, X-CLIENT-KEY + \"|\" + X-TIMESTAMP)) = over "+quote(sts)+": "+err.Error())
	}
	check.Valid, check.Detail = true, sts
	return nil
}

// b2bToken issues a B2B access token, valid for 900 seconds on the test
// clock.
func (e *Emulator) b2bToken(in *call) *reply {
	grant := firstString(in, "grantType", "grant_type")
	switch {
	case grant == "":
		return in.api.mandatory("grantType", `the body must be {"grantType":"client_credentials"}`)
	case grant != "client_credentials":
		return in.api.format("grantType", "grantType must be client_credentials, got "+quote(grant))
	}
	if in.doc.Get("grant_type").Exists() {
		in.Violations = append(in.Violations, "grant_type in snake case: the ASPI contract and Midtrans' page spell it grantType (accepted)")
	}
	tok := B2BTokenPrefix + token(32)
	t := &b2bToken{}
	t.age.Age(e.clk) // issued now, on the clock current now
	e.mu.Lock()
	e.st.b2b.Put(tok, t)
	e.mu.Unlock()
	if e.o.Redactor != nil {
		e.o.Redactor.AddIssued(tok)
	}
	return in.api.ok(map[string]any{"accessToken": tok, "tokenType": "Bearer",
		"expiresIn": strconv.Itoa(int(B2BTokenValidity / time.Second))})
}

// callClockLocked is the test clock a BI-SNAP call is judged on: the
// clock of the payment it names (the scenario that created it, whenever
// and from wherever the call comes: a reconciler, a queue, a status read
// while another scenario acts), else the clock current now (a new
// payment is created by the scenario acting). e.mu is held.
func (e *Emulator) callClockLocked(in *call) clock.Clock {
	if !in.TooBig && emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth) == nil {
		for _, k := range []string{"originalPartnerReferenceNo", "partnerReferenceNo", "originalReferenceNo"} {
			v := gjson.GetBytes(in.Body, k)
			if v.Type != gjson.String || v.Str == "" {
				continue
			}
			if p := e.st.byPartnerRef[v.Str]; p != nil && p.clk != nil {
				return p.clk
			}
			if p := e.st.byRef[v.Str]; p != nil && p.clk != nil {
				return p.clk
			}
		}
	}
	return clock.View(e.clk)
}

// liveLocked reports whether t is younger than its 900 s on c (a clock
// it has not been seen on starts its age there); e.mu is held.
func (e *Emulator) liveLocked(t *b2bToken, c clock.Clock) bool {
	return t.age.Age(c) < B2BTokenValidity
}

// authTransaction checks a BI-SNAP transaction call: headers, the B2B
// token, X-PARTNER-ID and the HMAC-SHA512 signature.
func (e *Emulator) authTransaction(in *call) *reply {
	rep, ts := e.checkCommon(in, txHeaders)
	if rep != nil {
		return rep
	}
	h := in.Req.Header
	if ch := h.Get("CHANNEL-ID"); !channelID.MatchString(ch) {
		return in.api.format("CHANNEL-ID", "CHANNEL-ID is a 5-digit number (GoPay Mini App guide), got "+quote(ch))
	}
	if len(h.Get("X-EXTERNAL-ID")) > 36 {
		return in.api.format("X-EXTERNAL-ID", "X-EXTERNAL-ID is at most 36 characters")
	}
	tok, ok := strings.CutPrefix(strings.TrimSpace(h.Get("Authorization")), "Bearer ")
	tok = strings.TrimSpace(tok)
	e.mu.Lock()
	t, _ := e.st.b2b.Get(tok)
	live := t != nil && e.liveLocked(t, e.callClockLocked(in))
	e.mu.Unlock()
	switch {
	case !ok || t == nil:
		return in.api.fail(http.StatusUnauthorized, "01", "Invalid Token (B2B)",
			"Authorization must be Bearer <accessToken> from POST /v1.0/access-token/b2b")
	case !live:
		return in.api.fail(http.StatusUnauthorized, "01", "Invalid Token (B2B)",
			"the B2B access token expired (expiresIn 900 s, on this scenario's test clock); request a new one and retry")
	}
	in.tok = tok
	if p := h.Get("X-PARTNER-ID"); e.o.PartnerID != "" && p != e.o.PartnerID {
		return in.api.fail(http.StatusUnauthorized, "00", "Unauthorized. Unknown X-PARTNER-ID", "X-PARTNER-ID "+quote(p)+" is not this merchant's client id")
	}
	check := &evidence.SignatureCheck{Scheme: SignatureScheme}
	in.sig = check
	sts, err := snap.SymmetricStringToSign(http.MethodPost, in.Req.URL.Path, tok, in.Body, ts)
	if err != nil {
		check.Detail = "cannot build the string to sign: " + err.Error()
		return nil // answered as an invalid body
	}
	shown := strings.Replace(sts, tok, "<accessToken>", 1)
	if err := snap.VerifyHMAC(e.o.ClientSecret, sts, strings.TrimSpace(h.Get("X-SIGNATURE"))); err != nil {
		check.Detail = err.Error() + "; expected a signature over " + shown
		return in.api.fail(http.StatusUnauthorized, "00", "Unauthorized. Invalid Signature",
			"X-SIGNATURE must be base64(HMAC-SHA512(client secret, POST:<path>:<accessToken>:<lowercase hex SHA-256 of the minified body>:<X-TIMESTAMP>)) = over "+shown)
	}
	check.Valid, check.Detail = true, shown
	e.trackExternalID(in)
	return nil
}

// trackExternalID records an X-EXTERNAL-ID reused within the day
// (bisnap.ExternalIDs says for how long and how). Only authenticated
// calls reach it.
func (e *Emulator) trackExternalID(in *call) {
	ext := in.Req.Header.Get("X-EXTERNAL-ID")
	e.mu.Lock()
	defer e.mu.Unlock()
	if first, reused := e.st.extIDs.Use(in.Req.Header.Get("X-PARTNER-ID"), ext, in.Seq, e.wall.Now(), e.clk); reused {
		in.Violations = append(in.Violations, bisnap.ReuseViolation(ext, first))
	}
}

// money reads an amount object {value, currency}.
func readMoney(in *call, v gjson.Result, field string) (string, int64, *reply) {
	if !v.IsObject() || !v.Get("value").Exists() {
		return "", 0, in.api.mandatory(field, field+" must be {\"value\":\"15000.00\",\"currency\":\"IDR\"}")
	}
	val := v.Get("value")
	if val.Type != gjson.String {
		return "", 0, in.api.format(field+".value", field+".value is a string such as \"15000.00\"")
	}
	s := val.Str
	switch {
	case moneyValue.MatchString(s):
	case wholeValue.MatchString(s):
		in.Violations = append(in.Violations, field+".value "+quote(s)+" has no decimals; BI-SNAP amounts are \"<digits>.<2 digits>\" (accepted, as Midtrans' own example sends it)")
		s += ".00"
	default:
		return "", 0, in.api.format(field+".value", field+".value "+quote(s)+" is not an amount such as \"15000.00\"")
	}
	if c := v.Get("currency").String(); c != "IDR" {
		return "", 0, in.api.format(field+".currency", field+".currency must be IDR, got "+quote(c))
	}
	cents, _ := strconv.ParseInt(strings.Replace(s, ".", "", 1), 10, 64)
	if cents <= 0 {
		return "", 0, in.api.format(field+".value", field+".value must be more than zero")
	}
	return s, cents, nil
}

func formatCents(c int64) string {
	return strconv.FormatInt(c/100, 10) + "." + strconv.FormatInt(c%100/10, 10) + strconv.FormatInt(c%10, 10)
}

// createPayment is payment-host-to-host: it creates a GoPay payment and
// answers the deeplink the mini app opens with launchPayment.
func (e *Emulator) createPayment(in *call) *reply {
	a, d := in.api, in.doc
	ref := d.Get("partnerReferenceNo").String()
	switch {
	case strings.TrimSpace(ref) == "":
		return a.mandatory("partnerReferenceNo", "partnerReferenceNo is your unique id of this payment")
	case len(ref) > 64:
		return a.format("partnerReferenceNo", "partnerReferenceNo is at most 64 characters")
	}
	mid := d.Get("merchantId").String()
	if strings.TrimSpace(mid) == "" {
		return a.mandatory("merchantId", "merchantId is your Midtrans merchant id")
	}
	if e.o.MerchantID != "" && mid != e.o.MerchantID {
		return a.fail(http.StatusNotFound, "08", "Invalid Merchant", "merchantId "+quote(mid)+" is not this merchant")
	}
	amountV, field := d.Get("amount"), "amount"
	if !amountV.Exists() {
		amountV, field = d.Get("payOptionDetails.0.transAmount"), "payOptionDetails.transAmount"
	}
	value, cents, rep := readMoney(in, amountV, field)
	if rep != nil {
		return rep
	}
	pop := d.Get("additionalInfo.popId").String()
	if pop == "" {
		pop = d.Get("additionalInfo.pop_id").String()
	}
	switch {
	case pop == "" && e.o.PopIDMissing == PopIDReject:
		return a.mandatory("additionalInfo.popId", "mini-app payments carry the PoP ID GoPay issued in the body of BI-SNAP calls (GoPay Mini App guide); without it GoPay cannot route the payment to the mini app")
	case pop == "":
		in.Violations = append(in.Violations, "no PoP ID in additionalInfo.popId: GoPay cannot route the payment to the mini app")
	case e.o.PopID != "" && pop != e.o.PopID:
		return a.format("additionalInfo.popId", "PoP ID "+quote(pop)+" is not the one issued for this mini app")
	}
	var returnURL, notifyURL string
	for _, u := range append(d.Get("urlParam").Array(), d.Get("urlParams").Array()...) {
		if u.IsObject() {
			switch u.Get("type").String() {
			case "PAY_RETURN":
				returnURL = u.Get("url").String()
			case "NOTIFICATION":
				notifyURL = u.Get("url").String()
			}
		}
	}
	for _, u := range []string{returnURL, notifyURL} {
		if u != "" {
			if err := emulator.CheckAbsURL(u); err != nil {
				return a.format("urlParam.url", err.Error())
			}
		}
	}
	var expiry time.Duration
	if v := d.Get("validUpTo"); v.Exists() {
		t, err := snap.ParseISOTimestamp(v.String())
		if err != nil {
			return a.format("validUpTo", err.Error())
		}
		if expiry = t.Sub(e.wall.Now()); expiry <= 0 {
			return a.format("validUpTo", "validUpTo "+quote(v.String())+" is not in the future")
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.st.byPartnerRef[ref]; p != nil {
		if p.cents != cents || p.merchantID != mid {
			return a.fail(http.StatusNotFound, "18", "Inconsistent Request", "partnerReferenceNo "+quote(ref)+
				" was already used for a payment of "+p.value+"; use a new partnerReferenceNo for a new payment")
		}
		in.Violations = append(in.Violations, "payment-host-to-host repeated for partnerReferenceNo "+quote(ref)+"; answered as the first time")
		return &reply{status: http.StatusOK, code: a.success, body: decodeAnswer(p.answer)}
	}
	now := e.clk.Now()
	p := &payment{partnerRef: ref, referenceNo: e.st.nextID("A1"), merchantID: mid, partnerID: in.Req.Header.Get("X-PARTNER-ID"),
		popID: pop, value: value, currency: "IDR", cents: cents, status: StatusPending, returnURL: returnURL,
		notifyURL: notifyURL, created: now, refunds: map[string]*refund{}, clk: clock.View(e.clk)}
	page := e.BaseURL(e.o.PageBaseURL, in.Req) + "/gopay/pay/" + p.referenceNo
	out := a.ok(map[string]any{"referenceNo": p.referenceNo, "partnerReferenceNo": ref,
		"webRedirectUrl": page, "appRedirectUrl": page + "?via=app",
		"additionalInfo": map[string]any{"popId": pop}})
	p.answer = encodeJSON(out.body)
	if expiry > 0 {
		p.expiry = e.clk.AfterFunc(expiry, func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			if p.status == StatusPending && !p.forgotten {
				p.status, p.finished = StatusExpired, e.clk.Now()
			}
		})
	}
	e.st.addPayment(p)
	return out
}

// findPayment looks a payment up by the original references in the body.
func (e *Emulator) findPaymentLocked(in *call) (*payment, *reply) {
	pref, ref := in.doc.Get("originalPartnerReferenceNo").String(), in.doc.Get("originalReferenceNo").String()
	if pref == "" && ref == "" {
		return nil, in.api.mandatory("originalPartnerReferenceNo", "name the payment by originalPartnerReferenceNo (or originalReferenceNo)")
	}
	p := e.st.byPartnerRef[pref]
	if p == nil {
		p = e.st.byRef[ref]
	}
	if p == nil {
		return nil, in.api.fail(http.StatusNotFound, "01", "Transaction Not Found", "no payment "+quote(pref+ref)+" was created")
	}
	return p, nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return snap.FormatTimestamp(t)
}

// queryPayment answers the payment's latestTransactionStatus.
func (e *Emulator) queryPayment(in *call) *reply {
	switch sc := in.doc.Get("serviceCode").String(); {
	case sc == "":
		return in.api.mandatory("serviceCode", `serviceCode names the original service: "54" for payment-host-to-host`)
	case sc != "54":
		return in.api.format("serviceCode", `serviceCode must be "54" (payment-host-to-host), got `+quote(sc))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p, rep := e.findPaymentLocked(in)
	if rep != nil {
		return rep
	}
	f := map[string]any{"originalPartnerReferenceNo": p.partnerRef, "originalReferenceNo": p.referenceNo, "serviceCode": "54",
		"latestTransactionStatus": statusCodes[p.status], "transactionStatusDesc": statusDesc[p.status],
		"amount": map[string]any{"value": p.value, "currency": p.currency}}
	info := map[string]any{"popId": p.popID}
	if !p.paid.IsZero() {
		f["paidTime"] = stamp(p.paid)
	}
	if p.refunded > 0 {
		info["refundAmount"] = map[string]any{"value": formatCents(p.refunded), "currency": p.currency}
	}
	f["additionalInfo"] = info
	return in.api.ok(f)
}

// cancelPayment cancels a payment not yet paid.
func (e *Emulator) cancelPayment(in *call) *reply {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, rep := e.findPaymentLocked(in)
	if rep != nil {
		return rep
	}
	switch p.status {
	case StatusPending:
		p.status, p.finished = StatusCancelled, e.clk.Now()
		if p.expiry != nil {
			p.expiry.Stop()
		}
	case StatusCancelled:
	default:
		return in.api.fail(http.StatusForbidden, "00", "Transaction Not Permitted",
			"payment "+quote(p.partnerRef)+" is "+p.status+"; only a pending payment can be cancelled (refund a paid one)")
	}
	return in.api.ok(map[string]any{"originalPartnerReferenceNo": p.partnerRef, "originalReferenceNo": p.referenceNo,
		"cancelTime": stamp(p.finished)})
}

// refundPayment refunds part or all of a paid payment, once per
// partnerRefundNo.
func (e *Emulator) refundPayment(in *call) *reply {
	a := in.api
	rno := in.doc.Get("partnerRefundNo").String()
	if strings.TrimSpace(rno) == "" {
		return a.mandatory("partnerRefundNo", "partnerRefundNo is your unique id of this refund, reused on retries")
	}
	value, cents, rep := readMoney(in, in.doc.Get("refundAmount"), "refundAmount")
	if rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p, rep := e.findPaymentLocked(in)
	if rep != nil {
		return rep
	}
	answer := func(r *refund) *reply {
		return a.ok(map[string]any{"originalPartnerReferenceNo": p.partnerRef, "originalReferenceNo": p.referenceNo,
			"refundNo": r.refundNo, "partnerRefundNo": rno, "refundAmount": map[string]any{"value": r.value, "currency": "IDR"},
			"refundTime": stamp(r.at)})
	}
	if r := p.refunds[rno]; r != nil {
		if r.cents != cents {
			return a.fail(http.StatusNotFound, "18", "Inconsistent Request", "partnerRefundNo "+quote(rno)+" was already used for a refund of "+r.value)
		}
		in.Violations = append(in.Violations, "refund repeated with partnerRefundNo "+quote(rno)+"; answered as the first time, nothing refunded again")
		return answer(r)
	}
	if p.status != StatusPaid {
		return a.fail(http.StatusForbidden, "00", "Transaction Not Permitted", "payment "+quote(p.partnerRef)+" is "+p.status+"; only a paid payment can be refunded")
	}
	if len(p.refunds) >= MaxRefunds {
		return a.fail(http.StatusForbidden, "00", "Transaction Not Permitted", "payment "+quote(p.partnerRef)+" already has "+
			strconv.Itoa(MaxRefunds)+" refunds, as many as this emulator takes for one payment")
	}
	if p.refunded+cents > p.cents {
		return a.fail(http.StatusForbidden, "02", "Exceeds Transaction Amount Limit", "refunding "+value+" would exceed the paid "+p.value+
			" (already refunded "+formatCents(p.refunded)+")")
	}
	r := &refund{refundNo: e.st.nextID("RF"), value: value, cents: cents, at: e.clk.Now()}
	p.refunds[rno] = r
	p.refunded += cents
	if p.refunded == p.cents {
		p.status = StatusRefunded
	}
	return answer(r)
}

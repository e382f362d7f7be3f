package gopaymini

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/evidence"
)

// CredentialScheme names the token exchange's credential check in evidence.
const CredentialScheme = "HTTP Basic mini-app credential"

// authCredential checks the token exchange's Authorization header: the
// credential GoPay emailed, as HTTP Basic. A wrong or missing one is 401.
func (e *Emulator) authCredential(in *call) *reply {
	got := strings.TrimSpace(in.Req.Header.Get("Authorization"))
	check := &evidence.SignatureCheck{Scheme: CredentialScheme}
	in.sig = check
	switch {
	case got == "":
		check.Detail = "no Authorization header"
		return miniFail(http.StatusUnauthorized, "UNAUTHORIZED", "the Authorization header is missing: send the credential GoPay emailed as Authorization: Basic base64(client_id:client_secret)")
	case !strings.HasPrefix(got, "Basic "):
		scheme, _, _ := strings.Cut(got, " ")
		check.Detail = "scheme " + quote(scheme) + ", want Basic"
		return miniFail(http.StatusUnauthorized, "UNAUTHORIZED", "the token exchange authenticates with HTTP Basic (the mini-app credential), not "+quote(scheme))
	case subtle.ConstantTimeCompare([]byte(got), []byte(e.basic)) != 1:
		check.Detail = "Basic credential does not match the mini-app credential"
		return miniFail(http.StatusUnauthorized, "UNAUTHORIZED", "the Basic credential is not this mini app's client_id:client_secret")
	}
	check.Valid, check.Detail = true, "Basic credential matches the mini-app credential"
	return nil
}

// authUser checks the user access token of the GoPay back-end APIs.
func (e *Emulator) authUser(in *call) *reply {
	got := strings.TrimSpace(in.Req.Header.Get("Authorization"))
	tok, ok := strings.CutPrefix(got, "Bearer ")
	if !ok || tok == "" {
		return miniFail(http.StatusUnauthorized, "UNAUTHORIZED", "send the user's access token from the token exchange as Authorization: Bearer <access_token>")
	}
	e.mu.Lock()
	u, _ := e.st.tokens.Get(strings.TrimSpace(tok))
	e.mu.Unlock()
	if u == nil {
		return miniFail(http.StatusUnauthorized, "UNAUTHORIZED", "the access token is not one this gateway issued (a B2B payment token, an auth code or a made-up value?)")
	}
	in.user = u
	return nil
}

// tokenExchange trades a getAuthCode code for the user's access token. A
// code is single use and valid for six minutes on the test clock.
func (e *Emulator) tokenExchange(in *call) *reply {
	code := firstString(in, "auth_code", "authCode", "code")
	if code == "" {
		return miniFail(http.StatusBadRequest, "INVALID_REQUEST", `the body must carry the auth code from getAuthCode: {"auth_code":"…"}`)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, _ := e.st.codes.Get(code)
	switch {
	case c == nil:
		return miniFail(http.StatusBadRequest, "INVALID_AUTH_CODE", "auth code "+quote(code)+" was never issued by getAuthCode")
	case c.usedBy != 0:
		return miniFail(http.StatusBadRequest, "AUTH_CODE_USED", "auth code "+quote(code)+" was already exchanged (call #"+strconv.Itoa(c.usedBy)+
			"); an auth code is single use: cache the access token per user instead")
	case c.age.Age(e.clk) >= AuthCodeValidity:
		return miniFail(http.StatusBadRequest, "AUTH_CODE_EXPIRED", "auth code "+quote(code)+" was issued at "+c.issued.Format("15:04:05")+
			" and is valid for 6 minutes; call getAuthCode again")
	}
	c.usedBy = in.Seq
	tok := UserTokenPrefix + token(24)
	e.st.tokens.Put(tok, c.user)
	if e.o.Redactor != nil {
		e.o.Redactor.AddIssued(tok)
	}
	return miniOK(map[string]any{"access_token": tok, "token_type": "Bearer", "account_id": c.user.accountID})
}

// profile is Get Profile: only for a user who gave consent.
func (e *Emulator) profile(in *call) *reply {
	e.mu.Lock()
	u := *in.user
	e.mu.Unlock()
	if !u.consent {
		return miniFail(http.StatusForbidden, "CONSENT_REQUIRED", "the user has not given consent to share their profile; ask with getConsent and handle a refusal")
	}
	return miniOK(map[string]any{"account_id": u.accountID, "name": "GoPay User " + u.accountID[len(u.accountID)-4:],
		"phone_number": "+62812" + u.accountID[len(u.accountID)-7:], "email": strings.ToLower(u.accountID) + "@example.com"})
}

// cashback sends GoPay Coins from the merchant's wallet, once per
// reference_id.
func (e *Emulator) cashback(in *call) *reply {
	ref := in.doc.Get("reference_id").String()
	amountV := in.doc.Get("amount")
	if strings.TrimSpace(ref) == "" {
		return miniFail(http.StatusBadRequest, "INVALID_REQUEST", "reference_id is mandatory: your own id for this disbursement, reused on every retry")
	}
	amount, err := strconv.ParseInt(amountV.Raw, 10, 64)
	if amountV.Type == gjson.String {
		amount, err = strconv.ParseInt(amountV.Str, 10, 64)
	}
	if err != nil || amount <= 0 || amount > 100_000_000 {
		return miniFail(http.StatusBadRequest, "INVALID_REQUEST", "amount must be a whole number of GoPay Coins from 1 to 100000000, got "+quote(amountV.Raw))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if prev, _ := e.st.cashbacks.Get(ref); prev != nil {
		if prev.amount != amount || prev.accountID != in.user.accountID {
			return miniFail(http.StatusConflict, "DUPLICATE_REFERENCE", "reference_id "+quote(ref)+" was already used for another disbursement (amount "+
				strconv.FormatInt(prev.amount, 10)+" to "+prev.accountID+")")
		}
		// A retry of the same disbursement: the same answer, no second credit.
		return &reply{status: http.StatusOK, code: "200", body: decodeAnswer(prev.answer)}
	}
	if amount > e.st.wallet {
		return miniFail(http.StatusBadRequest, "INSUFFICIENT_BALANCE", "the merchant wallet holds "+strconv.FormatInt(e.st.wallet, 10)+
			" GoPay Coins, less than "+strconv.FormatInt(amount, 10)+"; top it up before disbursing")
	}
	e.st.wallet -= amount
	in.user.coins += amount
	rep := miniOK(map[string]any{"reference_id": ref, "transaction_id": e.st.nextID("CB"), "account_id": in.user.accountID,
		"amount": amount, "status": "SUCCESS"})
	e.st.cashbacks.Put(ref, &cashback{ref: ref, accountID: in.user.accountID, amount: amount, answer: encodeJSON(rep.body)})
	return rep
}

// reminderCreate sets up a reminder for the user.
func (e *Emulator) reminderCreate(in *call) *reply {
	title, msg := in.doc.Get("title").String(), in.doc.Get("message").String()
	if strings.TrimSpace(title) == "" || strings.TrimSpace(msg) == "" {
		return miniFail(http.StatusBadRequest, "INVALID_REQUEST", "title and message are mandatory")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	id := e.st.nextID("RM")
	e.st.reminders.Put(id, in.user.accountID)
	return miniOK(map[string]any{"reminder_id": id, "account_id": in.user.accountID})
}

// reminderDelete removes one of the user's reminders.
func (e *Emulator) reminderDelete(in *call) *reply {
	id := lastSegment(in.Req.URL.Path)
	e.mu.Lock()
	defer e.mu.Unlock()
	if owner, ok := e.st.reminders.Get(id); !ok || owner != in.user.accountID {
		return miniFail(http.StatusNotFound, "NOT_FOUND", "reminder "+quote(id)+" does not exist for this user")
	}
	e.st.reminders.Del(id)
	return miniOK(map[string]any{"reminder_id": id, "status": "DELETED"})
}

var templateID = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// push sends a push notification from a template and its parameters.
func (e *Emulator) push(in *call) *reply {
	id := in.doc.Get("template_id").String()
	if !templateID.MatchString(id) {
		return miniFail(http.StatusBadRequest, "INVALID_REQUEST", "template_id is mandatory: the id of a push template agreed with GoPay")
	}
	params := in.doc.Get("template_parameters")
	if params.Exists() {
		if !params.IsObject() {
			return miniFail(http.StatusBadRequest, "INVALID_REQUEST", "template_parameters must be an object of string values")
		}
		bad := ""
		params.ForEach(func(k, v gjson.Result) bool {
			if v.Type != gjson.String {
				bad = k.String()
				return false
			}
			return true
		})
		if bad != "" {
			return miniFail(http.StatusBadRequest, "INVALID_REQUEST", "template_parameters."+bad+" must be a string")
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return miniOK(map[string]any{"notification_id": e.st.nextID("PN"), "account_id": in.user.accountID, "status": "SENT"})
}

// firstString returns the first of the fields that holds a string.
func firstString(in *call, fields ...string) string {
	for _, f := range fields {
		if v := in.doc.Get(f); v.Type == gjson.String && strings.TrimSpace(v.Str) != "" {
			return v.Str
		}
	}
	return ""
}

func lastSegment(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// decodeAnswer turns a stored answer back into a body.
func decodeAnswer(b []byte) map[string]any {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return map[string]any{}
	}
	return m
}

package danawidget

import (
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
)

// Grant types of Apply Token.
const (
	grantAuthCode = "AUTHORIZATION_CODE"
	grantRefresh  = "REFRESH_TOKEN"
)

// resourceTypes are the user resources Apply OTT and Query User Profile
// know (dana-go widget/v1 enum ResourceType).
var resourceTypes = []string{"BALANCE", "TOPUP_URL", "TRANSACTION_URL", "OTT", "MASK_DANA_ID", "USER_KYC", "LOGIN_ID",
	"CLEAR_TEXT_DANA_ID", "NICKNAME", "FULLNAME", "KTP_NUMBER", "KTP_PHOTO_DATA", "SELFIE_PHOTO_DATA", "AVATAR_URL", "MASKED_FULLNAME"}

// applyToken answers service 74: an authorization code, or a refresh
// token, for a customer access token.
func (e *Emulator) applyToken(in *inbound) *bisnap.Reply {
	s := in.svc.Service
	c := bisnap.NewChecker(s)
	grant, _ := c.OneOf(in.doc.Get("grantType"), "grantType", grantAuthCode, grantRefresh)
	var code, refresh string
	switch grant {
	case grantAuthCode:
		code, _ = c.Str(in.doc.Get("authCode"), "authCode", 256)
		if strings.ContainsAny(code, "&=") {
			c.Bad("authCode", "authCode contains '&' or '=': send only the authCode value from the redirect, not the query string")
		}
	case grantRefresh:
		refresh, _ = c.Str(in.doc.Get("refreshToken"), "refreshToken", 512)
	}
	if rep := c.Result(); rep != nil {
		return rep
	}
	unauthorized := func(msg, debug string) *bisnap.Reply { return s.Unauthorized(bisnap.CaseGeneral, msg, debug) }
	now := e.clk.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	var b *binding
	if grant == grantAuthCode {
		ac, _ := e.st.codes.Get(code)
		switch {
		case ac == nil || (e.o.PartnerID == "" && ac.partnerID != "" && ac.partnerID != in.Req.Header.Get("X-CLIENT-KEY")):
			return unauthorized("Unauthorized. Invalid Auth Code", "this authCode was never issued to this merchant; exchange the authCode DANA put on your redirectUrl")
		case ac.used:
			return unauthorized("Unauthorized. Auth Code Used", "an authCode is single use and was already exchanged; keep the tokens from the first exchange")
		case ac.issued.Older(e.clk, e.o.AuthCodeTTL):
			return unauthorized("Unauthorized. Auth Code Expired", "the authCode expired "+e.o.AuthCodeTTL.String()+
				" after it was issued; exchange it as soon as the user returns, or send the user through the OAuth page again")
		}
		ac.used = true
		b = e.newBindingLocked(ac.phone, ac.partnerID, ac.merchantID, now)
	} else {
		b = e.st.byRefr[refresh]
		switch {
		case b == nil || b.refresh != refresh:
			return unauthorized("Unauthorized. Invalid Refresh Token", "this refreshToken is unknown or was already used; every refresh returns a new refreshToken to keep")
		case b.revoked != "":
			return unauthorized("Unauthorized. Invalid Refresh Token", "the binding was ended ("+b.revoked+"); bind the account again through the OAuth page")
		case b.refreshAt.Older(e.clk, e.o.RefreshTokenTTL):
			return unauthorized("Unauthorized. Refresh Token Expired", "the refreshToken expired; bind the account again through the OAuth page")
		}
		e.rotateLocked(b, now)
	}
	return s.OK(e.tokenAnswerLocked(b))
}

// newBindingLocked opens a binding for phone with fresh tokens; e.mu held.
func (e *Emulator) newBindingLocked(phone, partnerID, merchantID string, now time.Time) *binding {
	e.st.idSeq++
	b := &binding{id: "B" + itoa(e.st.idSeq), phone: phone, partnerID: partnerID, merchantID: merchantID}
	e.st.bindings.Push(b)
	e.rotateLocked(b, now)
	return b
}

// Token prefixes: DANA's tokens are opaque; the emulator's start with
// these, so a scenario can tell that a merchant's own answer carries one
// (the evidence only ever shows tokens redacted).
const (
	AccessTokenPrefix  = "uatrun-at-"
	RefreshTokenPrefix = "uatrun-rt-"
	OTTPrefix          = "uatrun-ott-"
)

// rotateLocked gives b a new access and refresh token; the old ones stop
// working. e.mu held.
func (e *Emulator) rotateLocked(b *binding, now time.Time) {
	e.st.rotate(b, token(AccessTokenPrefix, 24), token(RefreshTokenPrefix, 32))
	b.accessExp, b.refreshExp = now.Add(e.o.AccessTokenTTL), now.Add(e.o.RefreshTokenTTL)
	b.accessAt, b.refreshAt = clock.NewStamp(e.clk), clock.NewStamp(e.clk)
	e.secret(b.access)
	e.secret(b.refresh)
}

// tokenAnswerLocked is Apply Token's success body. Expiry times are on the
// merchant's wall clock, as it would read them.
func (e *Emulator) tokenAnswerLocked(b *binding) map[string]any {
	wall := e.wall.Now()
	u := e.st.userFor(b.phone)
	return map[string]any{"tokenType": "Bearer", "accessToken": b.access,
		"accessTokenExpiryTime": stamp(wall.Add(e.o.AccessTokenTTL)), "refreshToken": b.refresh,
		"refreshTokenExpiryTime": stamp(wall.Add(e.o.RefreshTokenTTL)),
		"additionalInfo":         map[string]any{"userInfo": map[string]any{"publicUserId": u.publicUserID}}}
}

// Outcomes of resolving a customer token.
const (
	tokenOK = iota
	tokenExpired
	tokenInvalid
)

// resolveLocked judges a customer access token; e.mu held. Using a token
// the merchant itself unbound, or one it was already told is invalid, is
// recorded as a violation: the merchant kept using a binding that ended.
func (e *Emulator) resolveLocked(in *inbound, tok string) (*binding, int, string) {
	b := e.st.byAccess[tok]
	switch {
	case b == nil:
		return nil, tokenInvalid, "this accessToken was never issued by Apply Token (an authCode is not an accessToken; exchange it first)"
	case b.revoked != "":
		if b.unboundByMerchant || b.refusedAfterRevoke > 0 {
			in.Violations = append(in.Violations, "accessToken of binding "+b.id+" used after the binding ended ("+b.revoked+
				"); stop using a customer token once it is unbound or refused")
		}
		b.refusedAfterRevoke++
		return b, tokenInvalid, "the binding was ended (" + b.revoked + "); bind the account again through the OAuth page"
	case b.access != tok:
		return b, tokenInvalid, "this accessToken was replaced by a refresh; use the accessToken the last Apply Token returned"
	case b.accessAt.Older(e.clk, e.o.AccessTokenTTL):
		return b, tokenExpired, "the accessToken expired; call Apply Token with grantType REFRESH_TOKEN and your refreshToken, then retry"
	}
	return b, tokenOK, ""
}

// customer reads the customer token of a SNAP call (additionalInfo
// .accessToken, as dana-go sends it and mirrors into
// Authorization-Customer) and resolves it; e.mu held.
func (e *Emulator) customerLocked(in *inbound, c *bisnap.Checker, info gjson.Result) (*binding, *bisnap.Reply) {
	tok := info.Get("accessToken").String()
	bearer := strings.TrimSpace(strings.TrimPrefix(in.Req.Header.Get("Authorization-Customer"), "Bearer "))
	switch {
	case tok == "" && bearer != "":
		tok = bearer
	case tok != "" && bearer != "" && bearer != tok:
		in.Violations = append(in.Violations, "Authorization-Customer does not carry the additionalInfo.accessToken of the body")
	}
	if tok == "" {
		return nil, in.svc.Mandatory("additionalInfo.accessToken", "additionalInfo.accessToken is mandatory: the customer token Apply Token returned")
	}
	if !bisnap.Present(info.Get("deviceId")) {
		in.Violations = append(in.Violations, "additionalInfo.deviceId is missing; DANA's API marks it mandatory")
	}
	b, verdict, hint := e.resolveLocked(in, tok)
	switch verdict {
	case tokenExpired:
		return b, in.svc.Unauthorized(caseTokenExpired, "Token Expired", hint)
	case tokenInvalid:
		return b, in.svc.Unauthorized(caseTokenInvalid, "Invalid Customer Token", hint)
	}
	switch sandboxUsers[b.phone] {
	case userAbnormal:
		return b, in.svc.Answer(http.StatusForbidden, "05", "DANA user "+b.phone+" is DANA's sandbox user whose account status is abnormal")
	case userInactive:
		if in.svc.Name == APIBalance {
			return b, in.svc.Answer(http.StatusForbidden, "18", "DANA user "+b.phone+" is DANA's sandbox user whose account is inactive")
		}
	}
	return b, nil
}

// DANA's sandbox users whose accounts answer with a fixed code, as DANA's
// UAT script logs them in (test/python/widget/apply_ott_test.py and
// balance_inquiry_test.py: 0855100800 "user abnormal" → Apply OTT 4034905,
// Balance Inquiry 4031105; 0815919191 → Balance Inquiry 4031118 Inactive
// Account, Widget.json BalanceInquiryFailInactiveAccount).
const (
	userAbnormal = "abnormal"
	userInactive = "inactive"
)

var sandboxUsers = map[string]string{"0855100800": userAbnormal, "0815919191": userInactive}

// applyOTT answers service 49: a one-time token for the bound user.
func (e *Emulator) applyOTT(in *inbound) *bisnap.Reply {
	c := bisnap.NewChecker(in.svc.Service)
	checkResources(c, in.doc.Get("userResources"))
	info := in.doc.Get("additionalInfo")
	c.Object(info, "additionalInfo")
	if rep := c.Result(); rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b, rep := e.customerLocked(in, c, info)
	if rep != nil {
		return rep
	}
	var out []any
	for _, r := range in.doc.Get("userResources").Array() {
		if r.Str == "OTT" {
			out = append(out, map[string]any{"resourceType": "OTT", "value": e.issueOTTLocked(b)})
		}
	}
	return in.svc.OK(map[string]any{"userResources": out})
}

// issueOTTLocked mints a single-use OTT for b's user; e.mu held.
func (e *Emulator) issueOTTLocked(b *binding) string {
	v := token(OTTPrefix, 20)
	e.secret(v)
	e.st.otts.Put(v, &ott{value: v, b: b, issued: clock.NewStamp(e.clk)})
	return v
}

// checkResources: a non-empty array of known resource types.
func checkResources(c *bisnap.Checker, v gjson.Result) {
	if !c.List(v, "userResources") {
		return
	}
	for _, r := range v.Array() {
		if r.Type != gjson.String || !bisnap.Contains(resourceTypes, r.Str) {
			c.Bad("userResources", "userResources must list resource types such as OTT; got "+bisnap.Clip(r.Raw)+
				"; known: "+strings.Join(resourceTypes, ", "))
			return
		}
	}
}

// unbinding answers service 09: the binding ends and its tokens stop
// working.
func (e *Emulator) unbinding(in *inbound) *bisnap.Reply {
	c := bisnap.NewChecker(in.svc.Service)
	merchantID, _ := c.Str(in.doc.Get("merchantId"), "merchantId", 64)
	info := in.doc.Get("additionalInfo")
	c.Object(info, "additionalInfo")
	if rep := c.Result(); rep != nil {
		return rep
	}
	if rep := e.checkMerchant(in.svc.Service, merchantID); rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b, rep := e.customerLocked(in, c, info)
	if rep != nil {
		return rep
	}
	b.revoked, b.unboundByMerchant = "unbound by the merchant with Account Unbinding at "+stamp(e.clk.Now()), true
	out := map[string]any{"merchantId": merchantID, "referenceNo": e.st.nextID(e.clk.Now(), "1112090"), "unlinkResult": "SUCCESS"}
	for _, f := range []string{"partnerReferenceNo", "linkId", "subMerchantId"} {
		if v := in.doc.Get(f); v.Type == gjson.String && v.Str != "" {
			out[f] = v.Str
		}
	}
	return in.svc.OK(out)
}

// balance answers service 11: the bound user's DANA balance.
func (e *Emulator) balance(in *inbound) *bisnap.Reply {
	c := bisnap.NewChecker(in.svc.Service)
	c.OptStr(in.doc.Get("partnerReferenceNo"), "partnerReferenceNo", 64)
	if bt := in.doc.Get("balanceTypes"); bisnap.Present(bt) {
		if !bt.IsArray() {
			c.Bad("balanceTypes", "balanceTypes must be an array such as [\"BALANCE\"], got "+bisnap.Clip(bt.Raw))
		}
	}
	info := in.doc.Get("additionalInfo")
	c.Object(info, "additionalInfo")
	if rep := c.Result(); rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b, rep := e.customerLocked(in, c, info)
	if rep != nil {
		return rep
	}
	u := e.st.userFor(b.phone)
	m := bisnap.Money{Value: bisnap.FormatCents(u.balance), Currency: "IDR"}.JSON()
	out := map[string]any{"referenceNo": e.st.nextID(e.clk.Now(), "1112110"), "name": u.name,
		"accountInfos": []any{map[string]any{"balanceType": "BALANCE", "amount": m, "availableBalance": m}}}
	if v := in.doc.Get("partnerReferenceNo"); v.Type == gjson.String {
		out["partnerReferenceNo"] = v.Str
	}
	return in.svc.OK(out)
}

// checkMerchant answers 404<svc>08 Invalid Merchant for another merchantId.
func (e *Emulator) checkMerchant(s bisnap.Service, merchantID string) *bisnap.Reply {
	if e.o.MerchantID == "" || merchantID == e.o.MerchantID {
		return nil
	}
	return s.Answer(http.StatusNotFound, "08", "merchantId "+bisnap.Quote(merchantID)+" is not the merchant this gateway was configured with")
}

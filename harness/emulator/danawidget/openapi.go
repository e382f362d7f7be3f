package danawidget

import (
	"encoding/json"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// Query User Profile is a DANA Open API, not SNAP: the body is
// {"request":{"head":{…},"body":{…}},"signature":base64(SHA256withRSA(
// the request object's JSON))}, and the answer mirrors it with
// "response" and DANA's signature. Results are resultInfo codes, not
// 7-digit SNAP codes.
const (
	profileFunction = "dana.member.query.queryUserProfile"
	resultSuccess   = "SUCCESS"
	// SchemeOpenAPI names the Open API signature in evidence.
	SchemeOpenAPI = "DANA Open API RSA-SHA256 over the request object"
)

// openResult is a resultInfo the profile query answers.
type openResult struct{ status, codeID, code, msg string }

var (
	resOK           = openResult{"S", "00000000", resultSuccess, "success"}
	resParamIllegal = openResult{"F", "00000004", "PARAM_ILLEGAL", "Param illegal"}
	resBadSignature = openResult{"F", "00000005", "INVALID_SIGNATURE", "Invalid signature"}
	resTokenInvalid = openResult{"F", "00000006", "INVALID_ACCESS_TOKEN", "Invalid access token"}
	resTokenExpired = openResult{"F", "00000007", "ACCESS_TOKEN_EXPIRED", "Access token expired"}
)

// processOpenAPI authenticates the Open API envelope, then runs h.
func (e *Emulator) processOpenAPI(in *inbound, h handler) *bisnap.Reply {
	if err := emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth); err != nil {
		return e.openReply(in, resParamIllegal, nil, err.Error())
	}
	if !gjson.ValidBytes(in.Body) {
		return e.openReply(in, resParamIllegal, nil, "the body must be one JSON object {\"request\":{\"head\":…,\"body\":…},\"signature\":…}")
	}
	in.doc = gjson.ParseBytes(in.Body)
	req, sig := in.doc.Get("request"), in.doc.Get("signature")
	if !req.IsObject() || !req.Get("head").IsObject() || !req.Get("body").IsObject() {
		return e.openReply(in, resParamIllegal, nil, "Query User Profile is a DANA Open API call: wrap head and body in {\"request\":{\"head\":{…},\"body\":{…}},\"signature\":\"…\"}")
	}
	check := &evidence.SignatureCheck{Scheme: SchemeOpenAPI}
	in.sig = check
	min, _ := snap.Minify([]byte(req.Raw))
	switch {
	case sig.Type != gjson.String || sig.Str == "":
		check.Detail = "no signature in the envelope"
		return e.openReply(in, resBadSignature, nil, "sign the JSON of the request object with SHA256withRSA and put it, base64, in \"signature\"")
	case snap.VerifyRSA(e.o.MerchantPublicKey, req.Raw, sig.Str) == nil, snap.VerifyRSA(e.o.MerchantPublicKey, string(min), sig.Str) == nil:
		check.Valid, check.Detail = true, "signature over the request object ("+itoa(len(req.Raw))+" bytes)"
	default:
		check.Detail = "the signature does not verify over the request object as received"
		return e.openReply(in, resBadSignature, nil, "the signature must be base64(SHA256withRSA(merchant private key, the JSON of \"request\" exactly as sent))")
	}
	head := req.Get("head")
	if f := head.Get("function").String(); f != profileFunction {
		in.Violations = append(in.Violations, "head.function is "+bisnap.Quote(f)+", want "+profileFunction)
	}
	if id := head.Get("clientId").String(); e.o.PartnerID != "" && id != e.o.PartnerID {
		in.Violations = append(in.Violations, "head.clientId "+bisnap.Quote(id)+" is not the configured clientId")
	}
	if ov, ok := e.injected.Take(in.svc.Name); ok {
		return e.openReply(in, openResult{"F", ov.code, ov.code, ov.message}, nil, "this answer was injected by the test scenario (respond_next)")
	}
	return h(in)
}

// queryProfile answers Query User Profile with the requested resources.
func (e *Emulator) queryProfile(in *inbound) *bisnap.Reply {
	body, head := in.doc.Get("request.body"), in.doc.Get("request.head")
	res := body.Get("userResources")
	if !res.IsArray() || len(res.Array()) == 0 {
		return e.openReply(in, resParamIllegal, nil, "body.userResources must list resource types such as MASK_DANA_ID, USER_KYC, BALANCE")
	}
	for _, r := range res.Array() {
		if !bisnap.Contains(resourceTypes, r.String()) {
			return e.openReply(in, resParamIllegal, nil, "unknown resource type "+bisnap.Quote(r.String())+"; known: "+strings.Join(resourceTypes, ", "))
		}
	}
	tok := body.Get("accessToken").String()
	if tok == "" {
		tok = head.Get("accessToken").String()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b, verdict, hint := e.resolveLocked(in, tok)
	switch verdict {
	case tokenExpired:
		return e.openReply(in, resTokenExpired, nil, hint)
	case tokenInvalid:
		return e.openReply(in, resTokenInvalid, nil, hint)
	}
	u := e.st.userFor(b.phone)
	var infos []any
	for _, r := range res.Array() {
		infos = append(infos, map[string]any{"resourceType": r.Str, "value": e.resourceLocked(b, u, r.Str, e.base(in.Req))})
	}
	return e.openReply(in, resOK, infos, "")
}

// resourceLocked is one user resource's value; e.mu held.
func (e *Emulator) resourceLocked(b *binding, u *user, kind, base string) string {
	switch kind {
	case "BALANCE":
		return bisnap.FormatCents(u.balance)
	case "OTT":
		return e.issueOTTLocked(b)
	case "MASK_DANA_ID", "LOGIN_ID":
		if kind == "LOGIN_ID" {
			return u.phone
		}
		return mask(u.phone)
	case "USER_KYC":
		return u.kyc
	case "CLEAR_TEXT_DANA_ID":
		return u.danaID
	case "NICKNAME", "FULLNAME":
		return u.name
	case "MASKED_FULLNAME":
		return mask(u.name)
	case "TOPUP_URL":
		return base + "/m/portal/topup"
	case "TRANSACTION_URL":
		return base + "/m/portal/transactions"
	case "AVATAR_URL":
		return base + "/m/portal/avatar.png"
	case "KTP_NUMBER":
		return "3171" + lastDigits(u.danaID, 12)
	}
	return "" // photo data: none in the emulator
}

// mask keeps the first two and last four characters.
func mask(s string) string {
	if len(s) <= 6 {
		return strings.Repeat("*", len(s))
	}
	return s[:2] + strings.Repeat("*", len(s)-6) + s[len(s)-4:]
}

// openReply builds the signed Open API answer; Code carries resultCode so
// evidence and response_code checks read it.
func (e *Emulator) openReply(in *inbound, r openResult, infos []any, debug string) *bisnap.Reply {
	head := map[string]any{"version": "2.0", "function": profileFunction, "respTime": e.wall.Now().In(jakarta).Format("2006-01-02T15:04:05-07:00"),
		"clientId": in.doc.Get("request.head.clientId").String(), "reqMsgId": in.doc.Get("request.head.reqMsgId").String()}
	body := map[string]any{"resultInfo": map[string]any{"resultStatus": r.status, "resultCodeId": r.codeID, "resultCode": r.code, "resultMsg": r.msg}}
	if infos != nil {
		body["userResourceInfos"] = infos
	}
	resp := map[string]any{"head": head, "body": body}
	raw, _ := json.Marshal(resp)
	sig, _ := snap.SignRSA(e.o.GatewayPrivateKey, string(raw))
	return &bisnap.Reply{Code: r.code, Message: r.msg, Debug: debug,
		Fields: map[string]any{"response": json.RawMessage(raw), "signature": sig}}
}

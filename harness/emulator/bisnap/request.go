package bisnap

import (
	"crypto/rsa"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// Signature schemes, as evidence names them.
const (
	SchemeAsymmetric = "SNAP asymmetric RSA-SHA256"
	SchemeToken      = "SNAP access-token RSA-SHA256 (clientKey|X-TIMESTAMP)"
)

// Headers are the SNAP headers one kind of call must carry, checked in
// this order, with their documented length limits (checked in the same
// order, then any optional header's in name order).
type Headers struct {
	Mandatory []string
	Max       map[string]int
}

// TransactionHeaders are what every signed SNAP transaction call carries.
var TransactionHeaders = Headers{
	Mandatory: []string{"Content-Type", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"},
	Max:       map[string]int{"Content-Type": 127, "X-PARTNER-ID": 36, "X-EXTERNAL-ID": 36, "CHANNEL-ID": 5},
}

// TokenHeaders are what the access-token APIs carry: X-CLIENT-KEY instead
// of X-PARTNER-ID, and no X-EXTERNAL-ID. X-CLIENT-KEY is not checked with
// the others: DANA checks X-TIMESTAMP (presence, then format) first and
// answers a missing X-CLIENT-KEY as a signature that does not verify
// (VerifyToken) — its UAT cases send Apply Token without X-CLIENT-KEY
// and expect 4007402 for a missing X-TIMESTAMP, 4007401 for a malformed
// one (test/python/widget/apply_token_test.py, helper/api_helpers.py) and
// 4017400 for a bad signature (test/go/widget/apply_token_test.go,
// helper/request.go).
var TokenHeaders = Headers{
	Mandatory: []string{"Content-Type", "X-TIMESTAMP", "X-SIGNATURE"},
	Max:       map[string]int{"Content-Type": 127, "X-CLIENT-KEY": 36, "X-PARTNER-ID": 36},
}

// Check checks presence, then length and format, of the headers, and
// returns the parsed X-TIMESTAMP. skew > 0 also refuses an X-TIMESTAMP
// further than skew from wall.
func (hs Headers) Check(s Service, h http.Header, skew time.Duration, wall time.Time) (time.Time, *Reply) {
	for _, name := range hs.Mandatory {
		if strings.TrimSpace(h.Get(name)) == "" {
			return time.Time{}, s.Mandatory(name, "DANA requires the headers "+join(hs.Mandatory)+"; "+name+" was missing or empty")
		}
	}
	for _, name := range hs.limited() {
		if len(h.Get(name)) > hs.Max[name] {
			return time.Time{}, s.Format(name, name+" is longer than the documented limit")
		}
	}
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || mt != "application/json" {
		return time.Time{}, s.Format("Content-Type", "Content-Type must be application/json, got "+s.Wording.Quote(h.Get("Content-Type")))
	}
	ts, err := snap.ParseTimestamp(h.Get("X-TIMESTAMP"))
	if err != nil {
		return time.Time{}, s.Format("X-TIMESTAMP", err.Error())
	}
	if skew > 0 {
		if d := ts.Sub(wall).Abs(); d > skew {
			return time.Time{}, s.Format("X-TIMESTAMP", "X-TIMESTAMP "+h.Get("X-TIMESTAMP")+" is "+d.Round(time.Second).String()+
				" away from the gateway's wall clock "+snap.FormatTimestamp(wall)+"; allowed skew is "+skew.String())
		}
	}
	return ts, nil
}

// limited lists the headers with a length limit: the mandatory ones in
// their order, then the optional ones sorted, so the first breach
// answered is always the same.
func (hs Headers) limited() []string {
	var out, optional []string
	for _, name := range hs.Mandatory {
		if _, ok := hs.Max[name]; ok {
			out = append(out, name)
		}
	}
	for name := range hs.Max {
		if !Contains(hs.Mandatory, name) {
			optional = append(optional, name)
		}
	}
	sort.Strings(optional)
	return append(out, optional...)
}

// VerifyAsymmetric checks X-SIGNATURE over POST:path:sha256(minified
// body):X-TIMESTAMP with the merchant's key. The check is always returned
// for evidence; the reply is 401<svc>00 when it does not verify, nil when
// it does or when the body cannot be minified (answered later as a format
// error).
func VerifyAsymmetric(s Service, pub *rsa.PublicKey, path string, body []byte, h http.Header) (*evidence.SignatureCheck, *Reply) {
	check := &evidence.SignatureCheck{Scheme: SchemeAsymmetric}
	sig := strings.TrimSpace(h.Get("X-SIGNATURE"))
	sts, err := snap.AsymmetricStringToSign(http.MethodPost, path, body, h.Get("X-TIMESTAMP"))
	if err != nil {
		check.Detail = "cannot build the string to sign: " + err.Error()
		return check, nil
	}
	if err := snap.VerifyRSA(pub, sts, sig); err != nil {
		check.Detail = err.Error() + "; expected a signature over " + sts
		return check, s.Unauthorized(CaseGeneral, "Unauthorized. Invalid Signature",
			"X-SIGNATURE must be base64(SHA256withRSA(merchant private key, "+sts+
				")): POST, the URL path, lowercase hex SHA-256 of the minified body, X-TIMESTAMP joined by ':'. "+
				"The key registered for this merchant did not verify it: "+err.Error())
	}
	check.Valid, check.Detail = true, sts
	return check, nil
}

// VerifyToken checks an access-token API's X-SIGNATURE over
// X-CLIENT-KEY + "|" + X-TIMESTAMP.
func VerifyToken(s Service, pub *rsa.PublicKey, h http.Header) (*evidence.SignatureCheck, *Reply) {
	check := &evidence.SignatureCheck{Scheme: SchemeToken}
	if strings.TrimSpace(h.Get("X-CLIENT-KEY")) == "" {
		check.Detail = "no X-CLIENT-KEY: the signature is over X-CLIENT-KEY + \"|\" + X-TIMESTAMP"
		return check, s.Unauthorized(CaseGeneral, "Unauthorized. Invalid Signature",
			"the access-token APIs carry X-CLIENT-KEY (your clientId) and sign X-CLIENT-KEY + \"|\" + X-TIMESTAMP; "+
				"without X-CLIENT-KEY the signature cannot be verified (X-PARTNER-ID does not stand in for it)")
	}
	sts := snap.TokenStringToSign(h.Get("X-CLIENT-KEY"), h.Get("X-TIMESTAMP"))
	if err := snap.VerifyRSA(pub, sts, strings.TrimSpace(h.Get("X-SIGNATURE"))); err != nil {
		check.Detail = err.Error() + "; expected a signature over " + sts
		return check, s.Unauthorized(CaseGeneral, "Unauthorized. Invalid Signature",
			"the access-token APIs sign X-CLIENT-KEY + \"|\" + X-TIMESTAMP ("+sts+
				") with SHA256withRSA and the merchant private key, not the request body: "+err.Error())
	}
	check.Valid, check.Detail = true, sts
	return check, nil
}

// ChannelID is the CHANNEL-ID DANA's SDKs and UAT send, and DANA's
// notifies carry.
const ChannelID = "95221"

// SignNotify returns the headers a SNAP gateway sends with a notify to
// target from channel (ChannelID for DANA), signed by key over ts. A
// signature that cannot be made is left out (the receiver then sees an
// unsigned notify, as the evidence says).
func SignNotify(key *rsa.PrivateKey, channel, partnerID, externalID, target string, body []byte, ts string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-TIMESTAMP", ts)
	h.Set("X-PARTNER-ID", partnerID)
	h.Set("X-EXTERNAL-ID", externalID)
	h.Set("CHANNEL-ID", channel)
	if sts, err := snap.AsymmetricStringToSign(http.MethodPost, NotifyPath(target), body, ts); err == nil {
		if sig, err := snap.SignRSA(key, sts); err == nil {
			h.Set("X-SIGNATURE", sig)
		}
	}
	return h
}

// SelfCheck verifies a notify as sent, so evidence says honestly whether
// a crafted notify was valid. why, when set, heads the detail.
func SelfCheck(pub *rsa.PublicKey, target string, h http.Header, body []byte, why string) *evidence.SignatureCheck {
	check := &evidence.SignatureCheck{Scheme: SchemeAsymmetric}
	ts, sig := h.Get("X-TIMESTAMP"), h.Get("X-SIGNATURE")
	sts, err := snap.AsymmetricStringToSign(http.MethodPost, NotifyPath(target), body, ts)
	switch {
	case err != nil:
		check.Detail = err.Error()
	case sig == "":
		check.Detail = "no X-SIGNATURE sent"
	default:
		check.Valid = snap.VerifyRSA(pub, sts, sig) == nil
		check.Detail = sts
	}
	if why != "" {
		check.Detail = why + "; " + check.Detail
	}
	return check
}

// NotifyPath is the relative path a merchant verifies a notify with.
func NotifyPath(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

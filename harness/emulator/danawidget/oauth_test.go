package danawidget

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

// sdkOAuthURL builds an OAuth URL the way dana-go's GenerateOauthUrl does
// (widget/v1/utils.go): seamlessData query-escaped, seamlessSign (base64
// SHA256withRSA over it) appended without escaping.
func (r *rig) sdkOAuthURL(t *testing.T, phone, redirect string) (string, string) {
	ks, _ := testKeys()
	data, _ := json.Marshal(map[string]any{"mobile": phone})
	var sign string
	for i := 0; ; i++ { // find a signature with a '+' in it, the case at stake
		sign, _ = snap.SignRSA(ks[0].PrivateKey, string(data))
		if strings.Contains(sign, "+") || i > 50 {
			break
		}
		data, _ = json.Marshal(map[string]any{"mobile": phone, "verifiedTime": string(rune('a' + i%26))})
	}
	raw := r.srv.URL + oauthPath + "?partnerId=P1&scopes=CASHIER&externalId=x&channelId=1&redirectUrl=" + url.QueryEscape(redirect) +
		"&timestamp=" + url.QueryEscape(snap.FormatTimestamp(r.clk.Now())) + "&state=s1&isSnapBI=true&merchantId=M1&seamlessData=" +
		url.QueryEscape(string(data)) + "&seamlessSign=" + sign
	return raw, sign
}

// dana-go's unescaped seamlessSign ('+' read as a space) verifies as
// DANA's sandbox reads it: the binding goes through with a note, no
// violation.
func TestOAuth_SDKUnescapedSignatureAccepted(t *testing.T) {
	r := newRig(t)
	raw, sign := r.sdkOAuthURL(t, "081234567890", r.merchant.URL+"/cb")
	if !strings.Contains(sign, "+") {
		t.Skip("no signature with '+' found")
	}
	if _, err := r.e.Act(nil, emulator.Action{Name: actAuthorize, Params: map[string]string{"url": raw}}); err != nil {
		t.Fatal(err)
	}
	calls := r.e.Calls(APIOAuth)
	c := calls[len(calls)-1]
	if len(c.Violations) != 0 {
		t.Errorf("violations %v, want none", c.Violations)
	}
	if !strings.Contains(strings.Join(c.Exchange.Notes, " "), "not URL-escaped") {
		t.Errorf("notes %v, want the unescaped-signature note", c.Exchange.Notes)
	}
	r.mu.Lock()
	n := len(r.codes)
	r.mu.Unlock()
	if n != 1 {
		t.Errorf("%d redirects with an authCode, want 1", n)
	}
}

// The page's buttons keep nothing for a URL whose seamlessData is not
// signed by the merchant (or is another partner's): 403, no user, no
// authCode, no held redirect.
func TestOAuth_PageKeepsNoStateForUnauthenticated(t *testing.T) {
	r := newRig(t)
	for name, q := range map[string]url.Values{
		"unsigned seamlessData": {"partnerId": {"P1"}, "redirectUrl": {r.merchant.URL + "/cb"}, "seamlessData": {`{"mobile":"0812` + strings.Repeat("9", 9) + `"}`}},
		"bad seamlessSign":      {"partnerId": {"P1"}, "redirectUrl": {r.merchant.URL + "/cb"}, "seamlessData": {`{"mobile":"081211112222"}`}, "seamlessSign": {"AAAA"}},
		"another partner":       {"partnerId": {"P2"}, "redirectUrl": {r.merchant.URL + "/cb"}},
	} {
		rec := httptest.NewRecorder()
		r.e.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, oauthPath+"/approve?"+q.Encode(), nil))
		r.e.mu.Lock()
		users, codes, held := r.e.st.users.Len(), r.e.st.codes.Len(), len(r.e.st.held)
		r.e.mu.Unlock()
		if rec.Code != http.StatusForbidden || users+codes+held != 0 {
			t.Errorf("%s: HTTP %d, kept %d users, %d codes, %d held redirects", name, rec.Code, users, codes, held)
		}
	}
	raw, _ := r.sdkOAuthURL(t, "081234567890", r.merchant.URL+"/cb")
	rec := httptest.NewRecorder()
	u, _ := url.Parse(raw)
	r.e.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, oauthPath+"/approve?"+u.RawQuery, nil))
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "authCode=") {
		t.Errorf("a signed URL: HTTP %d to %q, want 303 with an authCode", rec.Code, rec.Header().Get("Location"))
	}
}

// The authCode goes only to a registered redirect URL; with none
// registered, only to a loopback address. Oversized URLs are refused.
func TestOAuth_RedirectLimitedToRegisteredURLs(t *testing.T) {
	r := newRig(t)
	raw, _ := r.sdkOAuthURL(t, "081234567890", "https://attacker.example/steal")
	if _, err := r.e.Act(nil, emulator.Action{Name: actAuthorize, Params: map[string]string{"url": raw}}); err == nil ||
		!strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("redirect to another host: %v", err)
	}
	r.e.o.RedirectURLs = []string{"https://shop.example/oauth/"}
	for target, ok := range map[string]bool{"https://shop.example/oauth/cb": true, "https://shop.example/other": false,
		"https://shop.example.attacker.test/oauth/cb": false, r.merchant.URL + "/cb": false} {
		if err := r.e.checkRedirect(target); (err == nil) != ok {
			t.Errorf("%s: %v, want allowed %v", target, err, ok)
		}
	}
	if _, err := r.e.readOAuth(r.srv.URL + oauthPath + "?state=" + strings.Repeat("s", maxOAuthURL)); err == nil {
		t.Error("an oversized OAuth URL was read")
	}
}

// The /_uatrun/ lists answer a page at a time, as the README says.
func TestControl_ListsArePaged(t *testing.T) {
	r := newRig(t)
	for i := range 3 {
		r.bind("08123456789" + string(rune('0'+i)))
	}
	for _, path := range []string{"/_uatrun/bindings", "/_uatrun/exchanges"} {
		rec := httptest.NewRecorder()
		r.e.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path+"?limit=2", nil))
		var page []json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || len(page) != 2 || !strings.Contains(rec.Header().Get("Link"), "after=") {
			t.Errorf("%s?limit=2: %d items (%v), Link %q", path, len(page), err, rec.Header().Get("Link"))
		}
	}
}

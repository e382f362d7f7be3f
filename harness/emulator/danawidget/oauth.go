package danawidget

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// oauthPath is the OAuth page dana-go's GenerateOauthUrl points at in API
// mode (m.sandbox.dana.id/v1.0/get-auth-code).
const oauthPath = "/v1.0/get-auth-code"

// oauthParams are the query parameters dana-go's GenerateOauthUrl writes
// in API mode, all of which the page needs.
var oauthParams = []string{"partnerId", "scopes", "externalId", "channelId", "redirectUrl", "timestamp", "state"}

// base is where the emulator's own links point.
func (e *Emulator) base(r *http.Request) string {
	if e.o.BaseURL != "" {
		return e.o.BaseURL
	}
	if u := e.URL(); u != "" || r == nil {
		return u
	}
	return e.BaseURL("", r)
}

// maxOAuthURL bounds the OAuth URL the page reads: dana-go's are a few
// hundred bytes; a longer one is refused before anything is kept.
const maxOAuthURL = 8 << 10

// phonePattern is a plausible DANA mobile number.
var phonePattern = regexp.MustCompile(`^\+?[0-9]{6,16}$`)

// oauthRequest is an OAuth URL as the page reads it.
type oauthRequest struct {
	raw, redirect, state, partnerID, merchantID, phone string
	violations, notes                                  []string
	// signed: seamlessData came with a seamlessSign that verifies with the
	// merchant's key (as sent, or as dana-go sends it unescaped).
	signed, seamless bool
}

// authenticated reports whether the page may keep state for this URL:
// the partner is the configured one and any seamlessData is signed by the
// merchant. Without seamlessData the DANA user logs in on the page, and
// the emulator's page approves as DefaultPhone.
func (r *oauthRequest) authenticated(partnerID string) bool {
	return (partnerID == "" || r.partnerID == partnerID) && (!r.seamless || r.signed)
}

// readOAuth judges the OAuth URL the merchant built. Problems a page
// would shrug off are violations; one that leaves the page nowhere to
// send the user back is an error.
func (e *Emulator) readOAuth(raw string) (*oauthRequest, error) {
	if len(raw) > maxOAuthURL {
		return nil, fmt.Errorf("the OAuth URL is %d bytes; DANA's page reads at most %d", len(raw), maxOAuthURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the OAuth URL is not a URL: %v", err)
	}
	q := u.Query()
	r := &oauthRequest{raw: raw, redirect: q.Get("redirectUrl"), state: q.Get("state"), partnerID: q.Get("partnerId"), merchantID: q.Get("merchantId")}
	bad := func(format string, args ...any) { r.violations = append(r.violations, fmt.Sprintf(format, args...)) }
	if u.Path != oauthPath {
		bad("the OAuth URL's path is %s; DANA's OAuth page (API mode) is %s", bisnap.Quote(u.Path), oauthPath)
	}
	for _, p := range oauthParams {
		if q.Get(p) == "" {
			bad("the OAuth URL has no %s parameter", p)
		}
	}
	if err := emulator.CheckAbsURL(r.redirect); err != nil {
		return r, fmt.Errorf("redirectUrl: %v; the OAuth page cannot send the user back", err)
	}
	if err := e.checkRedirect(r.redirect); err != nil {
		return r, err
	}
	if e.o.PartnerID != "" && r.partnerID != "" && r.partnerID != e.o.PartnerID {
		bad("partnerId %s is not the configured clientId", bisnap.Quote(r.partnerID))
	}
	if e.o.MerchantID != "" && r.merchantID != "" && r.merchantID != e.o.MerchantID {
		bad("merchantId %s is not the configured merchant", bisnap.Quote(r.merchantID))
	}
	if ts := q.Get("timestamp"); ts != "" {
		if _, err := snap.ParseTimestamp(ts); err != nil {
			bad("timestamp: %v", err)
		}
	}
	if sd := q.Get("seamlessData"); sd != "" {
		r.seamless = true
		var m map[string]any
		if err := json.Unmarshal([]byte(sd), &m); err != nil {
			bad("seamlessData is not a JSON object: %v", err)
		} else {
			r.phone, _ = m["mobile"].(string)
			if r.phone == "" {
				if p, ok := m["mobileNumber"].(string); ok {
					r.phone = p
					bad("seamlessData carries mobileNumber; DANA's page reads mobile (dana-go renames it)")
				}
			}
		}
		switch sign := q.Get("seamlessSign"); {
		case sign == "":
			// unsigned: recorded as before (no violation), but the page
			// keeps nothing for it (authenticated)
		case snap.VerifyRSA(e.o.MerchantPublicKey, sd, sign) == nil:
			r.signed = true
		case strings.Contains(sign, " ") && snap.VerifyRSA(e.o.MerchantPublicKey, sd, strings.ReplaceAll(sign, " ", "+")) == nil:
			// dana-go's GenerateOauthUrl (widget/v1/utils.go) appends the
			// base64 signature without URL-escaping it, so each '+' reads
			// as a space; DANA's sandbox issues the authCode all the same.
			r.signed = true
			r.notes = append(r.notes, "seamlessSign arrived with spaces where its base64 has '+' (not URL-escaped, as dana-go's GenerateOauthUrl sends it); "+
				"it verifies once they are read back as '+', as DANA's page reads it")
		default:
			bad("seamlessSign does not verify over seamlessData with the merchant key")
		}
	}
	if r.phone != "" && !phonePattern.MatchString(r.phone) {
		bad("seamlessData.mobile %s is not a mobile number; the page ignores it", bisnap.Quote(r.phone))
		r.phone = ""
	}
	return r, nil
}

// recordOAuth logs the visit to the OAuth page as a call, so scenarios
// judge the URL the merchant built like any request it made.
func (e *Emulator) recordOAuth(raw string, r *oauthRequest, outcome string) evidence.Exchange {
	req, err := http.NewRequest(http.MethodGet, raw, nil)
	if err != nil {
		req, _ = http.NewRequest(http.MethodGet, "http://invalid.oauth.url/", nil)
	}
	req.Body = http.NoBody
	req.Header.Set("User-Agent", shopperAgent)
	in := e.rec.Receive(req)
	var v []string
	if r != nil {
		v = r.violations
	}
	notes := v
	if r != nil && len(r.notes) > 0 {
		notes = append(append([]string(nil), v...), r.notes...)
	}
	body := []byte("<!doctype html><title>DANA OAuth</title><p>" + template.HTMLEscapeString(outcome))
	e.rec.AddCall(emulator.Call{API: APIOAuth, Violations: v, Hint: outcome}, in, notes,
		emulator.Answer{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: body})
	calls := e.rec.Calls(APIOAuth)
	return calls[len(calls)-1].Exchange
}

// authorize is the user on the OAuth page: approve (an authCode and the
// state on redirectUrl), deny (error=access_denied and the state) or close
// (no redirect). redirect=hold keeps the redirect back for a later
// redirect action (the user lingering).
func (e *Emulator) authorize(ctx context.Context, p map[string]string) (emulator.Result, error) {
	raw := p["url"]
	if raw == "" {
		return emulator.Result{}, fmt.Errorf("dana-widget: authorize needs url: the OAuth URL the merchant sent the user to")
	}
	choice := p["choice"]
	if choice == "" {
		choice = "approve"
	}
	if choice != "approve" && choice != "deny" && choice != "close" {
		return emulator.Result{}, fmt.Errorf("dana-widget: authorize choice %q: want approve, deny or close", choice)
	}
	hold := p["redirect"] == "hold"
	if r := p["redirect"]; r != "" && r != "hold" && r != "send" {
		return emulator.Result{}, fmt.Errorf("dana-widget: authorize redirect %q: want send (default) or hold", r)
	}
	r, err := e.readOAuth(raw)
	if err != nil {
		x := e.recordOAuth(raw, r, err.Error())
		return emulator.Result{Exchanges: []evidence.Exchange{x}}, fmt.Errorf("%w: the merchant's OAuth URL: %v", emulator.ErrOrderState, err)
	}
	if m := p["mobile"]; m != "" && !phonePattern.MatchString(m) {
		return emulator.Result{}, fmt.Errorf("dana-widget: authorize mobile %q: want a mobile number such as 081234567890", bisnap.Clip(m))
	}
	phone := firstNonEmpty(p["mobile"], r.phone, DefaultPhone)
	q := url.Values{}
	state := r.state
	if s, ok := p["state"]; ok {
		state = bisnap.Clip(s)
	}
	var note string
	e.mu.Lock()
	u := e.st.userFor(phone)
	if bal := p["balance"]; bal != "" {
		cents, ok := bisnap.ParseAmount(bal)
		if !ok {
			e.mu.Unlock()
			return emulator.Result{}, fmt.Errorf("dana-widget: authorize balance %q: want an amount such as 250000.00", bal)
		}
		u.balance = cents
	}
	switch choice {
	case "approve":
		code := token("", 16)
		e.secret(code)
		e.st.codes.Put(code, &authCode{value: code, phone: phone, partnerID: r.partnerID, merchantID: r.merchantID,
			issued: clock.NewStamp(e.clk)})

		q.Set("authCode", code)
		note = "user " + mask(phone) + " approved the binding; authCode issued"
	case "deny":
		q.Set("error", "access_denied")
		note = "user " + mask(phone) + " denied the binding"
	default:
		note = "user " + mask(phone) + " closed the OAuth page; no redirect"
	}
	if state != "" {
		q.Set("state", state)
	}
	target := withQuery(r.redirect, q)
	if hold && choice != "close" {
		e.st.hold(heldRedirect{target: target, phone: phone})
	} else if choice != "close" {
		e.st.lastRedirect = target
	}
	e.mu.Unlock()
	res := emulator.Result{Exchanges: []evidence.Exchange{e.recordOAuth(raw, r, note)}, Detail: note}
	switch {
	case choice == "close":
	case hold:
		res.Detail += "; the redirect back to the merchant is held (gateway: redirect sends it)"
	default:
		x := e.visit(ctx, actAuthorize, target)
		res.Exchanges = append(res.Exchanges, x)
		res.Detail += "; " + visited(x)
	}
	return res, nil
}

// redirect sends the oldest held OAuth redirect; with none held, it sends
// the last redirect again (the user pressing back or reload), authCode and
// all.
func (e *Emulator) redirect(ctx context.Context) (emulator.Result, error) {
	e.mu.Lock()
	target, what := e.st.lastRedirect, "the user reloaded the merchant's redirectUrl (same authCode and state): "
	if len(e.st.held) > 0 {
		target, what = e.st.held[0].target, "the user returned to the merchant's redirectUrl: "
		e.st.held = e.st.held[1:]
		e.st.lastRedirect = target
	}
	e.mu.Unlock()
	if target == "" {
		return emulator.Result{}, fmt.Errorf("dana-widget: no OAuth redirect to send; run authorize first")
	}
	x := e.visit(ctx, actRedirect, target)
	return emulator.Result{Exchanges: []evidence.Exchange{x}, Detail: what + visited(x)}, nil
}

// revoke ends every live binding of a user, as the user removing the
// merchant in the DANA app does. The merchant learns of it only from
// Invalid Customer Token answers.
func (e *Emulator) revoke(p map[string]string) (emulator.Result, error) {
	phone := p["mobile"]
	if phone == "" {
		return emulator.Result{}, fmt.Errorf("dana-widget: revoke needs mobile: the DANA user's phone number")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	e.st.bindings.Each(func(b *binding) {
		if b.phone == phone && b.revoked == "" {
			b.revoked = "revoked by the user in the DANA app at " + stamp(e.clk.Now())
			n++
		}
	})
	return emulator.Result{Detail: fmt.Sprintf("user %s revoked %d binding(s) in the DANA app; their tokens now answer Invalid Customer Token", mask(phone), n)}, nil
}

// shopperAgent is the User-Agent of the emulated user's browser.
const shopperAgent = "Mozilla/5.0 (uatrun shopper; DANA Widget)"

// visit is the user's browser GETting target; the exchange is logged.
func (e *Emulator) visit(ctx context.Context, label, target string) evidence.Exchange {
	return e.visitFrom(ctx, label, target, "")
}

// visitFrom is visit with a Referer ("" sends none).
func (e *Emulator) visitFrom(ctx context.Context, label, target, referer string) evidence.Exchange {
	h := http.Header{"User-Agent": {shopperAgent}, "Accept": {"text/html,application/xhtml+xml"}}
	if referer != "" {
		h.Set("Referer", referer)
	}
	x := e.rec.Visit(ctx, e.client, label, emulator.Outbound{Method: http.MethodGet, URL: target,
		Header: h, BuildError: "redirect url cannot be requested"})
	e.rec.Add(&x)
	return x
}

func visited(x evidence.Exchange) string {
	if x.Error != "" {
		return "the merchant's page failed: " + x.Error
	}
	return fmt.Sprintf("the merchant's page answered HTTP %d", x.Response.Status)
}

// withQuery adds q to target's query.
func withQuery(target string, q url.Values) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	all := u.Query()
	for k, v := range q {
		all[k] = v
	}
	u.RawQuery = all.Encode()
	return u.String()
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// checkRedirect limits where the approve redirect (and its authCode)
// may go: a registered redirect URL (Options.RedirectURLs), or with none
// registered a loopback address.
func (e *Emulator) checkRedirect(target string) error {
	if len(e.o.RedirectURLs) > 0 {
		for _, allowed := range e.o.RedirectURLs {
			if sameOrigin(target, allowed) {
				return nil
			}
		}
		return fmt.Errorf("redirectUrl %s is not one of the merchant's registered redirect URLs (%s); DANA sends the authCode only there",
			bisnap.Quote(target), strings.Join(e.o.RedirectURLs, ", "))
	}
	u, err := url.Parse(target)
	if err == nil {
		h := u.Hostname()
		if ip := net.ParseIP(h); h == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
	}
	return fmt.Errorf("redirectUrl %s is not a loopback address and no redirect URLs are registered with the emulator (Options.RedirectURLs); "+
		"the authCode is sent only to a registered redirect URL", bisnap.Quote(target))
}

// sameOrigin reports whether target has allowed's scheme and host and a
// path under allowed's path.
func sameOrigin(target, allowed string) bool {
	t, err1 := url.Parse(target)
	a, err2 := url.Parse(allowed)
	if err1 != nil || err2 != nil {
		return false
	}
	return strings.EqualFold(t.Scheme, a.Scheme) && strings.EqualFold(t.Host, a.Host) &&
		strings.HasPrefix(t.EscapedPath(), strings.TrimSuffix(a.EscapedPath(), "/"))
}

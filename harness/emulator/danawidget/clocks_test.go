package danawidget

import (
	"net/url"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

// authCodeFor runs the OAuth page for phone and returns the authCode,
// not yet exchanged.
func (r *rig) authCodeFor(phone string) string {
	r.t.Helper()
	q := url.Values{"partnerId": {"P1"}, "scopes": {"CASHIER"}, "externalId": {"x"}, "channelId": {"1"}, "redirectUrl": {r.merchant.URL + "/cb"},
		"timestamp": {snap.FormatTimestamp(r.clk.Now())}, "state": {"s1"}, "merchantId": {"M1"}, "seamlessData": {`{"mobile":"` + phone + `"}`}}
	if _, err := r.e.Act(nil, emulator.Action{Name: actAuthorize, Params: map[string]string{"url": r.srv.URL + oauthPath + "?" + q.Encode()}}); err != nil {
		r.t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.codes[len(r.codes)-1]
}

// gatewayObjects are one user's codes and tokens, issued on one test
// clock, as a merchant caching them across scenarios holds them.
type gatewayObjects struct{ code, access, refresh, ott string }

func (r *rig) issue(phone string) gatewayObjects {
	r.t.Helper()
	tok := r.bind(phone)
	g := gatewayObjects{access: tok.Get("accessToken").Str, refresh: tok.Get("refreshToken").Str, code: r.authCodeFor(phone)}
	ott := r.post(wOTTPath, map[string]any{"userResources": []string{"OTT"}, "additionalInfo": info(g.access)}, false)
	if g.ott = ott.Get("userResources.0.value").Str; g.access == "" || g.ott == "" {
		r.t.Fatalf("issuing: token %s, ott %s", tok.Raw, ott.Raw)
	}
	return g
}

// live checks each object as a merchant would use it next and returns
// what each answered ("ok" or the reason it was refused).
func (r *rig) live(g gatewayObjects) map[string]string {
	r.t.Helper()
	out := map[string]string{}
	if c := r.post(wBalPath, map[string]any{"additionalInfo": info(g.access)}, false).Get("responseCode").Str; c == "2001100" {
		out["access token"] = "ok"
	} else {
		out["access token"] = c
	}
	// the OTT on a payment URL
	ref := "T" + token("", 6)
	pay := r.post(wPayPath, payBody(ref, "1000.00", r.clk.Now()), false)
	u, _ := url.Parse(pay.Get("webRedirectUrl").Str)
	q := u.Query()
	q.Set("ott", g.ott)
	u.RawQuery = q.Encode()
	if _, err := r.e.Act(nil, emulator.Action{Name: actPay, Order: ref, Params: map[string]string{"url": u.String(), "notify": "drop"}}); err != nil {
		out["ott"] = err.Error()
	} else {
		out["ott"] = "ok"
	}
	// the auth code, then the refresh token
	if c := r.post(wTokenPath, map[string]any{"grantType": "AUTHORIZATION_CODE", "authCode": g.code}, true); c.Get("responseCode").Str == "2007400" {
		out["auth code"] = "ok"
	} else {
		out["auth code"] = c.Get("responseMessage").Str
	}
	if c := r.post(wTokenPath, map[string]any{"grantType": "REFRESH_TOKEN", "refreshToken": g.refresh}, true); c.Get("responseCode").Str == "2007400" {
		out["refresh token"] = "ok"
	} else {
		out["refresh token"] = c.Get("responseMessage").Str
	}
	return out
}

// payBody is a Widget Payment valid for 20 minutes from now.
func payBody(ref, amount string, now time.Time) map[string]any {
	return map[string]any{"partnerReferenceNo": ref, "merchantId": "M1", "amount": map[string]any{"currency": "IDR", "value": amount},
		"validUpTo": snap.FormatTimestamp(now.Add(20 * time.Minute)),
		"additionalInfo": map[string]any{"productCode": "51051000100000000001", "mcc": "5732", "order": map[string]any{"orderTitle": "t"},
			"envInfo": map[string]any{"sourcePlatform": "IPG", "terminalType": "SYSTEM", "orderTerminalType": "WEB"}}}
}

// TestClocks_AScenarioMovingItsClockExpiresNothingElsewhere: authCodes,
// access and refresh tokens and OTTs age on each scenario's test clock
// (clock.Stamp). A scenario that moves its clock 31 days ages what it
// holds there only: a token issued in another scenario is as young in
// this one as in real time, and one issued after the move still expires
// in a scenario that then moves its own clock past the lifetime.
func TestClocks_AScenarioMovingItsClockExpiresNothingElsewhere(t *testing.T) {
	tc := clock.NewTestClocks(clock.NewFake(time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta)))
	r := newRigWith(t, tc, nil)
	a := tc.Current()
	fromA := r.issue("081200000021")

	b := tc.Begin()
	b.Advance(31 * 24 * time.Hour) // past every lifetime: refresh tokens live 30 days
	fromB := r.issue("081200000022")
	for what, got := range r.live(fromA) {
		if got != "ok" {
			t.Errorf("issued in scenario A, used in scenario B after B moved its clock 31 days: the %s answered %q; B never saw it age", what, got)
		}
	}

	// Seen first in scenario D (clock unmoved), the token issued after
	// B's move ages on D's clock from then on.
	d := tc.Begin()
	balance := func() string {
		return r.post(wBalPath, map[string]any{"additionalInfo": info(fromB.access)}, false).Get("responseCode").Str
	}
	if got := balance(); got != "2001100" {
		t.Errorf("issued in scenario B after its move, first used in D: answered %s", got)
	}
	d.Advance(DefaultAccessTokenTTL + time.Minute)
	if got := balance(); got != "4011101" {
		t.Errorf("24 h later on D's clock the access token answered %s, want 4011101 Token Expired", got)
	}

	// A scenario's own clock still expires what it holds.
	tc.Use(a)
	fromA2 := r.issue("081200000024")
	a.Advance(DefaultRefreshTokenTTL + time.Minute)
	for what, got := range r.live(fromA2) {
		if got == "ok" {
			t.Errorf("scenario A moved its clock past every lifetime: its %s still works", what)
		}
	}
}

// TestClocks_ExternalIDDayAgesPerScenario: an X-EXTERNAL-ID is taken for
// a day on each scenario's clock; a scenario moving its clock a day on
// may reuse it there, and the reuse is still reported in another.
func TestClocks_ExternalIDDayAgesPerScenario(t *testing.T) {
	tc := clock.NewTestClocks(clock.NewFake(time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta)))
	r := newRigWith(t, tc, nil)
	a := tc.Current()
	access := r.bind("081200000031").Get("accessToken").Str
	reused := func(ext string) bool {
		r.postExt(wBalPath, map[string]any{"additionalInfo": info(access)}, false, ext)
		calls := r.e.Calls(APIBalance)
		return len(calls[len(calls)-1].Violations) > 0
	}
	if reused("ext-1") {
		t.Fatal("a first X-EXTERNAL-ID reported as reused")
	}
	b := tc.Begin()
	if !reused("ext-1") {
		t.Error("reused in another scenario within the day: not reported")
	}
	tc.Use(a)
	a.Advance(ExternalIDDay + time.Minute)
	if reused("ext-1") {
		t.Error("reused a day later on scenario A's clock: reported as within the day")
	}
	tc.Use(b)
	if !reused("ext-1") {
		t.Error("scenario A moved its clock a day; the reuse in scenario B (clock unmoved) was not reported")
	}
}

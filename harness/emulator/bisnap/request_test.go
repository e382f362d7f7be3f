package bisnap

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/snap"
)

func signedHeaders(t *testing.T, path string, body []byte, now time.Time) http.Header {
	t.Helper()
	ts := snap.FormatTimestamp(now)
	sts, err := snap.AsymmetricStringToSign(http.MethodPost, path, body, ts)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := snap.SignRSA(gatewayKey, sts)
	if err != nil {
		t.Fatal(err)
	}
	return http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Timestamp": {ts}, "X-Signature": {sig},
		"X-Partner-Id": {"P1"}, "X-External-Id": {"ext-1"}, "Channel-Id": {ChannelID}}
}

// Headers are judged in DANA's order: presence, length, Content-Type,
// X-TIMESTAMP's form, then (when asked) its skew from the wall clock.
func TestHeaders_CheckedInDANAsOrder(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta)
	for _, tc := range []struct {
		name   string
		change func(h http.Header)
		skew   time.Duration
		want   string
	}{
		{"all right", func(h http.Header) {}, time.Minute, ""},
		{"missing X-PARTNER-ID", func(h http.Header) { h.Del("X-PARTNER-ID") }, 0, "4005402 Invalid Mandatory Field X-PARTNER-ID"},
		{"long X-EXTERNAL-ID", func(h http.Header) { h.Set("X-EXTERNAL-ID", strings.Repeat("x", 37)) }, 0, "4005401 Invalid Field Format X-EXTERNAL-ID"},
		{"text/plain", func(h http.Header) { h.Set("Content-Type", "text/plain") }, 0, "4005401 Invalid Field Format Content-Type"},
		{"UTC Z", func(h http.Header) { h.Set("X-TIMESTAMP", "2026-05-01T03:00:00Z") }, 0, "4005401 Invalid Field Format X-TIMESTAMP"},
		{"skewed", func(h http.Header) { h.Set("X-TIMESTAMP", snap.FormatTimestamp(now.Add(time.Hour))) }, time.Minute, "4005401 Invalid Field Format X-TIMESTAMP"},
	} {
		h := signedHeaders(t, "/p", []byte(`{}`), now)
		tc.change(h)
		_, rep := TransactionHeaders.Check(createSvc, h, tc.skew, now)
		got := ""
		if rep != nil {
			got = rep.Code + " " + rep.Message
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The asymmetric signature is over the minified received bytes: a
// pretty-printed body signed in its compact form verifies, a changed one
// does not, and one that cannot be minified is left to the body checks.
func TestVerifyAsymmetric(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta)
	h := signedHeaders(t, "/p", []byte(`{"a":1}`), now)
	if check, rep := VerifyAsymmetric(createSvc, &gatewayKey.PublicKey, "/p", []byte("{\n  \"a\": 1\n}\n"), h); rep != nil || !check.Valid {
		t.Errorf("pretty body: %+v %+v", check, rep)
	}
	check, rep := VerifyAsymmetric(createSvc, &gatewayKey.PublicKey, "/p", []byte(`{"a":2}`), h)
	if rep == nil || rep.Code != "4015400" || check.Valid || !strings.Contains(check.Detail, "POST:/p:") {
		t.Errorf("changed body: %+v %+v", check, rep)
	}
	if check, rep := VerifyAsymmetric(createSvc, &gatewayKey.PublicKey, "/p", []byte(`{`), h); rep != nil || check.Valid {
		t.Errorf("unparsable body: %+v %+v", check, rep)
	}
}

func TestVerifyToken(t *testing.T) {
	s := Service{Name: "apply_token", Code: "74"}
	ts := "2026-05-01T10:00:00+07:00"
	sig, err := snap.SignRSA(gatewayKey, snap.TokenStringToSign("C1", ts))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"X-Client-Key": {"C1"}, "X-Timestamp": {ts}, "X-Signature": {sig}}
	if check, rep := VerifyToken(s, &gatewayKey.PublicKey, h); rep != nil || !check.Valid || check.Scheme != SchemeToken {
		t.Errorf("valid: %+v %+v", check, rep)
	}
	h.Set("X-CLIENT-KEY", "C2")
	if check, rep := VerifyToken(s, &gatewayKey.PublicKey, h); rep == nil || rep.Code != "4017400" || check.Valid {
		t.Errorf("another client key: %+v %+v", check, rep)
	}
}

func TestSignNotify_SelfCheckAndPath(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, snap.Jakarta)
	body := []byte(`{"a":1}`)
	h := SignNotify(gatewayKey, ChannelID, "P1", "ext", notifyTarget, body, snap.FormatTimestamp(now))
	if !SelfCheck(&gatewayKey.PublicKey, notifyTarget, h, body, "").Valid || h.Get("CHANNEL-ID") != ChannelID {
		t.Error("a signed notify does not verify")
	}
	h.Del("X-SIGNATURE")
	if c := SelfCheck(&gatewayKey.PublicKey, notifyTarget, h, body, "why"); c.Valid || c.Detail != "why; no X-SIGNATURE sent" {
		t.Errorf("unsigned: %+v", c)
	}
	if c := SelfCheck(&gatewayKey.PublicKey, notifyTarget, h, []byte(`{`), ""); c.Valid {
		t.Errorf("unparsable: %+v", c)
	}
	for target, want := range map[string]string{"http://h/x/y?q=1": "/x/y", "http://h": "/", "::": "/"} {
		if got := NotifyPath(target); got != want {
			t.Errorf("NotifyPath(%q) = %q, want %q", target, got, want)
		}
	}
}

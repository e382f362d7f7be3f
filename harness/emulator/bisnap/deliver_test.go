package bisnap

import (
	"net/http"
	"testing"

	"github.com/uatrun/uatrun/harness/evidence"
)

func TestNotifyCallback_OnlyHTTP200With2005600Acknowledges(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		acked  bool
	}{{200, "2005600", true}, {200, "5005601", false}, {201, "2005600", false}, {500, "2005600", false}} {
		if Acked(tc.status, tc.code) != tc.acked {
			t.Errorf("%d %s: acked %v", tc.status, tc.code, !tc.acked)
		}
	}
	sig := &evidence.SignatureCheck{Valid: true}
	cb := NotifyCallback("finish_notify valid", notifyTarget, http.Header{"X-A": {"1"}}, []byte("{}"), sig, true)
	if cb.Label != "finish_notify valid" || cb.URL != notifyTarget || !cb.FollowRedirects || cb.Signature != sig || cb.CodeField != "responseCode" ||
		!cb.Acked(200, AckCode) || string(cb.Body) != "{}" {
		t.Errorf("%+v", cb)
	}
}

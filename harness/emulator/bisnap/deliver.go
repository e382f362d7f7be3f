package bisnap

import (
	"net/http"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// AckCode is the responseCode with which a merchant acknowledges a
// BI-SNAP notify (service 56): DANA's Finish Notify and the debit notify
// Midtrans sends for GoPay.
const AckCode = "2005600"

// Acked reports whether a merchant's answer acknowledges a notify: HTTP
// 200 and responseCode 2005600. Anything else is retried.
func Acked(status int, code string) bool { return status == http.StatusOK && code == AckCode }

// NotifyCallback is one notify request as the recorder delivers it,
// labelled for the evidence with what was done to it (sig). follow says
// whether a redirect the merchant answers is followed: DANA's are;
// GoPay's emulator has never followed them and no source says either way.
func NotifyCallback(label, target string, h http.Header, body []byte, sig *evidence.SignatureCheck, follow bool) emulator.Callback {
	return emulator.Callback{
		Outbound: emulator.Outbound{URL: target, Header: h, Body: body, BuildError: "build notify request", FollowRedirects: follow},
		Label:    label, Signature: sig, CodeField: "responseCode", Acked: Acked,
	}
}

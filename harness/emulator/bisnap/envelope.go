package bisnap

import (
	"encoding/json"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/uatrun/uatrun/harness/emulator"
)

// InternalError is the answer when the emulator itself fails to encode
// one. Nothing should; this is the last line.
var InternalError = []byte(`{"responseCode":"5000000","responseMessage":"Internal Server Error"}`)

// Encode writes v compactly without HTML escaping, so URLs in answers
// read as the merchant sent them.
func Encode(v any) []byte { return emulator.CompactJSON(v, InternalError) }

// echoes are the request fields a DANA answer carries back when its
// handler did not set them, by service: Create Order and Widget Payment
// always echo partnerReferenceNo, and dana-go decodes every 2xx cancel
// and refund answer requiring originalPartnerReferenceNo (refund also
// partnerRefundNo and refundAmount), so an injected 2025700 or 2025800
// carries them as DANA's own answers do.
var echoes = map[string]struct{ always, ok []string }{
	"54": {always: []string{"partnerReferenceNo"}},
	"57": {ok: []string{"originalPartnerReferenceNo"}},
	"58": {ok: []string{"originalPartnerReferenceNo", "partnerRefundNo", "refundAmount"}},
}

// Envelope renders rep as service s answers it: the reply's fields,
// responseCode and responseMessage, the request fields the service
// echoes, and with debug (X-Debug-Mode) the teaching text as
// additionalInfo.debugMessage.
func (s Service) Envelope(rep *Reply, req []byte, debug bool) []byte {
	out := make(map[string]any, len(rep.Fields)+3)
	for k, v := range rep.Fields {
		out[k] = v
	}
	out["responseCode"], out["responseMessage"] = rep.Code, rep.Message
	e := echoes[s.Code]
	fields := e.always
	if strings.HasPrefix(rep.Code, "2") {
		fields = append(append([]string(nil), fields...), e.ok...)
	}
	for _, f := range fields {
		echo(out, req, f)
	}
	if debug && rep.Debug != "" {
		info := map[string]any{} // a copy: fields may be shared with stored replies
		if prev, ok := out["additionalInfo"].(map[string]any); ok {
			for k, v := range prev {
				info[k] = v
			}
		}
		info["debugMessage"] = rep.Debug
		out["additionalInfo"] = info
	}
	return Encode(out)
}

// echo copies a request field into the answer when the answer lacks it
// and the request has it as a string or object.
func echo(out map[string]any, req []byte, field string) {
	if out[field] != nil {
		return
	}
	switch v := gjson.GetBytes(req, field); {
	case v.Type == gjson.String:
		out[field] = v.Str
	case v.IsObject():
		out[field] = json.RawMessage(v.Raw)
	}
}

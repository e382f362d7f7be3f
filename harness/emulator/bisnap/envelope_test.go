package bisnap

import (
	"testing"

	"github.com/tidwall/gjson"
)

// An answer is the reply's fields plus responseCode and responseMessage;
// Create Order echoes partnerReferenceNo on every answer, cancel and
// refund echo their references on 2xx answers only (dana-go requires
// them there); the teaching text only when X-Debug-Mode asked for it.
func TestEnvelope_EchoesWhatDANAsSDKRequires(t *testing.T) {
	req := []byte(`{"partnerReferenceNo":"INV-1","originalPartnerReferenceNo":"INV-1","partnerRefundNo":"R-1","refundAmount":{"value":"1.00","currency":"IDR"}}`)
	create := Service{Code: "54"}
	refund := Service{Code: "58"}
	for _, tc := range []struct {
		s      Service
		rep    Reply
		debug  bool
		path   string
		want   string
		absent []string
	}{
		{create, Reply{Code: "4005401", Message: "Invalid Field Format amount", Debug: "why"}, false, "partnerReferenceNo", "INV-1", []string{"additionalInfo"}},
		{create, Reply{Code: "2005400", Fields: map[string]any{"partnerReferenceNo": "KEPT"}}, false, "partnerReferenceNo", "KEPT", nil},
		{refund, Reply{Code: "2025800", Message: "Request In Progress"}, false, "refundAmount.value", "1.00", []string{"partnerReferenceNo"}},
		{refund, Reply{Code: "4045801", Message: "Transaction Not Found", Debug: "no order"}, true, "additionalInfo.debugMessage", "no order", []string{"partnerRefundNo"}},
		{refund, Reply{Code: "4045801", Fields: map[string]any{"additionalInfo": map[string]any{"k": "v"}}, Debug: "d"}, true, "additionalInfo.k", "v", nil},
	} {
		got := tc.s.Envelope(&tc.rep, req, tc.debug)
		b := gjson.ParseBytes(got)
		if b.Get("responseCode").Str != tc.rep.Code || b.Get("responseMessage").Str != tc.rep.Message || b.Get(tc.path).Str != tc.want {
			t.Errorf("%s: %s, want %s = %q", tc.rep.Code, got, tc.path, tc.want)
		}
		for _, f := range tc.absent {
			if b.Get(f).Exists() {
				t.Errorf("%s: %s carries %s", tc.rep.Code, got, f)
			}
		}
	}
}

// Stored reply fields are never changed by rendering the teaching text.
func TestEnvelope_LeavesTheReplyAlone(t *testing.T) {
	info := map[string]any{"k": "v"}
	rep := &Reply{Code: "4005501", Fields: map[string]any{"additionalInfo": info}, Debug: "d"}
	Service{Code: "55"}.Envelope(rep, nil, true)
	if len(info) != 1 {
		t.Errorf("additionalInfo changed: %v", info)
	}
	if string(Encode(map[string]any{"u": "a&b<c>"})) != `{"u":"a&b<c>"}` || string(Encode(func() {})) != string(InternalError) {
		t.Error("Encode")
	}
}

package emulator

import (
	"net/url"
	"strings"

	"github.com/tidwall/gjson"
)

// orderFields are where the gateways' merchant requests name the order
// they are about, most specific first: a refund or cancel names the
// original order (originalPartnerReferenceNo) beside its own reference.
var orderFields = []string{
	"originalPartnerReferenceNo", // BI-SNAP cancel, refund, query (DANA, GoPay)
	"partnerReferenceNo",         // BI-SNAP create
	"transaction_details.order_id",
	"order_id",
	"external_id",
}

// orderRefDepth bounds the nesting of a body OrderRef reads.
const orderRefDepth = 64

// orderQuery are the query parameters that name an order (Astapa verify).
var orderQuery = []string{"order_id", "external_id", "partnerReferenceNo"}

// OrderRef reads the order reference a merchant request names, from its
// JSON body, its query or a Midtrans-style /v2/{order_id}/… path; "" when
// it names none. It is a best effort shared by every gateway: an emulator
// that knows better sets Call.Order itself.
func OrderRef(u *url.URL, body []byte) string {
	// A hostile body (a nesting bomb) is never parsed: the depth check is
	// linear and allocation-free, gjson's validation is not.
	if len(body) > 0 && CheckJSONDepth(body, orderRefDepth) == nil && gjson.ValidBytes(body) {
		for _, f := range orderFields {
			if v := gjson.GetBytes(body, f); v.Type == gjson.String && v.Str != "" {
				return v.Str
			}
		}
	}
	if u == nil {
		return ""
	}
	q := u.Query()
	for _, k := range orderQuery {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	if len(parts) == 3 && parts[0] == "v2" && parts[1] != "" {
		if id, err := url.PathUnescape(parts[1]); err == nil {
			return id
		}
	}
	return ""
}

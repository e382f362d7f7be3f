package emulator

import "net/url"

// ForgedSuccess are query parameters a shopper (or anyone) can append to a
// merchant's return URL to claim a payment succeeded: generic names and
// the result names the gateways themselves use. The return URL is the
// browser's to write, so none of them may mark an order paid.
var ForgedSuccess = url.Values{
	"status":                  {"SUCCESS"},
	"paid":                    {"true"},
	"payment_status":          {"paid"},
	"resultStatus":            {"S"},
	"resultCode":              {"SUCCESS"},
	"responseCode":            {"2005600"},
	"latestTransactionStatus": {"00"},
	"transactionStatusDesc":   {"SUCCESS"},
	"transaction_status":      {"settlement"},
	"status_code":             {"200"},
}

// WithForgedSuccess returns target with ForgedSuccess added to its query
// (existing parameters are kept); a target that is not a URL is returned
// unchanged, and the visit then fails as it would anyway.
func WithForgedSuccess(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	q := u.Query()
	for k, v := range ForgedSuccess {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

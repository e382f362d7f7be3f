package purwantara

import "strings"

// API names for Calls. Each channel's create has its own name; "create"
// gathers all of them, oldest first.
const (
	APICreate  = "create"
	APIInquiry = "inquiry"
	APICancel  = "cancel"
	APIList    = "list"
	APIUnknown = "unknown_path"
)

// channel describes one POST /v1/{channel} endpoint: which request fields
// carry the amount, the merchant's reference and the expiry, what else is
// required, and who the provider is. Field names follow Purwantara's own
// PHP client and its published examples (see doc.go for what is inferred).
type channel struct {
	path        string // after /v1/, e.g. "ewallet/ovo"
	api         string // Calls name, e.g. "create_ewallet_ovo"
	eventType   string // webhook event.type
	amountField string // "expected_amount" or "amount"
	refField    string // the merchant's unique reference: "external_id" or "order_id"
	expiryField string // "expired_at", "expires_at" or "" (gateway default)
	required    []string
	// providerField names the request field choosing the bank or outlet;
	// "" means the channel has one provider, fixedProvider.
	providerField string
	fixedProvider string
	providers     []string // allowed provider values, upper case; nil = any
	descField     string   // free-text description field
	returnField   string   // where the shopper returns: "return_url", "pay_return" or ""
	channelField  string   // an e-wallet's optional payment_channel ("OVO", "shopee_pay", "wallet_dana")
	inquiryPath   string   // GET route for a status inquiry
	cancellable   bool
	listPath      string // GET route listing the channel's transactions, "" if none
	// uniquePerProvider: the reference is unique per bank or acquirer, not
	// per channel. Purwantara's API monitor (ilhamgepe/automate-ppn-api
	// tests/virtual_account.go, tests/qris.go) sends one external_id to all
	// eight VA banks and one order_id to three QRIS acquirers and expects
	// 201 from each.
	uniquePerProvider bool
	extra             string // the channel's payment instrument field in answers and webhooks
}

// channels are the create endpoints: the six of spec §3, in documentation
// order, then DANA. Request fields follow Purwantara's PHP client and its
// tests (virtual account, QRIS, payment link, counter) and Purwantara's own
// API monitor, github.com/ilhamgepe/automate-ppn-api (OVO, ShopeePay and
// DANA take external_id; DANA is served at /v1/ewallet/dana; DANAMON is a
// virtual-account bank).
var channels = []*channel{
	{path: "virtual-account", api: "create_virtual_account", eventType: "virtual-account",
		amountField: "expected_amount", refField: "external_id", expiryField: "expired_at",
		required: []string{"name", "bank"}, providerField: "bank",
		providers: []string{"BCA", "BNI", "BRI", "BSI", "CIMB", "DANAMON", "MANDIRI", "PERMATA"},
		descField: "description", inquiryPath: "/v1/virtual-account/inquiry/:uuid", cancellable: true,
		listPath: "/v1/virtual-account/list", extra: "va_number",
		uniquePerProvider: true},
	{path: "qris", api: "create_qris", eventType: "qris", amountField: "amount", refField: "order_id",
		providerField: "payment_channel", fixedProvider: "QRIS", descField: "transaction_description",
		inquiryPath: "/v1/qris/inquiry/:uuid", listPath: "/v1/qris/list", extra: "qr_string", uniquePerProvider: true},
	{path: "ewallet/ovo", api: "create_ewallet_ovo", eventType: "ewallet", amountField: "amount",
		refField: "external_id", required: []string{"customer_phone"}, fixedProvider: "OVO",
		descField: "description", channelField: "payment_channel", inquiryPath: "/v1/ewallet/ovo/inquiry/:uuid"},
	{path: "ewallet/shopeepay", api: "create_ewallet_shopeepay", eventType: "ewallet", amountField: "amount",
		refField: "external_id", fixedProvider: "SHOPEEPAY", descField: "transaction_description",
		returnField: "return_url", channelField: "payment_channel",
		inquiryPath: "/v1/ewallet/shopeepay/inquiry/:uuid", extra: "checkout_url"},
	{path: "payment-link", api: "create_payment_link", eventType: "payment-link", amountField: "amount",
		refField: "external_id", expiryField: "expires_at", required: []string{"title"},
		descField: "description", returnField: "return_url", inquiryPath: "/v1/payment-link/:uuid", extra: "payment_link_url"},
	{path: "counter", api: "create_counter", eventType: "counter", amountField: "expected_amount",
		refField: "external_id", expiryField: "expired_at", required: []string{"name", "payment_channel"},
		providerField: "payment_channel", providers: []string{"ALFAMART", "INDOMARET"},
		descField: "description", inquiryPath: "/v1/counter/inquiry/:uuid", listPath: "/v1/counter/list", extra: "payment_code"},
	{path: "ewallet/dana", api: "create_ewallet_dana", eventType: "ewallet", amountField: "amount",
		refField: "external_id", fixedProvider: "DANA", descField: "description",
		returnField: "pay_return", channelField: "payment_channel",
		inquiryPath: "/v1/ewallet/dana/inquiry/:uuid", extra: "checkout_url"},
}

// channelIDs are the integer channel_id values webhooks carry. Only OVO = 8
// is published (spec §3 sample); the rest are ours, stable and distinct.
var channelIDs = map[string]int{
	"BCA": 1, "BNI": 2, "BRI": 3, "MANDIRI": 4, "PERMATA": 5, "CIMB": 6, "QRIS": 7,
	"OVO": 8, "SHOPEEPAY": 9, "ALFAMART": 10, "INDOMARET": 11, "BSI": 12, "DANA": 13, "DANAMON": 14,
}

// channelID returns the id for a provider; unknown providers (a QRIS
// acquirer the table does not list) share QRIS's id.
func channelID(provider string) int {
	if id, ok := channelIDs[provider]; ok {
		return id
	}
	return channelIDs["QRIS"]
}

// paymentLinkDefaultPayer is the channel a payment link's webhooks name
// before it is paid, and the method it is "paid with" when the pay action
// names none: OVO, as in Purwantara's sample payload of an ACTIVE link.
const paymentLinkDefaultPayer = "OVO"

func channelByAPI(api string) (*channel, bool) {
	for _, c := range channels {
		if c.api == api {
			return c, true
		}
	}
	return nil, false
}

// channelPaths lists the create endpoints for teaching error messages.
func channelPaths() string {
	var out []string
	for _, c := range channels {
		out = append(out, "POST /v1/"+c.path)
	}
	return strings.Join(out, ", ")
}

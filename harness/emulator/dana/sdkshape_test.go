package dana

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The types below are shaped like the response models of DANA's official Go
// SDK (github.com/dana-id/dana-go, payment_gateway/v1/model_*.go and
// webhook/model_*.go), written here from their field lists: same JSON
// names, same Go types (string where the SDK has string or *string, Money
// objects, slices), and the SDK's required properties as fields without
// omitempty. dana-go decodes every 2xx answer into these models with
// DisallowUnknownFields and a required-property check, and when decoding
// fails it returns an empty response and no error — so an answer that does
// not decode here is one a merchant on the SDK cannot read.
//
// Tag `sdk:"ts"` marks fields the SDK documents as YYYY-MM-DDTHH:mm:ss+07:00.

type sdkMoney struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type sdkCreateOrderResponse struct {
	ResponseCode       string                     `json:"responseCode"`
	ResponseMessage    string                     `json:"responseMessage"`
	ReferenceNo        *string                    `json:"referenceNo,omitempty"`
	PartnerReferenceNo string                     `json:"partnerReferenceNo"`
	WebRedirectURL     *string                    `json:"webRedirectUrl,omitempty"`
	AdditionalInfo     *sdkCreateOrderRespAddInfo `json:"additionalInfo,omitempty"`
	ExternalOrderID    *string                    `json:"externalOrderId,omitempty"`
}

type sdkCreateOrderRespAddInfo struct {
	PaymentCode *string `json:"paymentCode,omitempty"`
}

type sdkQueryPaymentResponse struct {
	ResponseCode               string               `json:"responseCode"`
	ResponseMessage            string               `json:"responseMessage"`
	OriginalPartnerReferenceNo *string              `json:"originalPartnerReferenceNo,omitempty"`
	OriginalReferenceNo        *string              `json:"originalReferenceNo,omitempty"`
	OriginalExternalID         *string              `json:"originalExternalId,omitempty"`
	ServiceCode                string               `json:"serviceCode"`
	LatestTransactionStatus    string               `json:"latestTransactionStatus"`
	TransactionStatusDesc      *string              `json:"transactionStatusDesc,omitempty"`
	OriginalResponseCode       *string              `json:"originalResponseCode,omitempty"`
	OriginalResponseMessage    *string              `json:"originalResponseMessage,omitempty"`
	SessionID                  *string              `json:"sessionId,omitempty"`
	RequestID                  *string              `json:"requestID,omitempty"`
	TransAmount                *sdkMoney            `json:"transAmount,omitempty"`
	Amount                     *sdkMoney            `json:"amount,omitempty"`
	FeeAmount                  *sdkMoney            `json:"feeAmount,omitempty"`
	PaidTime                   *string              `json:"paidTime,omitempty" sdk:"ts"`
	Title                      *string              `json:"title,omitempty"`
	AdditionalInfo             *sdkQueryRespAddInfo `json:"additionalInfo,omitempty"`
}

type sdkUser struct {
	ExternalUserType *string `json:"externalUserType,omitempty"`
	Nickname         *string `json:"nickname,omitempty"`
	ExternalUserID   *string `json:"externalUserId,omitempty"`
	UserID           *string `json:"userId,omitempty"`
}

type sdkQueryRespAddInfo struct {
	Buyer              *sdkUser              `json:"buyer,omitempty"`
	Seller             *sdkUser              `json:"seller,omitempty"`
	AmountDetail       *sdkAmountDetail      `json:"amountDetail,omitempty"`
	TimeDetail         *sdkTimeDetail        `json:"timeDetail,omitempty"`
	Goods              []map[string]any      `json:"goods,omitempty"`
	ShippingInfo       []map[string]any      `json:"shippingInfo,omitempty"`
	OrderMemo          *string               `json:"orderMemo,omitempty"`
	PaymentViews       []sdkPaymentView      `json:"paymentViews,omitempty"`
	ExtendInfo         *string               `json:"extendInfo,omitempty"`
	StatusDetail       *sdkStatusDetail      `json:"statusDetail,omitempty"`
	CloseReason        *string               `json:"closeReason,omitempty"`
	VirtualAccountInfo *sdkVirtualAccountInf `json:"virtualAccountInfo,omitempty"`
	MerchantID         *string               `json:"merchantId,omitempty"`
}

type sdkAmountDetail struct {
	OrderAmount      sdkMoney  `json:"orderAmount"`
	PayAmount        *sdkMoney `json:"payAmount,omitempty"`
	VoidAmount       *sdkMoney `json:"voidAmount,omitempty"`
	ConfirmAmount    *sdkMoney `json:"confirmAmount,omitempty"`
	RefundAmount     *sdkMoney `json:"refundAmount,omitempty"`
	ChargebackAmount *sdkMoney `json:"chargebackAmount,omitempty"`
	ChargeAmount     *sdkMoney `json:"chargeAmount,omitempty"`
}

type sdkTimeDetail struct {
	CreatedTime    string   `json:"createdTime" sdk:"ts"`
	ExpiryTime     string   `json:"expiryTime" sdk:"ts"`
	PaidTimes      []string `json:"paidTimes,omitempty" sdk:"ts"`
	ConfirmedTimes []string `json:"confirmedTimes,omitempty" sdk:"ts"`
	CancelledTime  *string  `json:"cancelledTime,omitempty" sdk:"ts"`
}

// sdkStatusDetail: frozen and cancelled are strings in the SDK.
type sdkStatusDetail struct {
	AcquirementStatus string  `json:"acquirementStatus"`
	Frozen            *string `json:"frozen,omitempty"`
	Cancelled         *string `json:"cancelled,omitempty"`
}

type sdkPaymentView struct {
	CashierRequestID     *string            `json:"cashierRequestId,omitempty"`
	PaidTime             *string            `json:"paidTime,omitempty" sdk:"ts"`
	PayOptionInfos       []sdkPayOptionInfo `json:"payOptionInfos"`
	PayRequestExtendInfo *string            `json:"payRequestExtendInfo,omitempty"`
	ExtendInfo           *string            `json:"extendInfo,omitempty"`
}

type sdkPayOptionInfo struct {
	PayMethod               string    `json:"payMethod"`
	PayOption               *string   `json:"payOption,omitempty"`
	PayAmount               *sdkMoney `json:"payAmount,omitempty"`
	TransAmount             *sdkMoney `json:"transAmount,omitempty"`
	ChargeAmount            *sdkMoney `json:"chargeAmount,omitempty"`
	PayOptionBillExtendInfo *string   `json:"payOptionBillExtendInfo,omitempty"`
	ExtendInfo              *string   `json:"extendInfo,omitempty"`
	PaymentCode             *string   `json:"paymentCode,omitempty"`
}

type sdkVirtualAccountInf struct {
	VirtualAccountCode       *string `json:"virtualAccountCode,omitempty"`
	VirtualAccountExpiryTime *string `json:"virtualAccountExpiryTime,omitempty" sdk:"ts"`
	Signature                *string `json:"signature,omitempty"`
}

type sdkCancelOrderResponse struct {
	ResponseCode               string         `json:"responseCode"`
	ResponseMessage            string         `json:"responseMessage"`
	OriginalReferenceNo        *string        `json:"originalReferenceNo,omitempty"`
	OriginalPartnerReferenceNo string         `json:"originalPartnerReferenceNo"`
	OriginalExternalID         *string        `json:"originalExternalId,omitempty"`
	CancelTime                 *string        `json:"cancelTime,omitempty" sdk:"ts"`
	TransactionDate            *string        `json:"transactionDate,omitempty" sdk:"ts"`
	AdditionalInfo             map[string]any `json:"additionalInfo,omitempty"`
}

type sdkRefundOrderResponse struct {
	ResponseCode               string         `json:"responseCode"`
	ResponseMessage            string         `json:"responseMessage"`
	OriginalReferenceNo        *string        `json:"originalReferenceNo,omitempty"`
	OriginalPartnerReferenceNo string         `json:"originalPartnerReferenceNo"`
	OriginalExternalID         *string        `json:"originalExternalId,omitempty"`
	OriginalCaptureNo          *string        `json:"originalCaptureNo,omitempty"`
	RefundNo                   *string        `json:"refundNo,omitempty"`
	PartnerRefundNo            string         `json:"partnerRefundNo"`
	RefundAmount               sdkMoney       `json:"refundAmount"`
	RefundTime                 *string        `json:"refundTime,omitempty" sdk:"ts"`
	AdditionalInfo             map[string]any `json:"additionalInfo,omitempty"`
}

// sdkConsultPayResponse: every field is optional in the SDK.
type sdkConsultPayResponse struct {
	ResponseCode    *string                 `json:"responseCode,omitempty"`
	ResponseMessage *string                 `json:"responseMessage,omitempty"`
	PaymentInfos    []sdkConsultPaymentInfo `json:"paymentInfos,omitempty"`
}

type sdkConsultPaymentInfo struct {
	PayMethod  string         `json:"payMethod"`
	PayOption  *string        `json:"payOption,omitempty"`
	PromoInfos []sdkPromoInfo `json:"promoInfos,omitempty"`
}

type sdkPromoInfo struct {
	PromoAmount sdkMoney `json:"promoAmount"`
	PromoID     string   `json:"promoId"`
	PromoType   string   `json:"promoType"`
}

// sdkFinishNotify is the webhook model the SDK's parser fills.
type sdkFinishNotify struct {
	OriginalPartnerReferenceNo string            `json:"originalPartnerReferenceNo"`
	OriginalReferenceNo        string            `json:"originalReferenceNo"`
	OriginalExternalID         *string           `json:"originalExternalId,omitempty"`
	MerchantID                 string            `json:"merchantId"`
	SubMerchantID              *string           `json:"subMerchantId,omitempty"`
	Amount                     sdkMoney          `json:"amount"`
	LatestTransactionStatus    string            `json:"latestTransactionStatus"`
	TransactionStatusDesc      *string           `json:"transactionStatusDesc,omitempty"`
	CreatedTime                string            `json:"createdTime" sdk:"ts"`
	FinishedTime               string            `json:"finishedTime" sdk:"ts"`
	ExternalStoreID            *string           `json:"externalStoreId,omitempty"`
	AdditionalInfo             *sdkNotifyAddInfo `json:"additionalInfo,omitempty"`
}

type sdkNotifyAddInfo struct {
	PaymentInfo            *sdkNotifyPaymentInfo `json:"paymentInfo,omitempty"`
	ShopInfo               map[string]string     `json:"shopInfo,omitempty"`
	ExtendInfo             *string               `json:"extendInfo,omitempty"`
	ExtendInfoClosedReason *string               `json:"extendInfo.closedReason,omitempty"`
	PaidTime               *string               `json:"paidTime,omitempty" sdk:"ts"`
}

type sdkNotifyPaymentInfo struct {
	CashierRequestID     *string            `json:"cashierRequestId,omitempty"`
	PaidTime             *string            `json:"paidTime,omitempty" sdk:"ts"`
	PayOptionInfos       []sdkPayOptionInfo `json:"payOptionInfos"`
	PayRequestExtendInfo *string            `json:"payRequestExtendInfo,omitempty"`
	ExtendInfo           *string            `json:"extendInfo,omitempty"`
}

var sdkTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$`)

// decodeLikeSDK decodes body into a new value of target's type the way
// dana-go does (unknown fields and type mismatches fail) and then checks
// the required properties and documented timestamp layouts.
func decodeLikeSDK(body []byte, target any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		return err
	}
	var raw any
	if err := json.Unmarshal(body, &raw); err != nil {
		return err
	}
	return checkSDKShape(reflect.TypeOf(target).Elem(), raw, "$")
}

// checkSDKShape walks raw alongside t: every field without omitempty must
// be present, and sdk:"ts" strings must match the SDK's timestamp pattern.
func checkSDKShape(t reflect.Type, raw any, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice:
		items, _ := raw.([]any)
		for i, it := range items {
			if err := checkSDKShape(t.Elem(), it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Struct:
	default:
		return nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil // the decoder already judged its type
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		v, present := obj[name]
		if !present {
			if !strings.Contains(opts, "omitempty") {
				return fmt.Errorf("%s.%s: required by the SDK model, missing", path, name)
			}
			continue
		}
		if f.Tag.Get("sdk") == "ts" {
			if err := checkTimestamps(v, path+"."+name); err != nil {
				return err
			}
		}
		if err := checkSDKShape(f.Type, v, path+"."+name); err != nil {
			return err
		}
	}
	return nil
}

func checkTimestamps(v any, path string) error {
	switch x := v.(type) {
	case string:
		if !sdkTimestamp.MatchString(x) {
			return fmt.Errorf("%s: %q is not YYYY-MM-DDTHH:mm:ss+07:00", path, x)
		}
	case []any:
		for i, it := range x {
			if err := checkTimestamps(it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestSDKShape_DetectsTheMismatchesDanaGoRejects proves the checker judges:
// JSON booleans where the SDK has strings, unknown fields and missing
// required properties all fail, as they fail dana-go's decoding.
func TestSDKShape_DetectsTheMismatchesDanaGoRejects(t *testing.T) {
	bad := map[string]string{
		"boolean frozen": `{"responseCode":"2005500","responseMessage":"Successful","serviceCode":"54","latestTransactionStatus":"01",
			"additionalInfo":{"statusDetail":{"acquirementStatus":"INIT","frozen":false,"cancelled":false}}}`,
		"unknown field":       `{"responseCode":"2005500","responseMessage":"Successful","serviceCode":"54","latestTransactionStatus":"01","extra":"x"}`,
		"missing serviceCode": `{"responseCode":"2005500","responseMessage":"Successful","latestTransactionStatus":"01"}`,
		"missing orderAmount": `{"responseCode":"2005500","responseMessage":"Successful","serviceCode":"54","latestTransactionStatus":"01","additionalInfo":{"amountDetail":{}}}`,
		"timestamp in UTC":    `{"responseCode":"2005500","responseMessage":"Successful","serviceCode":"54","latestTransactionStatus":"00","paidTime":"2026-03-02T03:00:00Z"}`,
		"number for a string": `{"responseCode":2005500,"responseMessage":"Successful","serviceCode":"54","latestTransactionStatus":"01"}`,
	}
	for name, body := range bad {
		if err := decodeLikeSDK([]byte(body), new(sdkQueryPaymentResponse)); err == nil {
			t.Errorf("%s: decoded, but dana-go would reject it", name)
		}
	}
	good := `{"responseCode":"2005500","responseMessage":"Successful","serviceCode":"54","latestTransactionStatus":"01",
		"additionalInfo":{"statusDetail":{"acquirementStatus":"INIT","frozen":"false","cancelled":"false"}}}`
	if err := decodeLikeSDK([]byte(good), new(sdkQueryPaymentResponse)); err != nil {
		t.Errorf("string frozen/cancelled rejected: %v", err)
	}
}

// TestSDKShape_EveryAnswerDecodesIntoDanaGoModels drives the emulator into
// every 2xx answer it gives (dana-go decodes only those) and every notify
// body it sends, and decodes each into the SDK-shaped model.
func TestSDKShape_EveryAnswerDecodesIntoDanaGoModels(t *testing.T) {
	f := newFixture(t)
	apiBody := func(ref, method, option string) map[string]any {
		b := f.createBody(ref, "15000.00")
		setPath(b, "additionalInfo.order.scenario", "API")
		b["payOptionDetails"] = []any{map[string]any{"payMethod": method, "payOption": option,
			"transAmount": map[string]any{"value": "15000.00", "currency": "IDR"}}}
		if strings.Contains(option, "QRIS") {
			b["externalStoreId"] = "STORE-1"
		}
		return b
	}
	type answer struct {
		name   string
		call   func() (int, []byte)
		target func() any
	}
	post := func(api string, body any) func() (int, []byte) {
		return func() (int, []byte) {
			status, res := f.post(pathOf(api), body)
			return status, []byte(res.Raw)
		}
	}
	create := func() any { return new(sdkCreateOrderResponse) }
	query := func() any { return new(sdkQueryPaymentResponse) }
	cancel := func() any { return new(sdkCancelOrderResponse) }
	refund := func() any { return new(sdkRefundOrderResponse) }

	steps := []answer{
		{"create REDIRECT", post(APICreateOrder, f.createBody("SDK-R", "15000.00")), create},
		{"create REDIRECT retry", post(APICreateOrder, f.createBody("SDK-R", "15000.00")), create},
		{"create API BALANCE", post(APICreateOrder, apiBody("SDK-B", "BALANCE", "")), create},
		{"create API VA", post(APICreateOrder, apiBody("SDK-VA", "VIRTUAL_ACCOUNT", "VIRTUAL_ACCOUNT_CIMB")), create},
		{"create API QRIS", post(APICreateOrder, apiBody("SDK-Q", "NETWORK_PAY", "NETWORK_PAY_PG_QRIS")), create},
		{"create API OVO", post(APICreateOrder, apiBody("SDK-O", "NETWORK_PAY", "NETWORK_PAY_PG_OVO")), create},
		{"query INIT", post(APIQueryPayment, queryBody("SDK-R")), query},
		{"pay SDK-R", func() (int, []byte) { f.act(actPay, "SDK-R", nil); return 0, nil }, nil},
		{"query paid", post(APIQueryPayment, queryBody("SDK-R")), query},
		{"refund", post(APIRefundOrder, refundBody("SDK-R", "RF-1", "5000.00")), refund},
		{"refund retry", post(APIRefundOrder, refundBody("SDK-R", "RF-1", "5000.00")), refund},
		{"query partly refunded", post(APIQueryPayment, queryBody("SDK-R")), query},
		{"cancel INIT", post(APICancelOrder, refBody("SDK-B")), cancel},
		{"cancel again", post(APICancelOrder, refBody("SDK-B")), cancel},
		{"query cancelled", post(APIQueryPayment, queryBody("SDK-B")), query},
		{"expire SDK-VA", func() (int, []byte) { f.act(actExpire, "SDK-VA", nil); return 0, nil }, nil},
		{"query expired", post(APIQueryPayment, queryBody("SDK-VA")), query},
		{"cancel trigger 2025700", post(APICancelOrder, refBody("2025700")), cancel},
		{"refund trigger 2025800", post(APIRefundOrder, refundBody("NO-SUCH", "RF-9", "225800.00")), refund},
		{"inject cancel 2025700", func() (int, []byte) {
			f.act(actRespondNext, "", map[string]string{"api": APICancelOrder, "code": "2025700"})
			return post(APICancelOrder, refBody("SDK-Q"))()
		}, cancel},
		{"inject refund 2025800", func() (int, []byte) {
			f.act(actRespondNext, "", map[string]string{"api": APIRefundOrder, "code": "2025800"})
			return post(APIRefundOrder, refundBody("SDK-Q", "RF-2", "1.00"))()
		}, refund},
		{"consult pay", post(APIConsultPay, map[string]any{"merchantId": testMerchant,
			"amount":         map[string]any{"value": "100000.00", "currency": "IDR"},
			"additionalInfo": map[string]any{"envInfo": map[string]any{"sourcePlatform": "IPG", "terminalType": "SYSTEM"}}}),
			func() any { return new(sdkConsultPayResponse) }},
	}
	for _, s := range steps {
		status, body := s.call()
		if s.target == nil {
			continue
		}
		if status < 200 || status >= 300 {
			t.Errorf("%s: HTTP %d %s, want a 2xx answer to decode", s.name, status, body)
			continue
		}
		if err := decodeLikeSDK(body, s.target()); err != nil {
			t.Errorf("%s: dana-go's model cannot decode %s: %v", s.name, body, err)
		}
	}
	// Every finish notify sent (00 for the payment, 05 for the expiry).
	f.clk.Advance(time.Second)
	got := f.merchant.notifies()
	if len(got) < 2 {
		t.Fatalf("%d notifies, want the 00 and the 05", len(got))
	}
	for _, n := range got {
		if err := decodeLikeSDK(n.Body, new(sdkFinishNotify)); err != nil {
			t.Errorf("notify %s: dana-go's webhook model cannot decode it: %v", n.Body, err)
		}
	}
	if status, _ := f.post(pathOf(APIQueryPayment), queryBody("SDK-R")); status != http.StatusOK {
		t.Errorf("query after the run: HTTP %d", status)
	}
}

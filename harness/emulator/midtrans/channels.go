package midtrans

import (
	"crypto/sha512"
	"fmt"
	"slices"
	"time"
)

// Per-channel fields. Midtrans' status answers and notifications carry,
// besides the common transaction fields, what the payment channel adds
// (midtrans-go coreapi.TransactionStatusResponse; the samples per method
// on docs.midtrans.com): virtual account numbers for bank transfer
// (permata_va_number for Permata, va_numbers for the others, and
// payment_amounts once paid), biller_code and bill_key for Mandiri bill
// payment (echannel), store and payment_code for convenience stores
// (cstore), issuer and acquirer for QRIS, and masked_card, bank,
// card_type and the channel's response for cards. The values are made
// up, stable per transaction, in Midtrans' formats.

// vaBanks are the banks a bank_transfer may name (param bank).
var vaBanks = []string{"bca", "bni", "bri", "permata", "cimb"}

// cstores are the stores a cstore payment may name (param store).
var cstores = []string{"indomaret", "alfamart"}

// cardBanks are acquiring banks a card payment may name (param bank).
var cardBanks = []string{"bni", "bca", "bri", "mandiri", "cimb", "maybank"}

// channelDefault is each channel's detail when the action names none.
var channelDefault = map[string]string{"bank_transfer": "bca", "cstore": "indomaret", "credit_card": "bni", "qris": "gopay"}

// checkChannel validates the bank / store param against the payment type.
func checkChannel(paymentType, bank, store string) error {
	switch {
	case bank != "" && paymentType == "bank_transfer" && !slices.Contains(vaBanks, bank):
		return fmt.Errorf("midtrans: bank %q: a bank_transfer is one of %v", bank, vaBanks)
	case bank != "" && paymentType == "credit_card" && !slices.Contains(cardBanks, bank):
		return fmt.Errorf("midtrans: bank %q: a card's acquiring bank is one of %v", bank, cardBanks)
	case bank != "" && paymentType != "bank_transfer" && paymentType != "credit_card":
		return fmt.Errorf("midtrans: bank is for payment_type bank_transfer or credit_card, not %q", paymentType)
	case store != "" && paymentType != "cstore":
		return fmt.Errorf("midtrans: store is for payment_type cstore, not %q", paymentType)
	case store != "" && !slices.Contains(cstores, store):
		return fmt.Errorf("midtrans: store %q: one of %v", store, cstores)
	}
	return nil
}

// channel is the transaction's bank, store or QRIS issuer.
func (t *txn) channel() string {
	if t.detail != "" {
		return t.detail
	}
	return channelDefault[t.paymentTypeOr()]
}

// digits derives n stable decimal digits from the transaction id and a salt.
func digits(t *txn, salt string, n int) string {
	sum := sha512.Sum512([]byte(salt + t.transactionID))
	out := make([]byte, n)
	for i := range out {
		out[i] = '0' + sum[i%len(sum)]%10
	}
	return string(out)
}

// addChannel adds the channel's fields for status in Midtrans' shape;
// settlement-only fields (payment_amounts, a card's approval_code) only
// once the transaction was paid.
func addChannel(m map[string]any, t *txn, status string) {
	paid := !t.settled.IsZero() || status == StatusSettlement || (status == StatusCapture && t.fraud == FraudAccept)
	switch t.paymentTypeOr() {
	case "bank_transfer":
		if t.channel() == "permata" {
			m["permata_va_number"] = digits(t, "permata", 18)
		} else {
			m["va_numbers"] = []map[string]any{{"bank": t.channel(), "va_number": vaNumber(t)}}
		}
		if paid {
			m["payment_amounts"] = []map[string]any{{"paid_at": wib(t.paidAt()), "amount": amount(t.gross)}}
		}
	case "echannel":
		m["biller_code"] = "70012"
		m["bill_key"] = digits(t, "billkey", 12)
	case "cstore":
		m["store"] = t.channel()
		m["payment_code"] = digits(t, "cstore", 14)
	case "qris":
		m["issuer"], m["acquirer"] = t.channel(), "gopay"
	case "credit_card":
		m["masked_card"] = "48111111-1114"
		m["bank"], m["card_type"] = t.channel(), "credit"
		m["channel_response_code"], m["channel_response_message"] = "00", "Approved"
		if status == StatusDeny {
			m["channel_response_code"], m["channel_response_message"] = "05", "Do not honor"
		}
		if paid {
			m["approval_code"] = digits(t, "approval", 13)
		}
	}
}

// paidAt is when the money arrived: settlement, or the card capture.
func (t *txn) paidAt() time.Time {
	if !t.settled.IsZero() {
		return t.settled
	}
	return t.captured
}

// vaNumber derives a stable 11-digit VA number from the transaction id.
func vaNumber(t *txn) string { return digits(t, "", 11) }

// Payment windows. Without a start_time in the request's expiry, Snap
// counts the payment window from the moment the shopper confirms a
// method ("If not specified, transaction time will be used as start time
// (when customer confirm payment channel)", Custom Transaction Expiry,
// Snap advanced features); without an expiry object each method has its
// own default (Snap Preference > Payment Expiry Settings).
//
//   - gopay: 15 minutes (Dashboard usage: "The default settings for
//     GoPay is 15 Minutes"; FAQ: "default expiry for GoPay transaction is
//     15 minutes").
//   - credit_card: 10 minutes on the 3DS page (Refund Transactions on
//     Card, expiry_time: "the 3DS redirect_url expires in 10 minutes";
//     Snap advanced features: abandoned 3DS expires "within 10-15
//     minutes").
//   - cimb_clicks, bca_klikpay, bca_klikbca, bri_epay: 2 hours (Midtrans'
//     status code list for these redirect channels).
//   - every other method: one day (Dashboard usage: "The default settings
//     for other payment methods is one day").
var methodExpiry = map[string]time.Duration{
	"gopay": 15 * time.Minute, "credit_card": 10 * time.Minute,
	"cimb_clicks": 2 * time.Hour, "bca_klikpay": 2 * time.Hour, "bca_klikbca": 2 * time.Hour, "bri_epay": 2 * time.Hour,
}

// paymentWindow is how long a method stays payable from the shopper's
// choice when the request set no start_time.
func (t *txn) paymentWindow() time.Duration {
	if t.expiryDur > 0 {
		return t.expiryDur
	}
	if d, ok := methodExpiry[t.paymentTypeOr()]; ok {
		return d
	}
	return DefaultExpiry
}

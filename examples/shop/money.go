package shop

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// Amounts are kept as integer sen (1/100 rupiah) everywhere inside the shop:
// floating point cannot represent 0.10 exactly, and a refund check that is
// off by one sen is a refund check that can be gamed.

// danaAmount is DANA's strict wire format: digits, a dot, exactly two
// decimals ("15000.00"); anything else is 4005401 Invalid Field Format.
var danaAmount = regexp.MustCompile(`^([0-9]{1,16})\.([0-9]{2})$`)

// userAmount is what the shop's own API accepts: whole rupiah or up to two
// decimals. Thirteen digits keep every value far from int64 overflow.
var userAmount = regexp.MustCompile(`^([0-9]{1,13})(?:\.([0-9]{1,2}))?$`)

var errBadAmount = errors.New(`amount must be a positive decimal string such as "15000.00"`)

// parseDanaAmount parses a value exactly as DANA writes it.
func parseDanaAmount(s string) (int64, error) {
	m := danaAmount.FindStringSubmatch(s)
	if m == nil || len(m[1]) > 13 {
		return 0, errBadAmount
	}
	return toSen(m[1], m[2])
}

// parseUserAmount parses a checkout or refund amount typed by a person or a
// script, and refuses zero: nobody pays or refunds nothing.
func parseUserAmount(s string) (int64, error) {
	m := userAmount.FindStringSubmatch(s)
	if m == nil {
		return 0, errBadAmount
	}
	frac := m[2]
	for len(frac) < 2 {
		frac += "0"
	}
	sen, err := toSen(m[1], frac)
	if err != nil || sen <= 0 {
		return 0, errBadAmount
	}
	return sen, nil
}

func toSen(whole, frac string) (int64, error) {
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errBadAmount
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, errBadAmount
	}
	return w*100 + f, nil
}

// formatAmount writes sen the way DANA wants it: "15000.00".
func formatAmount(sen int64) string {
	return fmt.Sprintf("%d.%02d", sen/100, sen%100)
}

// formatWholeAmount is the amount-without-decimals fault: the classic
// mistake of sending the integer rupiah value.
func formatWholeAmount(sen int64) string {
	return strconv.FormatInt(sen/100, 10)
}

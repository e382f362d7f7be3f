package bisnap

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Case codes every SNAP service shares.
const (
	CaseGeneral   = "00"
	CaseFormat    = "01" // Invalid Field Format {field}
	CaseMandatory = "02" // Invalid Mandatory Field {field}
)

// Service is one SNAP endpoint: its API name (as Calls knows it), path,
// two-digit service code, success code and success message, and how its
// teaching text echoes what the merchant sent.
type Service struct {
	Name    string
	Path    string
	Code    string // "54", "74", …
	Success string // e.g. "2005400"
	Message string // e.g. "Successful"
	Wording Wording
}

// Wording is how a service's teaching text shows what the merchant sent.
// The zero value clips every echo at 80 bytes on a character boundary
// (Clip, Quote); the other settings keep an emulator's established wording.
type Wording struct {
	// Whole shows strings and scalars whole in the type, choice and
	// amount messages; JSON objects and arrays are still clipped.
	Whole bool
	// CutBytes clips at byte 80 even inside a character.
	CutBytes bool
	// AmountPattern names the Money.value pattern in the amount message.
	AmountPattern bool
}

// Clip is s clipped for a teaching message.
func (w Wording) Clip(s string) string {
	if w.CutBytes && len(s) > clipAt {
		return s[:clipAt] + "…"
	}
	return Clip(s)
}

// Quote is strconv.Quote of the clipped text.
func (w Wording) Quote(s string) string { return strconv.Quote(w.Clip(s)) }

// value is a received value as the type, choice and amount messages show
// it: whole or clipped.
func (w Wording) value(s string) string {
	if w.Whole {
		return s
	}
	return w.Clip(s)
}

// Reply is a SNAP answer: the 7-digit code, its message, the other fields
// of the body, and teaching text for additionalInfo.debugMessage.
type Reply struct {
	Code    string
	Message string
	Fields  map[string]any
	Debug   string
}

// Fail builds the error reply "<status><service><case>".
func (s Service) Fail(status int, caseCode, message, debug string) *Reply {
	return &Reply{Code: strconv.Itoa(status) + s.Code + caseCode, Message: message, Debug: debug}
}

// Mandatory is 400<svc>02 Invalid Mandatory Field {field}.
func (s Service) Mandatory(field, debug string) *Reply {
	return s.Fail(http.StatusBadRequest, CaseMandatory, "Invalid Mandatory Field "+field, debug)
}

// Format is 400<svc>01 Invalid Field Format {field}.
func (s Service) Format(field, debug string) *Reply {
	return s.Fail(http.StatusBadRequest, CaseFormat, "Invalid Field Format "+field, debug)
}

// Unauthorized is 401<svc><case> with DANA's "Unauthorized. …" message.
func (s Service) Unauthorized(caseCode, reason, debug string) *Reply {
	return s.Fail(http.StatusUnauthorized, caseCode, reason, debug)
}

// OK is the success reply with the service's own message.
func (s Service) OK(fields map[string]any) *Reply {
	return &Reply{Code: s.Success, Message: s.Message, Fields: fields}
}

// HTTPStatus is the first three digits of a response code (the SNAP
// rule), or 500 when they are not a plausible status.
func HTTPStatus(code string) int {
	if len(code) < 3 {
		return http.StatusInternalServerError
	}
	n, err := strconv.Atoi(code[:3])
	if err != nil || n < 200 || n > 599 {
		return http.StatusInternalServerError
	}
	return n
}

// clipAt is how many bytes of the merchant's input a teaching message
// shows.
const clipAt = 80

// Clip keeps hostile input from flooding a teaching message.
func Clip(s string) string {
	if len(s) <= clipAt {
		return s
	}
	cut := clipAt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Quote is strconv.Quote of the clipped text.
func Quote(s string) string { return strconv.Quote(Clip(s)) }

// DefaultMessage names a code by its HTTP class and case when a table
// does not list it (an injected respond_next code, say).
func DefaultMessage(code string) string {
	if len(code) != 7 {
		return "General Error"
	}
	status, caseCode := HTTPStatus(code), code[5:]
	switch {
	case status == http.StatusUnauthorized:
		return "Unauthorized. Invalid Signature"
	case status >= 500:
		return "Internal Server Error"
	case status >= 300 && caseCode == CaseFormat:
		return "Invalid Field Format"
	case status >= 300 && caseCode == CaseMandatory:
		return "Invalid Mandatory Field"
	case status == http.StatusAccepted:
		return "Request In Progress"
	case status < 300:
		return "Successful"
	}
	return "General Error"
}

// Contains reports whether list holds v.
func Contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// join is strings.Join, kept short for messages.
func join(list []string) string { return strings.Join(list, ", ") }

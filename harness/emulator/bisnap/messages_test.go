package bisnap

import (
	"net/http"
	"testing"
)

// DANA's responseMessage for each code both DANA emulators answer, as
// DANA's UAT fixtures word them (PaymentGateway.json, Widget.json,
// IPG.json; shared/spec/gateways.md §1.14).
func TestMessages_DANAWordsEveryCode(t *testing.T) {
	for code, want := range map[string]string{
		"4007401": "Invalid Field Format", "4007402": "Invalid Mandatory Field", "4017400": "Unauthorized. Invalid Signature",
		"4014901": "Token Expired", "4014902": "Invalid Customer Token", "4034905": "Do Not Honor", "4004901": "Invalid Field Format userResources",
		"4011102": "Invalid Customer Token", "4031105": "Do Not Honor", "4031118": "Inactive Account",
		"4035402": "Exceeds Transaction Amount Limit", "4035415": "Transaction Not Permitted", "4045408": "Invalid Merchant",
		"4045418": "Inconsistent Request", "5005400": "General Error", "5005401": "Internal Server Error",
		"4045501": "Transaction Not Found", "5005501": "Internal Server Error",
		"2025700": "Request In Progress", "4035700": "Transaction Expired", "4035705": "Do Not Honor", "4035714": "Insufficient Funds",
		"4035715": "Transaction Not Permitted", "4045700": "Invalid Transaction Status", "4045701": "Transaction Not Found",
		"4045708": "Invalid Merchant", "5005701": "Internal Server Error",
		"2025800": "Request In Progress", "4035802": "Exceeds Transaction Amount Limit", "4035814": "Insufficient Funds",
		"4035815": "Transaction Not Permitted", "4045800": "Invalid Transaction Status", "4045801": "Transaction Not Found",
		"4045808": "Invalid Merchant", "4045812": "Invalid Bill", "4045818": "Inconsistent Request", "5005801": "Internal Server Error",
		"4006001": "Invalid Parameter", "4016000": "Invalid Signature", "4016001": "Invalid Access Token", "4046000": "Data Not Available",
		// Not in the fixtures: a case every service words alike.
		"4045508": "Invalid Merchant", "4041101": "Transaction Not Found", "4034915": "Transaction Not Permitted",
		// Nor that: the code's HTTP class and case.
		"4015500": "Unauthorized. Invalid Signature", "4005801": "Invalid Field Format", "4095400": "General Error", "123": "General Error",
	} {
		if got := Message(code); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}

// A case that services word differently is never guessed from another
// service: 404xx00 is Invalid Transaction Status for cancel and refund,
// Data Not Available for the history list.
func TestMessages_CasesWordedDifferentlyAreNotShared(t *testing.T) {
	if _, ok := caseMessages["40400"]; ok {
		t.Error("40400 shared though cancel and the history list word it differently")
	}
	if caseKey("4045708") != "40408" || caseKey("x") != "x" {
		t.Error("caseKey")
	}
}

func TestService_AnswerUsesDANAsWords(t *testing.T) {
	refund := Service{Name: "refund_order", Code: "58", Success: "2005800", Message: "Successful"}
	rep := refund.Answer(http.StatusNotFound, "12", "no such order")
	if rep.Code != "4045812" || rep.Message != "Invalid Bill" || rep.Debug != "no such order" {
		t.Errorf("%+v", rep)
	}
	if rep := refund.Answer(http.StatusOK, "00", ""); rep.Message != "Successful" {
		t.Errorf("success %+v", rep)
	}
}

package bisnap

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

var createSvc = Service{Name: "create_order", Code: "54", Success: "2005400", Message: "Successful"}

// check runs f over body and returns the answer owed.
func check(body string, f func(c *Checker, b gjson.Result)) (*Checker, *Reply) {
	c := NewChecker(createSvc)
	f(c, gjson.Parse(body))
	return c, c.Result()
}

// The answer follows DANA's order whatever the field order: a missing
// mandatory field before a badly formatted one before a broken rule.
func TestChecker_MandatoryBeforeFormatBeforeRule(t *testing.T) {
	c, rep := check(`{"a":5,"b":""}`, func(c *Checker, b gjson.Result) {
		c.Breaks("validUpTo", "in the past")
		c.Str(b.Get("a"), "a", 0)
		c.Str(b.Get("b"), "b", 0)
	})
	if rep.Code != "4005402" || rep.Message != "Invalid Mandatory Field b" || !c.Missing() || !c.Malformed() {
		t.Errorf("missing first: %+v", rep)
	}
	c, rep = check(`{"a":5}`, func(c *Checker, b gjson.Result) {
		c.Breaks("validUpTo", "in the past")
		c.Str(b.Get("a"), "a", 0)
	})
	if rep.Code != "4005401" || rep.Message != "Invalid Field Format a" || c.Missing() || !c.Malformed() {
		t.Errorf("format next: %+v", rep)
	}
	c, rep = check(`{}`, func(c *Checker, b gjson.Result) { c.Breaks("validUpTo", "in the past") })
	if rep.Message != "Invalid Field Format validUpTo" || c.Malformed() {
		t.Errorf("rule last: %+v", rep)
	}
	c, rep = check(`{}`, func(c *Checker, b gjson.Result) { c.Violate("tolerated %d", 1) })
	if rep != nil || len(c.Violations) != 1 || c.Violations[0] != "tolerated 1" {
		t.Errorf("a violation is not an answer: %+v %v", rep, c.Violations)
	}
}

func TestChecker_Fields(t *testing.T) {
	for _, tc := range []struct {
		body, want string
		f          func(c *Checker, b gjson.Result)
	}{
		{`{"s":null}`, "Invalid Mandatory Field s", func(c *Checker, b gjson.Result) { c.Str(b.Get("s"), "s", 0) }},
		{`{"s":"abcd"}`, "Invalid Field Format s", func(c *Checker, b gjson.Result) { c.Str(b.Get("s"), "s", 3) }},
		{`{"s":"abc"}`, "", func(c *Checker, b gjson.Result) { c.Str(b.Get("s"), "s", 3) }},
		{`{}`, "", func(c *Checker, b gjson.Result) { c.OptStr(b.Get("s"), "s", 3) }},
		{`{"s":"X"}`, "Invalid Field Format s", func(c *Checker, b gjson.Result) { c.OneOf(b.Get("s"), "s", "A", "B") }},
		{`{"s":"A"}`, "", func(c *Checker, b gjson.Result) { c.OneOf(b.Get("s"), "s", "A", "B") }},
		{`{}`, "Invalid Mandatory Field o", func(c *Checker, b gjson.Result) { c.Object(b.Get("o"), "o") }},
		{`{"o":[]}`, "Invalid Field Format o", func(c *Checker, b gjson.Result) { c.Object(b.Get("o"), "o") }},
		{`{"l":[]}`, "Invalid Mandatory Field l", func(c *Checker, b gjson.Result) { c.List(b.Get("l"), "l") }},
		{`{"l":{}}`, "Invalid Field Format l", func(c *Checker, b gjson.Result) { c.List(b.Get("l"), "l") }},
		{`{"l":[1]}`, "", func(c *Checker, b gjson.Result) { c.List(b.Get("l"), "l") }},
		{`{"m":{"value":"10.00"}}`, "Invalid Mandatory Field m.currency", func(c *Checker, b gjson.Result) { c.Money(b.Get("m"), "m") }},
		{`{"m":{"value":"10","currency":"IDR"}}`, "Invalid Field Format m", func(c *Checker, b gjson.Result) { c.Money(b.Get("m"), "m") }},
		{`{"m":{"value":"0.00","currency":"IDR"}}`, "Invalid Field Format m", func(c *Checker, b gjson.Result) { c.Money(b.Get("m"), "m") }},
		{`{"m":{"value":"1.00","currency":"USD"}}`, "Invalid Field Format m", func(c *Checker, b gjson.Result) { c.Money(b.Get("m"), "m") }},
		{`{"m":"1.00"}`, "Invalid Field Format m", func(c *Checker, b gjson.Result) { c.Money(b.Get("m"), "m") }},
		{`{"e":{"sourcePlatform":"IPG","terminalType":"WEB","orderTerminalType":""}}`, "", func(c *Checker, b gjson.Result) { c.EnvInfo(b.Get("e"), "e") }},
		{`{"e":{"sourcePlatform":"IPG","terminalType":"WEB","orderTerminalType":""}}`, "Invalid Mandatory Field e.orderTerminalType", func(c *Checker, b gjson.Result) { c.EnvInfoStrict(b.Get("e"), "e") }},
		{`{"e":{"sourcePlatform":"APP","terminalType":"WEB"}}`, "Invalid Field Format e.sourcePlatform", func(c *Checker, b gjson.Result) { c.EnvInfo(b.Get("e"), "e") }},
		{`{}`, "Invalid Mandatory Field e", func(c *Checker, b gjson.Result) { c.EnvInfo(b.Get("e"), "e") }},
	} {
		_, rep := check(tc.body, tc.f)
		got := ""
		if rep != nil {
			got = rep.Message
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.body, got, tc.want)
		}
	}
}

func TestChecker_MoneyKeepsWhatWasSent(t *testing.T) {
	var m Money
	var cents int64
	_, rep := check(`{"m":{"value":"12345.67","currency":"IDR"}}`, func(c *Checker, b gjson.Result) { m, cents, _ = c.Money(b.Get("m"), "m") })
	if rep != nil || m.Value != "12345.67" || cents != 1234567 || FormatCents(cents) != "12345.67" || m.JSON()["currency"] != "IDR" {
		t.Errorf("%+v %d %+v", m, cents, rep)
	}
	if _, ok := ParseAmount("1.5"); ok {
		t.Error("1.5 parsed")
	}
}

// Wording decides how much of the merchant's input a teaching text shows.
func TestWording_ClipsHostileInput(t *testing.T) {
	long := strings.Repeat("é", 60) // 120 bytes
	if got := Clip(long); len(got) > clipAt+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("Clip cut inside a character: %q", got)
	}
	if got := (Wording{CutBytes: true}).Clip(long); len(got) != clipAt+len("…") {
		t.Errorf("CutBytes: %d bytes", len(got))
	}
	if (Wording{Whole: true}).value(long) != long || (Wording{}).value(long) == long || Quote("a") != `"a"` || (Wording{}).Quote("a") != `"a"` {
		t.Error("Whole, value, Quote")
	}
	_, rep := check(`{"m":{"value":"1","currency":"IDR"}}`, func(c *Checker, b gjson.Result) {
		c.S.Wording.AmountPattern = true
		c.Money(b.Get("m"), "m")
	})
	if !strings.Contains(rep.Debug, amountPattern.String()) {
		t.Errorf("AmountPattern: %q", rep.Debug)
	}
}

func TestReplyCodes(t *testing.T) {
	if rep := createSvc.OK(map[string]any{"x": 1}); rep.Code != "2005400" || rep.Message != "Successful" || rep.Fields["x"] != 1 {
		t.Errorf("OK %+v", rep)
	}
	for code, want := range map[string]int{"2005400": 200, "4015400": 401, "x": 500, "99": 500, "1005400": 500, "abc0000": 500} {
		if got := HTTPStatus(code); got != want {
			t.Errorf("HTTPStatus(%q) = %d, want %d", code, got, want)
		}
	}
	for code, want := range map[string]string{"5009901": "Internal Server Error", "4009901": "Invalid Field Format", "4009902": "Invalid Mandatory Field",
		"2029900": "Request In Progress", "2009900": "Successful", "4099900": "General Error", "4019999": "Unauthorized. Invalid Signature"} {
		if got := DefaultMessage(code); got != want {
			t.Errorf("DefaultMessage(%s) = %q, want %q", code, got, want)
		}
	}
}

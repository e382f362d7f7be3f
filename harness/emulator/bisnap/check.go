package bisnap

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// amountPattern is DANA's Money.value rule: digits, a dot, two decimals.
var amountPattern = regexp.MustCompile(`^\d{1,16}\.\d{2}$`)

// Money is DANA's Money object, kept as received.
type Money struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// JSON renders m as an answer field.
func (m Money) JSON() map[string]any { return map[string]any{"value": m.Value, "currency": m.Currency} }

// Checker walks a request body once and keeps the first missing field, the
// first badly formatted field and the first broken range rule, so that the
// answer follows DANA's order (mandatory before format before rule) even
// though fields are visited in document order.
type Checker struct {
	S                     Service
	missing, format, rule *Reply
	Violations            []string
}

// NewChecker starts a check of one call to s.
func NewChecker(s Service) *Checker { return &Checker{S: s} }

// Result is the answer owed, or nil when the body passed.
func (c *Checker) Result() *Reply {
	switch {
	case c.missing != nil:
		return c.missing
	case c.format != nil:
		return c.format
	}
	return c.rule
}

// Missing reports whether a mandatory field was missing.
func (c *Checker) Missing() bool { return c.missing != nil }

// Malformed reports whether a mandatory field was missing or a field was
// badly formatted (broken range rules aside).
func (c *Checker) Malformed() bool { return c.missing != nil || c.format != nil }

// Needs records a missing mandatory field.
func (c *Checker) Needs(field, why string) {
	if c.missing == nil {
		c.missing = c.S.Mandatory(field, why)
	}
}

// Bad records a badly formatted field.
func (c *Checker) Bad(field, why string) {
	if c.format == nil {
		c.format = c.S.Format(field, why)
	}
}

// Breaks records a field whose format is right but whose value breaks a
// rule (a date in the past), answered as Invalid Field Format after every
// format check.
func (c *Checker) Breaks(field, why string) {
	if c.rule == nil {
		c.rule = c.S.Format(field, why)
	}
}

// Violate records a rule the gateway tolerates.
func (c *Checker) Violate(format string, args ...any) {
	c.Violations = append(c.Violations, fmt.Sprintf(format, args...))
}

// Present reports whether r holds a value (JSON null counts as absent).
func Present(r gjson.Result) bool { return r.Exists() && r.Type != gjson.Null }

// Str reads a mandatory string of at most max bytes (0 = no limit). Absent,
// null and "" are missing; another JSON type is a format error.
func (c *Checker) Str(r gjson.Result, field string, max int) (string, bool) {
	if !Present(r) || (r.Type == gjson.String && r.Str == "") {
		c.Needs(field, field+" is mandatory and must be a non-empty string")
		return "", false
	}
	return c.OptStr(r, field, max)
}

// OptStr reads an optional string; absent or null yields "", false.
func (c *Checker) OptStr(r gjson.Result, field string, max int) (string, bool) {
	if !Present(r) {
		return "", false
	}
	if r.Type != gjson.String {
		c.Bad(field, field+" must be a JSON string, got "+c.S.Wording.value(r.Raw))
		return "", false
	}
	if max > 0 && len(r.Str) > max {
		c.Bad(field, fmt.Sprintf("%s must be at most %d characters, got %d", field, max, len(r.Str)))
		return "", false
	}
	return r.Str, true
}

// OneOf reads a mandatory string that must be one of allowed.
func (c *Checker) OneOf(r gjson.Result, field string, allowed ...string) (string, bool) {
	v, ok := c.Str(r, field, 0)
	if ok && !Contains(allowed, v) {
		c.Bad(field, fmt.Sprintf("%s must be one of %s, got %s", field, join(allowed), strconv.Quote(c.S.Wording.value(v))))
		return v, false
	}
	return v, ok
}

// Object checks a mandatory JSON object.
func (c *Checker) Object(r gjson.Result, field string) bool {
	if !Present(r) {
		c.Needs(field, field+" is mandatory and must be a JSON object")
		return false
	}
	if !r.IsObject() {
		c.Bad(field, field+" must be a JSON object, got "+c.S.Wording.Clip(r.Raw))
		return false
	}
	return true
}

// List checks a mandatory, non-empty JSON array.
func (c *Checker) List(r gjson.Result, field string) bool {
	if !Present(r) || (r.IsArray() && len(r.Array()) == 0) {
		c.Needs(field, field+" is mandatory and must be a non-empty JSON array")
		return false
	}
	if !r.IsArray() {
		c.Bad(field, field+" must be a JSON array, got "+c.S.Wording.Clip(r.Raw))
		return false
	}
	return true
}

// Money reads a mandatory Money object: missing parts are mandatory
// errors named by path; a value without two decimals, zero, or a currency
// other than IDR is "Invalid Field Format <field>", as DANA names it.
func (c *Checker) Money(r gjson.Result, field string) (Money, int64, bool) {
	if !c.Object(r, field) {
		return Money{}, 0, false
	}
	value, okV := c.Str(r.Get("value"), field+".value", 0)
	currency, okC := c.Str(r.Get("currency"), field+".currency", 0)
	if !okV || !okC {
		return Money{}, 0, false
	}
	w := c.S.Wording
	cents, ok := ParseAmount(value)
	switch {
	case !ok:
		rule := ""
		if w.AmountPattern {
			rule = " (" + amountPattern.String() + ")"
		}
		c.Bad(field, fmt.Sprintf(`%s.value must be a string of digits with exactly two decimals such as "10000.00"%s, got %s`, field, rule, strconv.Quote(w.value(value))))
		return Money{}, 0, false
	case cents == 0:
		c.Bad(field, field+".value must be greater than 0.00")
		return Money{}, 0, false
	case currency != "IDR":
		c.Bad(field, fmt.Sprintf("%s.currency must be \"IDR\", got %s", field, strconv.Quote(w.value(currency))))
		return Money{}, 0, false
	}
	return Money{Value: value, Currency: currency}, cents, true
}

// EnvInfo checks DANA's envInfo: sourcePlatform IPG and a known terminal
// type; an orderTerminalType of "" counts as absent.
func (c *Checker) EnvInfo(v gjson.Result, field string) { c.envInfo(v, field, true) }

// EnvInfoStrict is EnvInfo where an orderTerminalType of "" is a missing
// mandatory field.
func (c *Checker) EnvInfoStrict(v gjson.Result, field string) { c.envInfo(v, field, false) }

func (c *Checker) envInfo(v gjson.Result, field string, emptyIsAbsent bool) {
	if !c.Object(v, field) {
		return
	}
	c.OneOf(v.Get("sourcePlatform"), field+".sourcePlatform", "IPG")
	c.OneOf(v.Get("terminalType"), field+".terminalType", TerminalTypes...)
	t := v.Get("orderTerminalType")
	if Present(t) && !(emptyIsAbsent && t.Type == gjson.String && t.Str == "") {
		c.OneOf(t, field+".orderTerminalType", TerminalTypes...)
	}
}

// TerminalTypes are envInfo's terminalType values.
var TerminalTypes = []string{"APP", "WEB", "WAP", "SYSTEM"}

// ParseAmount reads "12345.67" into cents.
func ParseAmount(v string) (int64, bool) {
	if !amountPattern.MatchString(v) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.Replace(v, ".", "", 1), 10, 64)
	return n, err == nil
}

// FormatCents writes cents as DANA's "12345.67".
func FormatCents(c int64) string {
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}

package dana

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// amountPattern is DANA's Money.value rule: digits, a dot, two decimals.
var amountPattern = regexp.MustCompile(`^\d{1,16}\.\d{2}$`)

// checker walks a request body once and keeps the first missing field, the
// first badly formatted field and the first broken range rule, so that the
// answer follows DANA's order (mandatory before format before range) even
// though fields are visited in document order.
type checker struct {
	a                     api
	missing, format, rule *reply
	violations            []string
}

// result is the answer owed, or nil when the body passed.
func (c *checker) result() *reply {
	switch {
	case c.missing != nil:
		return c.missing
	case c.format != nil:
		return c.format
	}
	return c.rule
}

func (c *checker) needs(field, why string) {
	if c.missing == nil {
		c.missing = c.a.mandatory(field, why)
	}
}

func (c *checker) bad(field, why string) {
	if c.format == nil {
		c.format = c.a.format(field, why)
	}
}

func (c *checker) breaks(field, why string) {
	if c.rule == nil {
		c.rule = c.a.format(field, why)
	}
}

func (c *checker) violate(format string, args ...any) {
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
}

// present reports whether r holds a value (JSON null counts as absent).
func present(r gjson.Result) bool { return r.Exists() && r.Type != gjson.Null }

// str reads a mandatory string of at most max bytes (0 = no limit). Absent,
// null and "" are missing; another JSON type is a format error.
func (c *checker) str(r gjson.Result, field string, max int) (string, bool) {
	if !present(r) || (r.Type == gjson.String && r.Str == "") {
		c.needs(field, field+" is mandatory and must be a non-empty string")
		return "", false
	}
	return c.optStr(r, field, max)
}

// optStr reads an optional string; absent or null yields "", false.
func (c *checker) optStr(r gjson.Result, field string, max int) (string, bool) {
	if !present(r) {
		return "", false
	}
	if r.Type != gjson.String {
		c.bad(field, field+" must be a JSON string, got "+r.Raw)
		return "", false
	}
	if max > 0 && len(r.Str) > max {
		c.bad(field, fmt.Sprintf("%s must be at most %d characters, got %d", field, max, len(r.Str)))
		return "", false
	}
	return r.Str, true
}

// oneOf reads a mandatory string that must be one of allowed.
func (c *checker) oneOf(r gjson.Result, field string, allowed ...string) (string, bool) {
	v, ok := c.str(r, field, 0)
	if ok && !contains(allowed, v) {
		c.bad(field, fmt.Sprintf("%s must be one of %s, got %q", field, strings.Join(allowed, ", "), v))
		return v, false
	}
	return v, ok
}

// object checks a mandatory JSON object.
func (c *checker) object(r gjson.Result, field string) bool {
	if !present(r) {
		c.needs(field, field+" is mandatory and must be a JSON object")
		return false
	}
	if !r.IsObject() {
		c.bad(field, field+" must be a JSON object, got "+clip(r.Raw))
		return false
	}
	return true
}

// list checks a mandatory, non-empty JSON array.
func (c *checker) list(r gjson.Result, field string) bool {
	if !present(r) || (r.IsArray() && len(r.Array()) == 0) {
		c.needs(field, field+" is mandatory and must be a non-empty JSON array")
		return false
	}
	if !r.IsArray() {
		c.bad(field, field+" must be a JSON array, got "+clip(r.Raw))
		return false
	}
	return true
}

// money reads a mandatory Money object. Missing parts are mandatory errors
// named by path; a value without two decimals or a currency other than IDR
// is "Invalid Field Format <field>", as DANA names it.
func (c *checker) money(r gjson.Result, field string) (money, int64, bool) {
	if !c.object(r, field) {
		return money{}, 0, false
	}
	value, okV := c.str(r.Get("value"), field+".value", 0)
	currency, okC := c.str(r.Get("currency"), field+".currency", 0)
	if !okV || !okC {
		return money{}, 0, false
	}
	cents, ok := parseAmount(value)
	if !ok {
		c.bad(field, fmt.Sprintf(`%s.value must be a string of digits with exactly two decimals such as "10000.00" (^\d{1,16}\.\d{2}$), got %q`, field, value))
		return money{}, 0, false
	}
	if cents == 0 {
		c.bad(field, field+".value must be greater than 0.00")
		return money{}, 0, false
	}
	if currency != "IDR" {
		c.bad(field, fmt.Sprintf("%s.currency must be \"IDR\", got %q", field, currency))
		return money{}, 0, false
	}
	return money{Value: value, Currency: currency}, cents, true
}

// parseAmount reads "12345.67" into cents.
func parseAmount(v string) (int64, bool) {
	if !amountPattern.MatchString(v) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.Replace(v, ".", "", 1), 10, 64)
	return n, err == nil
}

// formatCents writes cents as DANA's "12345.67".
func formatCents(c int64) string {
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// clip keeps hostile input from flooding a teaching message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func quote(s string) string { return strconv.Quote(clip(s)) }

func itoa(n int) string { return strconv.Itoa(n) }

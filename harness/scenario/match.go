package scenario

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Matchers are written as strings:
//
//	2005600     equal (numbers compare numerically: 1 matches "1.0")
//	!2005600    not equal
//	~^\d+\.\d{2}$  regular expression (RE2)
//	present     the value exists
//	absent      the value does not exist
//	2xx         an HTTP status class (also !2xx)
//	>=2  >2  <=5  <5   numeric comparisons (counts, amounts)
//
// A leading "=" forces a literal, for values that start with ! or ~.

// CheckMatcher reports a malformed matcher (a bad regular expression).
func CheckMatcher(m string) error {
	m = strings.TrimPrefix(m, "!")
	if strings.HasPrefix(m, "~") {
		if _, err := regexp.Compile(m[1:]); err != nil {
			return fmt.Errorf("bad regular expression %q: %v", m[1:], err)
		}
	}
	return nil
}

// Match reports whether actual (and whether it exists) satisfies matcher.
// The matcher must already be templated.
func Match(matcher, actual string, exists bool) bool {
	switch matcher {
	case "present":
		return exists
	case "absent":
		return !exists
	}
	if strings.HasPrefix(matcher, "=") {
		return exists && actual == matcher[1:]
	}
	if strings.HasPrefix(matcher, "!") {
		return !Match(matcher[1:], actual, exists)
	}
	if !exists {
		return false
	}
	if strings.HasPrefix(matcher, "~") {
		re, err := regexp.Compile(matcher[1:])
		return err == nil && re.MatchString(actual)
	}
	if op, n, ok := comparison(matcher); ok {
		a, err := strconv.ParseFloat(actual, 64)
		return err == nil && compare(op, a, n)
	}
	if len(matcher) == 3 && strings.HasSuffix(matcher, "xx") && matcher[0] >= '1' && matcher[0] <= '5' {
		return len(actual) == 3 && actual[0] == matcher[0]
	}
	if actual == matcher {
		return true
	}
	a, errA := strconv.ParseFloat(actual, 64)
	b, errB := strconv.ParseFloat(matcher, 64)
	return errA == nil && errB == nil && a == b && !strings.ContainsAny(matcher, "xX")
}

func sortStrings(s []string) { sort.Strings(s) }

// comparison splits ">=2" into its operator and number.
func comparison(m string) (op string, n float64, ok bool) {
	for _, o := range []string{">=", "<=", ">", "<"} {
		if rest, found := strings.CutPrefix(m, o); found {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return o, v, err == nil
		}
	}
	return "", 0, false
}

func compare(op string, a, b float64) bool {
	switch op {
	case ">=":
		return a >= b
	case "<=":
		return a <= b
	case ">":
		return a > b
	}
	return a < b
}

// CountPast reports whether a count that only ever grows (calls,
// callbacks) is already more than matcher allows, so no later count can
// match it: "1" or "=1" at 2, "<=1" at 2, "<2" at 2. A wait for such a
// count can stop at once. Any other matcher reports false.
func CountPast(matcher string, count int) bool {
	if op, n, ok := comparison(matcher); ok {
		switch op {
		case "<=":
			return float64(count) > n
		case "<":
			return float64(count) >= n
		}
		return false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(matcher, "="))
	return err == nil && count > n
}

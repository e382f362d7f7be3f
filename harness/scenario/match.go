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

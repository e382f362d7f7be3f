package snap

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// TimestampLayout is the X-TIMESTAMP layout DANA requires: Jakarta time
// with a literal +07:00 offset, exactly 25 characters.
const TimestampLayout = "2006-01-02T15:04:05+07:00"

// Jakarta is the fixed GMT+7 zone X-TIMESTAMP is written in. A fixed zone
// (not tzdata) so the binary needs no zoneinfo on the host.
var Jakarta = time.FixedZone("WIB", 7*60*60)

// Sentinel errors from ParseTimestamp. Gateways answer a missing header
// with "Invalid Mandatory Field" (xx02) and a malformed one with
// "Invalid Field Format" (xx01).
var (
	ErrTimestampMissing   = errors.New("X-TIMESTAMP is missing")
	ErrTimestampMalformed = errors.New("X-TIMESTAMP is malformed")
)

// FormatTimestamp writes t as an X-TIMESTAMP in Jakarta time.
func FormatTimestamp(t time.Time) string {
	return t.In(Jakarta).Format(TimestampLayout)
}

// ParseTimestamp reads a strict X-TIMESTAMP. Empty or blank is
// ErrTimestampMissing; anything but YYYY-MM-DDTHH:mm:ss+07:00 (a UTC "Z",
// millis, a space for the T, another offset) is ErrTimestampMalformed with
// the expected form in the message.
func ParseTimestamp(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, ErrTimestampMissing
	}
	if len(s) != len(TimestampLayout) || !strings.HasSuffix(s, "+07:00") {
		return time.Time{}, fmt.Errorf("%w: %q, want YYYY-MM-DDTHH:mm:ss+07:00 such as %q",
			ErrTimestampMalformed, clip(s), "2026-11-21T10:20:00+07:00")
	}
	t, err := time.ParseInLocation(TimestampLayout, s, Jakarta)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q, want YYYY-MM-DDTHH:mm:ss+07:00 such as %q",
			ErrTimestampMalformed, clip(s), "2026-11-21T10:20:00+07:00")
	}
	return t, nil
}

// ParseISOTimestamp reads the looser ISO-8601 forms Midtrans BI-SNAP clients
// send (UTC "Z", optional fractional seconds) as well as the strict form.
func ParseISOTimestamp(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, ErrTimestampMissing
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is not ISO-8601", ErrTimestampMalformed, clip(s))
	}
	return t, nil
}

// clip keeps hostile header values from flooding an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

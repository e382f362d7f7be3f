package shop

import "testing"

func TestAmounts_ParseStrictlyAndRoundTrip(t *testing.T) {
	cases := []struct {
		in        string
		user      int64 // -1 = rejected
		dana      int64 // -1 = rejected
		formatted string
	}{
		{"15000.00", 1500000, 1500000, "15000.00"},
		{"15000", 1500000, -1, "15000.00"},
		{"0.5", 50, -1, "0.50"},
		{"0.01", 1, 1, "0.01"},
		{"0.00", -1, 0, ""},
		{"1.234", -1, -1, ""},
		{"-1.00", -1, -1, ""},
		{"1e3", -1, -1, ""},
		{" 1.00", -1, -1, ""},
		{"9999999999999.99", 999999999999999, 999999999999999, "9999999999999.99"},
		{"99999999999999.00", -1, -1, ""}, // 14 digits: beyond what the shop handles
		{"", -1, -1, ""},
	}
	for _, tc := range cases {
		u, err := parseUserAmount(tc.in)
		if (err != nil) != (tc.user < 0) || (err == nil && u != tc.user) {
			t.Errorf("parseUserAmount(%q) = %d, %v; want %d", tc.in, u, err, tc.user)
		}
		d, err := parseDanaAmount(tc.in)
		if (err != nil) != (tc.dana < 0) || (err == nil && d != tc.dana) {
			t.Errorf("parseDanaAmount(%q) = %d, %v; want %d", tc.in, d, err, tc.dana)
		}
		if tc.formatted != "" && formatAmount(u) != tc.formatted {
			t.Errorf("formatAmount(%d) = %q, want %q", u, formatAmount(u), tc.formatted)
		}
	}
}

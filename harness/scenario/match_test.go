package scenario

import (
	"strconv"
	"testing"
)

func TestCountPast_OnlyWhenNoLargerCountCanMatch(t *testing.T) {
	for _, tc := range []struct {
		matcher string
		count   int
		want    bool
	}{
		{"1", 1, false}, {"1", 2, true}, {"=1", 2, true}, {"0", 1, true}, {"2", 1, false},
		{"<=1", 1, false}, {"<=1", 2, true}, {"<2", 1, false}, {"<2", 2, true},
		{">=1", 5, false}, {">1", 0, false}, {"present", 3, false}, {"~^1$", 2, false}, {"!1", 2, false},
	} {
		if got := CountPast(tc.matcher, tc.count); got != tc.want {
			t.Errorf("CountPast(%q, %d) = %v, want %v", tc.matcher, tc.count, got, tc.want)
		}
		// Whatever CountPast says is past must not match now or later.
		if CountPast(tc.matcher, tc.count) {
			for c := tc.count; c < tc.count+5; c++ {
				if Match(tc.matcher, strconv.Itoa(c), true) {
					t.Errorf("CountPast(%q, %d) but %d still matches", tc.matcher, tc.count, c)
				}
			}
		}
	}
}

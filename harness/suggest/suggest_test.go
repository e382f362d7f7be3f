package suggest

import "testing"

func TestNearest_FindsTyposAndRejectsStrangers(t *testing.T) {
	cands := []string{"gateway", "gateway_received", "merchant", "notify", "notify_answered", "clock"}
	for _, tc := range []struct{ in, want string }{
		{"gatway", "gateway"},
		{"merchnt", "merchant"},
		{"notify_answerd", "notify_answered"},
		{"xyzzy", ""},
		{"clok", "clock"},
	} {
		if got := Nearest(tc.in, cands); got != tc.want {
			t.Errorf("Nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

package emulator

import (
	"fmt"
	"net/url"
)

// CheckAbsURL accepts only absolute http(s) URLs with a host: the URLs an
// emulator calls back or sends a shopper to. Its messages are quoted in
// gateway answers, so they say what was wrong with the given text.
func CheckAbsURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

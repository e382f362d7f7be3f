package evidence

import (
	"net/url"
	"strings"
)

// SafeURL is raw with its password and its query (where tokens travel)
// replaced by Redacted: a merchant base URL configured with credentials
// is written into the run's metadata, which is sealed and handed to a
// reviewer, and must not carry them. A raw value that is not an absolute
// URL is returned as it is.
func SafeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Redacted)
		}
	}
	if u.RawQuery != "" {
		u.RawQuery = Redacted
	}
	return strings.ReplaceAll(u.String(), url.QueryEscape(Redacted), Redacted)
}

package dana

import (
	"bytes"
	"encoding/json"
)

// encodeJSON writes v compactly without HTML escaping, so URLs in answers
// read as the merchant sent them.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every value encoded here is built from strings and maps; this
		// cannot happen, but an answer is still owed.
		return []byte(`{"responseCode":"5000000","responseMessage":"Internal Server Error"}`)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

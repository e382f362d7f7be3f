package midtrans

import (
	"bytes"
	"encoding/json"
)

// encodeJSON writes v compactly without HTML escaping, so URLs in answers
// read as they were sent.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every value encoded here is built from strings, numbers and
		// maps; this cannot happen, but an answer is still owed.
		return []byte(`{"status_code":"500","status_message":"Internal Server Error"}`)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

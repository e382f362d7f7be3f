package midtrans

import (
	"bytes"
	"encoding/json"
	"time"
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

// since reports the real duration in milliseconds for evidence.
func since(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

package astapa

import (
	"bytes"
	"encoding/json"
)

// encodeJSON writes v compactly without HTML escaping.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"error":"internal_error","message":"Internal Server Error"}`)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

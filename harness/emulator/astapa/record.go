package astapa

import (
	"bytes"
	"encoding/json"
	"time"
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

// since reports the real duration in milliseconds for evidence.
func since(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

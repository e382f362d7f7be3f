package astapa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Bounds on what is read and recorded.
const (
	maxRequestBody  = 1 << 20
	maxRecordedBody = 64 << 10
	maxAnswerBody   = 64 << 10
)

func (e *Emulator) stampNow() evidence.Stamp {
	return evidence.Stamp{Real: time.Now(), Virtual: e.clk.Now()}
}

// message builds a redacted, size-capped evidence message: client_secret
// in a create body is replaced by the Redactor.
func (e *Emulator) message(method, url string, status int, h http.Header, body []byte) evidence.Message {
	text, cut := capBody(e.o.Redactor.String(string(body)))
	return evidence.Message{Method: method, URL: e.o.Redactor.String(url), Status: status,
		Headers: e.o.Redactor.Headers(h), Body: text, Truncated: cut}
}

func capBody(s string) (string, bool) {
	if len(s) <= maxRecordedBody {
		return s, false
	}
	cut := maxRecordedBody
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

func (e *Emulator) addExchangeLocked(x *evidence.Exchange) {
	e.st.exSeq++
	x.ID = fmt.Sprintf("astapa-%06d", e.st.exSeq)
	e.st.exchanges = append(e.st.exchanges, *x)
}

func (e *Emulator) addCall(c emulator.Call) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.addExchangeLocked(&c.Exchange)
	e.st.calls = append(e.st.calls, c)
}

func since(start time.Time) float64 { return float64(time.Since(start).Microseconds()) / 1000 }

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

package purwantara

import (
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// Bounds on what is read and recorded.
const (
	maxRequestBody  = 1 << 20  // merchant request bodies; bigger is answered 413
	maxRecordedBody = 64 << 10 // bodies kept in evidence
	maxAnswerBody   = 64 << 10 // merchant answers to webhooks
)

// stampNow reads both clocks.
func (e *Emulator) stampNow() evidence.Stamp {
	return evidence.Stamp{Real: time.Now(), Virtual: e.clk.Now()}
}

// message builds a redacted, size-capped evidence message.
func (e *Emulator) message(method, url string, status int, h http.Header, body []byte) evidence.Message {
	text, cut := capBody(e.o.Redactor.String(string(body)))
	return evidence.Message{Method: method, URL: url, Status: status,
		Headers: e.o.Redactor.Headers(h), Body: text, Truncated: cut}
}

// capBody keeps at most maxRecordedBody bytes, cutting on a rune boundary.
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
	x.ID = fmt.Sprintf("purwantara-%06d", e.st.exSeq)
	e.st.exchanges = append(e.st.exchanges, *x)
}

// addCall records a merchant call and its exchange together so the two
// logs never disagree.
func (e *Emulator) addCall(c emulator.Call) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.addExchangeLocked(&c.Exchange)
	e.st.calls = append(e.st.calls, c)
}

// recordDelivery stores a webhook exchange and its delivery together.
func (e *Emulator) recordDelivery(t *tx, d emulator.Delivery, x evidence.Exchange) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.addExchangeLocked(&x)
	d.Exchange = x
	t.deliveries = append(t.deliveries, d)
	return d
}

// since reports the real duration in milliseconds for evidence.
func since(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

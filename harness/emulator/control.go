package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/uatrun/uatrun/harness/evidence"
)

// MaxControlBody bounds the body of a /_uatrun/ control request.
const MaxControlBody = 64 << 10

// ControlParams reads the params of a control request: query parameters,
// then a JSON object or form body on top (the body wins). JSON numbers and
// booleans become their text, so every emulator sees the strings
// Action.Params holds.
func ControlParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxControlBody+1))
	if err != nil || len(body) > MaxControlBody {
		return nil, fmt.Errorf("control body unreadable or over %d KiB", MaxControlBody>>10)
	}
	if len(body) == 0 {
		return out, nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("control form: %v", err)
		}
		for k, vs := range form {
			out[k] = vs[0]
		}
		return out, nil
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("control body must be a JSON object of params or a form: %v", err)
	}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		} else {
			out[k] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// DeliveryJSON is a Delivery as control APIs show it.
type DeliveryJSON struct {
	Order        string `json:"order"`
	Variant      string `json:"variant"`
	Attempt      int    `json:"attempt"`
	Status       int    `json:"status"`
	ResponseCode string `json:"response_code,omitempty"`
	Acked        bool   `json:"acked"`
	Error        string `json:"error,omitempty"`
	Exchange     string `json:"exchange"`
}

// ResultJSON is an action Result as control APIs show it.
type ResultJSON struct {
	Detail     string              `json:"detail"`
	Deliveries []DeliveryJSON      `json:"deliveries,omitempty"`
	Exchanges  []evidence.Exchange `json:"exchanges,omitempty"`
}

// ResultView renders a Result for a control API answer.
func ResultView(r Result) ResultJSON {
	out := ResultJSON{Detail: r.Detail, Exchanges: r.Exchanges}
	for _, d := range r.Deliveries {
		out.Deliveries = append(out.Deliveries, DeliveryJSON{Order: d.Order, Variant: d.Variant, Attempt: d.Attempt,
			Status: d.Status, ResponseCode: d.ResponseCode, Acked: d.Acked, Error: d.Error, Exchange: d.Exchange.ID})
	}
	return out
}

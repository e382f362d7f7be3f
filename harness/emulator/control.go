package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/evidence"
)

// ControlPrefix is where every emulator serves its control API, for manual
// UAT and for uatrun itself.
const ControlPrefix = "/_uatrun"

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
	if err := CheckJSONDepth(body, MaxJSONDepth); err != nil {
		return nil, fmt.Errorf("control body must be a JSON object of params or a form: %v", err)
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

// Control answers an emulator's control requests as JSON: an action run
// through Act with the request's params, its Result or its error.
type Control struct {
	Act func(context.Context, Action) (Result, error)
	// View renders a Result; nil means ResultView. (DANA's control API
	// names the code responseCode, as its own API does.)
	View func(Result) any
	// Status maps an Act error to an HTTP status; nil means ActStatus.
	Status func(error) int
}

// Run reads the request's params into a, runs it and answers.
func (k Control) Run(c *gin.Context, a Action) {
	params, err := ControlParams(c.Request)
	if err != nil {
		ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	a.Params = params
	res, err := k.Act(c.Request.Context(), a)
	if err != nil {
		status := ActStatus
		if k.Status != nil {
			status = k.Status
		}
		ControlError(c, status(err), err.Error())
		return
	}
	if k.View != nil {
		c.JSON(http.StatusOK, k.View(res))
		return
	}
	c.JSON(http.StatusOK, ResultView(res))
}

// Handle serves a as a route of its own, e.g. POST /_uatrun/respond_next.
func (k Control) Handle(a Action) gin.HandlerFunc {
	return func(c *gin.Context) { k.Run(c, a) }
}

// Orders serves POST …/:<param>/:action for the per-order actions in
// names; noun says what the control API calls an order ("order",
// "transaction") when the action is not one of them.
func (k Control) Orders(noun, param string, names []string) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := c.Param("action")
		if !slices.Contains(names, name) {
			ControlError(c, http.StatusNotFound, fmt.Sprintf("unknown %s action %q; valid: %v", noun, name, names))
			return
		}
		k.Run(c, Action{Name: name, Order: c.Param(param)})
	}
}

// ActStatus maps an Act error to the control API's HTTP status: 404 for an
// unknown order or action, 409 for an order whose state refuses the
// action, 400 for anything else (a bad param).
func ActStatus(err error) int {
	switch {
	case errors.Is(err, ErrUnknownOrder), errors.Is(err, ErrUnknownAction):
		return http.StatusNotFound
	case errors.Is(err, ErrOrderState):
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// ControlError answers a control request with {"error": msg}.
func ControlError(c *gin.Context, status int, msg string) {
	c.JSON(status, gin.H{"error": msg})
}

package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/evidence"
)

// fakeAct answers by order reference, so each test picks the outcome.
func fakeAct(got *Action) func(context.Context, Action) (Result, error) {
	return func(_ context.Context, a Action) (Result, error) {
		*got = a
		switch a.Order {
		case "missing":
			return Result{}, fmt.Errorf("%w: no order %q", ErrUnknownOrder, a.Order)
		case "closed":
			return Result{}, fmt.Errorf("gw: %w: it is closed", ErrOrderState)
		case "bad":
			return Result{}, errors.New("gw: copies must be a number")
		}
		d := Delivery{Order: a.Order, Variant: "valid", Attempt: 1, Status: 200, ResponseCode: "OK", Acked: true,
			Exchange: evidence.Exchange{ID: "gw-000007"}}
		return Result{Detail: "done", Deliveries: []Delivery{d}}, nil
	}
}

func controlEngine(k Control) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	g := gin.New()
	ctl := g.Group(ControlPrefix)
	ctl.POST("/orders/:ref/:action", k.Orders("order", "ref", []string{"pay", "notify"}))
	ctl.POST("/respond_next", k.Handle(Action{Name: "respond_next"}))
	return g
}

func post(g http.Handler, target, contentType, body string) (int, string) {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	g.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

func TestControl_AnswersResultsAndErrorsAsJSON(t *testing.T) {
	var got Action
	g := controlEngine(Control{Act: fakeAct(&got)})
	cases := []struct {
		name, target, body string
		status             int
		answer             string
	}{
		{"result", "/_uatrun/orders/A1/pay", "", 200,
			`{"detail":"done","deliveries":[{"order":"A1","variant":"valid","attempt":1,"status":200,"response_code":"OK","acked":true,"exchange":"gw-000007"}]}`},
		{"unknown order", "/_uatrun/orders/missing/pay", "", 404, `{"error":"unknown order: no order \"missing\""}`},
		{"state refuses", "/_uatrun/orders/closed/pay", "", 409, `{"error":"gw: order state does not allow this action: it is closed"}`},
		{"bad param", "/_uatrun/orders/bad/notify", "", 400, `{"error":"gw: copies must be a number"}`},
		{"unknown order action", "/_uatrun/orders/A1/refund", "", 404, `{"error":"unknown order action \"refund\"; valid: [pay notify]"}`},
		{"unreadable params", "/_uatrun/orders/A1/pay", "{", 400,
			`{"error":"control body must be a JSON object of params or a form: unexpected end of JSON input"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, answer := post(g, c.target, "application/json", c.body)
			if status != c.status || answer != c.answer {
				t.Fatalf("HTTP %d %s\nwant %d %s", status, answer, c.status, c.answer)
			}
		})
	}
}

func TestControl_PassesParamsAndOrderToAct(t *testing.T) {
	var got Action
	g := controlEngine(Control{Act: fakeAct(&got)})
	post(g, "/_uatrun/orders/A1/notify?variant=wrong_key", "application/json", `{"copies":2,"variant":"duplicate"}`)
	if got.Name != "notify" || got.Order != "A1" || got.Params["copies"] != "2" || got.Params["variant"] != "duplicate" {
		t.Fatalf("Act got %+v", got)
	}
	post(g, "/_uatrun/respond_next", "application/x-www-form-urlencoded", "api=create&code=500")
	if got.Name != "respond_next" || got.Order != "" || got.Params["api"] != "create" || got.Params["code"] != "500" {
		t.Fatalf("Act got %+v", got)
	}
}

func TestControl_ViewAndStatusCanBeTheGateways(t *testing.T) {
	var got Action
	k := Control{Act: fakeAct(&got),
		View:   func(r Result) any { return map[string]string{"said": r.Detail} },
		Status: func(error) int { return http.StatusTeapot }}
	g := controlEngine(k)
	if status, answer := post(g, "/_uatrun/orders/A1/pay", "", ""); status != 200 || answer != `{"said":"done"}` {
		t.Fatalf("view: HTTP %d %s", status, answer)
	}
	if status, _ := post(g, "/_uatrun/orders/missing/pay", "", ""); status != http.StatusTeapot {
		t.Fatalf("status: HTTP %d", status)
	}
}

func TestControlParams_QueryThenBodyWins(t *testing.T) {
	cases := []struct {
		name, ct, body string
		want           map[string]string
		err            string
	}{
		{"query only", "", "", map[string]string{"a": "q"}, ""},
		{"json numbers and booleans become text", "application/json", `{"a":"b","n":3,"t":true}`,
			map[string]string{"a": "b", "n": "3", "t": "true"}, ""},
		{"form", "application/x-www-form-urlencoded", "a=f&x=y", map[string]string{"a": "f", "x": "y"}, ""},
		{"not an object", "application/json", `[1]`, nil, "control body must be a JSON object"},
		{"too big", "application/json", `{"a":"` + strings.Repeat("x", MaxControlBody) + `"}`, nil, "over 64 KiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/_uatrun/x?a=q", io.NopCloser(strings.NewReader(c.body)))
			r.Header.Set("Content-Type", c.ct)
			got, err := ControlParams(r)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("got %v %v, want %v", got, err, c.want)
			}
		})
	}
}

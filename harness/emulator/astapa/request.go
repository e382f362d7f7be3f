package astapa

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// API names Calls accepts.
const (
	APICreatePayment = "create_payment" // POST /api/platform/shop-payment
	APIVerify        = "verify"         // GET /api/platform/shop-payment/verify
	APIUnknownPath   = "unknown_path"
)

var apiNames = []string{APICreatePayment, APIVerify, APIUnknownPath}

// AuthScheme names the credential check recorded as Call.Signature:
// Astapa authenticates the create call by client_id and client_secret in
// the JSON body; verify is public.
const AuthScheme = "Astapa client credentials in the request body"

// HeaderHint carries the emulator's explanation of a refusal.
const HeaderHint = "X-Uatrun-Hint"

type inbound struct {
	emulator.Inbound
	api  string
	auth *evidence.SignatureCheck
}

// reply is an answer plus what the evidence records.
type reply struct {
	status int
	body   map[string]any
	hint   string
	hangUp bool // no answer at all: the connection is closed (respond_next code=timeout)
}

// CodeTimeout is the respond_next code for no answer: the emulator closes
// the connection instead of answering, which the merchant's client sees
// as a failed or timed-out call, without anyone waiting in real time.
const CodeTimeout = "timeout"

// fail is the error shape ⚠ (Astapa documents none): {"error","message"}.
func fail(status int, code, message, hint string) *reply {
	return &reply{status: status, hint: hint, body: map[string]any{"error": code, "message": message}}
}

type handler func(in *inbound) *reply

func (e *Emulator) serve(api string, h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		in := e.receive(c, api)
		e.answer(c, in, e.process(in, h))
	}
}

func (e *Emulator) receive(c *gin.Context, api string) *inbound {
	return &inbound{Inbound: e.rec.Receive(c.Request), api: api}
}

func (e *Emulator) process(in *inbound, h handler) *reply {
	if in.TooBig {
		return fail(http.StatusRequestEntityTooLarge, "payload_too_large", "Request body too large", "the body exceeds 1 MiB")
	}
	// Astapa's credentials are in the JSON body, so the body must be read
	// to authenticate: a byte scan bounds its nesting first, and a nesting
	// bomb is refused before any parser or validator sees it.
	if err := emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth); err != nil {
		return fail(http.StatusBadRequest, "invalid_json", "Request body must be a JSON object", err.Error())
	}
	orderID := ""
	if in.api == APIVerify {
		orderID = in.Req.URL.Query().Get("order_id")
	}
	if ov := e.takeOverride(in.api, orderID); ov != nil {
		return ov
	}
	return h(in)
}

// answer writes the reply and records the call; ResponseCode is the HTTP status.
func (e *Emulator) answer(c *gin.Context, in *inbound, rep *reply) {
	if rep.hangUp {
		e.hangUp(c, in, rep)
		return
	}
	body := encodeJSON(rep.body)
	if rep.hint != "" {
		c.Header(HeaderHint, strings.NewReplacer("\r", " ", "\n", " ").Replace(rep.hint))
	}
	c.Data(rep.status, "application/json", body)
	notes := append([]string(nil), in.Violations...)
	if rep.hint != "" {
		notes = append(notes, "emulator: "+rep.hint)
	}
	call := emulator.Call{API: in.api, Signature: in.auth, ResponseCode: strconv.Itoa(rep.status), Violations: in.Violations}
	e.rec.AddCall(call, in.Inbound, notes, emulator.Answer{Status: rep.status, Header: c.Writer.Header(), Body: body})
}

// hangUp closes the connection without an answer and records the call
// with no response code.
//
// The call is recorded before the connection closes: the merchant sees the
// close at once and may retry, and its retry must come after this call in
// the record (a scenario reading the calls then finds both).
func (e *Emulator) hangUp(c *gin.Context, in *inbound, rep *reply) {
	notes := append(append([]string(nil), in.Violations...), "emulator: "+rep.hint)
	call := emulator.Call{API: in.api, Signature: in.auth, Violations: in.Violations}
	e.rec.AddCall(call, in.Inbound, notes, emulator.Answer{})
	if h, ok := c.Writer.(http.Hijacker); ok {
		if conn, _, err := h.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	// A handler called without a connection (a test recorder): say so in a 504.
	c.Data(http.StatusGatewayTimeout, "application/json", encodeJSON(map[string]any{"error": "timeout", "message": "no answer"}))
}

func quote(s string) string { return strconv.Quote(s) }

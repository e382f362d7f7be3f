package purwantara

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// AuthScheme names the merchant → Purwantara credential check in evidence.
const AuthScheme = "Bearer API token"

// inbound is one merchant request on its way through the pipeline.
type inbound struct {
	emulator.Inbound
	api  string
	auth *evidence.SignatureCheck
}

// reply is an answer in Purwantara's envelope. Success is
// {"status","success":true,"data"} (the keys Purwantara's PHP client tests
// expect); failure is {"status","success":false,"error":{"code","message"}}
// (the shape Purwantara's own API monitor reads). status repeats the HTTP
// status: 201 for a create, 200 for inquiry and cancel.
type reply struct {
	status  int
	code    string // error.code; "" = the emulator's code for status
	message string
	data    obj
	list    []any // a list answer's data, in place of data
}

// created is a create's success answer: HTTP and body status 201.
func created(data obj) *reply { return &reply{status: http.StatusCreated, data: data} }

// ok is an inquiry's or cancel's success answer.
func ok(data obj) *reply { return &reply{status: http.StatusOK, data: data} }

// listed is a list route's success answer: data is an array.
func listed(items []any) *reply { return &reply{status: http.StatusOK, list: items} }

func fail(status int, message string) *reply { return &reply{status: status, message: message} }

// invalid is the 422 validation answer for one field.
func invalid(message string) *reply {
	return &reply{status: http.StatusUnprocessableEntity, message: message}
}

// handler answers one API call after authentication.
type handler func(in *inbound) *reply

// serve wraps a handler in the shared pipeline: read, authenticate, answer,
// record.
func (e *Emulator) serve(api string, h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		in := e.receive(c.Request, api)
		e.answer(c, in, e.process(in, h))
	}
}

// receive reads the bounded body and stamps the call.
func (e *Emulator) receive(r *http.Request, api string) *inbound {
	return &inbound{Inbound: e.rec.Receive(r), api: api}
}

// process authenticates, then lets a pending respond_next answer win, then
// bounds the body's nesting, then runs the handler. The token check is recorded even when an injected
// answer is returned.
func (e *Emulator) process(in *inbound, h handler) *reply {
	if in.TooBig {
		return fail(http.StatusRequestEntityTooLarge, "The request body exceeds 1 MiB.")
	}
	authErr := e.checkAuth(in)
	e.checkAccept(in)
	if ov := e.takeOverride(in.api); ov != nil {
		return ov
	}
	if authErr != nil {
		return authErr
	}
	if err := emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth); err != nil {
		// Checked before any handler parses the body: a nesting bomb costs
		// no more than its bytes.
		return fail(http.StatusBadRequest, "The request body must be one JSON object (Content-Type: application/json): "+err.Error()+".")
	}
	return h(in)
}

// checkAuth compares the Bearer token with the API token in constant time.
// The detail names which mistake was made, never the token itself.
func (e *Emulator) checkAuth(in *inbound) *reply {
	check := &evidence.SignatureCheck{Scheme: AuthScheme}
	in.auth = check
	h := strings.TrimSpace(in.Req.Header.Get("Authorization"))
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	switch {
	case h == "":
		check.Detail = "no Authorization header; send Authorization: Bearer <API token from Settings > API>"
	case !strings.EqualFold(scheme, "Bearer") || token == "":
		check.Detail = "Authorization is not \"Bearer <token>\" (scheme " + strconv.Quote(clip(scheme, 16)) + ")"
	case same(token, e.o.Token):
		check.Valid, check.Detail = true, "Bearer token is the team's API token"
	case same(token, e.o.WebhookSecret):
		check.Detail = "the Bearer token is the webhook secret; the API wants the API token from Settings > API"
	default:
		check.Detail = "the Bearer token is not the team's API token"
	}
	if check.Valid {
		return nil
	}
	return fail(http.StatusUnauthorized, "Unauthenticated.")
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// checkAccept records a missing "Accept: application/json", which the
// integration guide sends on every call; without it a Laravel API answers
// errors as HTML redirects instead of JSON.
func (e *Emulator) checkAccept(in *inbound) {
	for _, part := range strings.Split(in.Req.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil &&
			(mt == "application/json" || mt == "*/*" || mt == "application/*") {
			return
		}
	}
	in.Violations = append(in.Violations, "Accept: application/json is missing (the integration guide sends it on every call)")
}

// answer writes the reply in Purwantara's envelope and records the call.
func (e *Emulator) answer(c *gin.Context, in *inbound, rep *reply) {
	body := e.body(rep)
	c.Data(rep.status, "application/json", body)
	call := emulator.Call{API: in.api, Signature: in.auth, ResponseCode: strconv.Itoa(rep.status), Violations: in.Violations}
	e.rec.AddCall(call, in.Inbound, in.Violations, emulator.Answer{Status: rep.status, Header: c.Writer.Header(), Body: body})
}

func (e *Emulator) body(rep *reply) []byte {
	out := obj{{"status", rep.status}, {"success", rep.status < 300}}
	if rep.status < 300 && rep.list != nil {
		return marshalPHP(append(out, field{"data", rep.list}))
	}
	if rep.status < 300 {
		return marshalPHP(append(out, field{"data", rep.data}))
	}
	code := rep.code
	if code == "" {
		code = e.errorCode(rep.status)
	}
	return marshalPHP(append(out, field{"error", obj{{"code", code}, {"message", rep.message}}}))
}

// clip shortens untrusted text quoted back in messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

package midtrans

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// API names Calls accepts.
const (
	APICreateTransaction = "create_transaction" // POST /snap/v1/transactions
	APIStatus            = "status"             // GET /v2/{id}/status
	APICancel            = "cancel"             // POST /v2/{id}/cancel
	APIExpire            = "expire"             // POST /v2/{id}/expire
	APIRefund            = "refund"             // POST /v2/{id}/refund (and /refund/online/direct)
	APIApprove           = "approve"            // POST /v2/{id}/approve (challenged card capture)
	APIDeny              = "deny"               // POST /v2/{id}/deny (challenged card capture)
	APIUnknownPath       = "unknown_path"       // anything Midtrans does not serve
)

var apiNames = []string{APICreateTransaction, APISnapCancel, APIStatus, APICancel, APIExpire, APIRefund, APIApprove, APIDeny, APIUnknownPath}

// AuthScheme names the merchant's credential check in evidence; Call.Signature
// carries it, so `signature: valid` means "authenticated with the server key".
const AuthScheme = "HTTP Basic (Midtrans server key)"

// HeaderHint carries the emulator's explanation of a refusal. Midtrans'
// bodies have no room for it, and the emulator never changes their shape.
const HeaderHint = "X-Uatrun-Hint"

// inbound is one merchant request on its way through the pipeline.
type inbound struct {
	emulator.Inbound
	api  string
	id   string // the {id} path segment of Core API calls
	auth *evidence.SignatureCheck
}

// reply is an answer in Midtrans' shape plus what the evidence records.
type reply struct {
	status int            // HTTP status
	code   string         // Call.ResponseCode: the body's status_code, or the HTTP status for Snap
	body   map[string]any // the JSON answer
	hint   string         // X-Uatrun-Hint
}

// handler answers one authenticated call.
type handler func(in *inbound) *reply

// serve wraps an API handler in the shared pipeline: read, authenticate,
// answer, record.
func (e *Emulator) serve(api string, h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		in := e.receive(c, api)
		e.answer(c, in, e.process(in, h))
	}
}

// receive reads the bounded body and stamps the call.
func (e *Emulator) receive(c *gin.Context, api string) *inbound {
	return &inbound{Inbound: e.rec.Receive(c.Request), api: api, id: c.Param("id")}
}

// process authenticates, then lets a pending respond_next answer win, then
// bounds the body's nesting, then runs the handler.
func (e *Emulator) process(in *inbound, h handler) *reply {
	if in.TooBig {
		return in.fail(http.StatusRequestEntityTooLarge, "413", "Request entity too large",
			"the request body exceeds 1 MiB; Midtrans request bodies are a few KiB")
	}
	authErr := e.authenticate(in)
	if ov := e.takeOverride(in); ov != nil {
		return ov
	}
	if authErr != nil {
		return authErr
	}
	if err := emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth); err != nil {
		// Checked before any handler parses the body: a nesting bomb costs
		// no more than its bytes.
		if in.api == APICreateTransaction {
			return snapError(http.StatusBadRequest, err.Error(), "Invalid JSON: the request body must be a JSON object")
		}
		return in.fail(http.StatusBadRequest, "400", "The request cannot be processed due to malformed syntax in the request body.", err.Error())
	}
	return h(in)
}

// authenticate checks Authorization: Basic base64(ServerKey + ":") and
// records the check.
func (e *Emulator) authenticate(in *inbound) *reply {
	check := &evidence.SignatureCheck{Scheme: AuthScheme}
	in.auth = check
	user, why := basicUser(in.Req.Header.Get("Authorization"))
	switch {
	case why != "":
	case user == e.o.ServerKey:
		check.Valid, check.Detail = true, "Authorization: Basic base64(<server key>:) matches the configured server key"
		return nil
	case strings.HasPrefix(user, "SB-Mid-client-") || strings.HasPrefix(user, "Mid-client-"):
		why = "the username is a client key; server-side calls authenticate with the server key"
	default:
		why = "the username is not the configured server key (wrong key, or a key of the other environment)"
	}
	check.Detail = why
	hint := "authenticate with HTTP Basic: username = server key, empty password; " + why
	if in.api == APICreateTransaction || in.api == APISnapCancel {
		return snapError(http.StatusUnauthorized, hint,
			"Access denied due to unauthorized transaction, please check client or server key",
			"Visit https://snap-docs.midtrans.com/#request-headers for more details")
	}
	return in.fail(http.StatusUnauthorized, "401", "Unknown Merchant server_key/id", hint)
}

// basicUser extracts the username of a Basic credential, or says why it
// cannot.
func basicUser(header string) (string, string) {
	if strings.TrimSpace(header) == "" {
		return "", "no Authorization header was sent"
	}
	scheme, cred, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", "the Authorization header is not HTTP Basic"
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", "the Basic credential is not valid base64"
	}
	user, _, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "the Basic credential has no ':' (it must be base64(server key + \":\"))"
	}
	return user, ""
}

// fail builds a Core API error: {"status_code","status_message","id"}. The
// HTTP status matches status_code.
func (in *inbound) fail(status int, code, message, hint string) *reply {
	return &reply{status: status, code: code, hint: hint,
		body: map[string]any{"status_code": code, "status_message": message, "id": newUUID()}}
}

// snapError builds a Snap error: {"error_messages":[…]}.
func snapError(status int, hint string, messages ...string) *reply {
	return &reply{status: status, code: strconv.Itoa(status), hint: hint,
		body: map[string]any{"error_messages": messages}}
}

// answer writes the reply and records the call.
func (e *Emulator) answer(c *gin.Context, in *inbound, rep *reply) {
	body := encodeJSON(rep.body)
	if rep.hint != "" {
		c.Header(HeaderHint, oneLine(rep.hint))
	}
	c.Data(rep.status, "application/json", body)
	notes := append([]string(nil), in.Violations...)
	if rep.hint != "" {
		notes = append(notes, "emulator: "+rep.hint)
	}
	call := emulator.Call{API: in.api, Signature: in.auth, ResponseCode: rep.code, Violations: in.Violations}
	e.rec.AddCall(call, in.Inbound, notes, emulator.Answer{Status: rep.status, Header: c.Writer.Header(), Body: body})
}

// oneLine keeps a header value on one line.
func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

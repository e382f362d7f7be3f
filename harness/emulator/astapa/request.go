package astapa

import (
	"io"
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
	api        string
	req        *http.Request
	body       []byte
	tooBig     bool
	seq        int
	at         evidence.Stamp
	auth       *evidence.SignatureCheck
	violations []string
}

// reply is an answer plus what the evidence records.
type reply struct {
	status int
	body   map[string]any
	hint   string
}

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
	in := &inbound{api: api, req: c.Request, at: e.stampNow()}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxRequestBody+1))
	if err != nil {
		in.violations = append(in.violations, "request body could not be read: "+err.Error())
	}
	if len(body) > maxRequestBody {
		in.tooBig, body = true, body[:maxRequestBody]
	}
	in.body = body
	e.mu.Lock()
	e.st.seq++
	in.seq = e.st.seq
	e.mu.Unlock()
	return in
}

func (e *Emulator) process(in *inbound, h handler) *reply {
	if in.tooBig {
		return fail(http.StatusRequestEntityTooLarge, "payload_too_large", "Request body too large", "the body exceeds 1 MiB")
	}
	if ov := e.takeOverride(in.api); ov != nil {
		return ov
	}
	return h(in)
}

// answer writes the reply and records the call; ResponseCode is the HTTP status.
func (e *Emulator) answer(c *gin.Context, in *inbound, rep *reply) {
	body := encodeJSON(rep.body)
	if rep.hint != "" {
		c.Header(HeaderHint, strings.NewReplacer("\r", " ", "\n", " ").Replace(rep.hint))
	}
	c.Data(rep.status, "application/json", body)
	notes := append([]string(nil), in.violations...)
	if rep.hint != "" {
		notes = append(notes, "emulator: "+rep.hint)
	}
	call := emulator.Call{Seq: in.seq, API: in.api, Signature: in.auth, ResponseCode: strconv.Itoa(rep.status), Violations: in.violations}
	call.Exchange = evidence.Exchange{Kind: evidence.KindMerchantCall, Label: in.api,
		Request:   e.message(in.req.Method, requestURL(in.req), 0, in.req.Header, in.body),
		Signature: in.auth, Notes: notes, At: in.at, DurationMS: since(in.at.Real)}
	resp := e.message("", "", rep.status, c.Writer.Header(), body)
	call.Exchange.Response = &resp
	call.Exchange.Request.Truncated = in.tooBig
	e.addCall(call)
}

func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.RequestURI()
}

func quote(s string) string { return strconv.Quote(s) }

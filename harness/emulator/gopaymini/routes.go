package gopaymini

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
)

// API names, as Calls and respond_next know them.
const (
	APITokenExchange  = "token_exchange"
	APIProfile        = "profile"
	APICashback       = "cashback"
	APIReminderCreate = "reminder_create"
	APIReminderDelete = "reminder_delete"
	APIPush           = "push_notification"
	APIB2BToken       = "b2b_token"
	APICreatePayment  = "create_payment"
	APIQueryPayment   = "query_payment"
	APICancelPayment  = "cancel_payment"
	APIRefundPayment  = "refund_payment"
	apiUnknown        = "unknown_path"
)

// api is one endpoint. snap APIs answer BI-SNAP bodies with 7-digit
// responseCodes; the mini-app APIs answer {"success":…} with HTTP
// statuses.
type api struct {
	name, method, path string
	snap               bool
	service, success   string // BI-SNAP service code and success responseCode
}

var apis = []api{
	{name: APITokenExchange, method: http.MethodPost, path: "/v1/mini-apps/authorizations/token"},
	{name: APIProfile, method: http.MethodGet, path: "/v1/mini-apps/profile"},
	{name: APICashback, method: http.MethodPost, path: "/v1/mini-apps/cashback"},
	{name: APIReminderCreate, method: http.MethodPost, path: "/v1/mini-apps/reminder"},
	{name: APIReminderDelete, method: http.MethodDelete, path: "/v1/mini-apps/reminder/:id"},
	{name: APIPush, method: http.MethodPost, path: "/v1/mini-apps/notifications/push"},
	{name: APIB2BToken, method: http.MethodPost, path: "/v1.0/access-token/b2b", snap: true, service: "73", success: "2007300"},
	{name: APICreatePayment, method: http.MethodPost, path: "/v1.0/debit/payment-host-to-host", snap: true, service: "54", success: "2005400"},
	{name: APIQueryPayment, method: http.MethodPost, path: "/v1.0/debit/status", snap: true, service: "55", success: "2005500"},
	{name: APICancelPayment, method: http.MethodPost, path: "/v1.0/debit/cancel", snap: true, service: "57", success: "2005700"},
	{name: APIRefundPayment, method: http.MethodPost, path: "/v1.0/debit/refund", snap: true, service: "58", success: "2005800"},
}

func apiByName(name string) (api, bool) {
	for _, a := range apis {
		if a.name == name {
			return a, true
		}
	}
	return api{}, false
}

func encodeJSON(v any) []byte { return bisnap.Encode(v) }

// reply is one answer: its HTTP status, the code Calls record (the
// responseCode for BI-SNAP, the HTTP status for mini-app APIs), its body
// and the emulator's explanation for the evidence.
type reply struct {
	status int
	code   string
	body   map[string]any
	hint   string
}

// snapReply is a BI-SNAP answer "<http><service><case>".
func (a api) fail(status int, caseCode, message, hint string) *reply {
	code := strconv.Itoa(status) + a.service + caseCode
	return &reply{status: status, code: code, hint: hint,
		body: map[string]any{"responseCode": code, "responseMessage": message}}
}

func (a api) mandatory(field, hint string) *reply {
	return a.fail(http.StatusBadRequest, "02", "Invalid Mandatory Field "+field, hint)
}

func (a api) format(field, hint string) *reply {
	return a.fail(http.StatusBadRequest, "01", "Invalid Field Format "+field, hint)
}

func (a api) ok(fields map[string]any) *reply {
	body := map[string]any{"responseCode": a.success, "responseMessage": "Successful"}
	for k, v := range fields {
		body[k] = v
	}
	return &reply{status: http.StatusOK, code: a.success, body: body}
}

// miniOK is a mini-app API success, {"success":true,"data":…}.
func miniOK(data map[string]any) *reply {
	return &reply{status: http.StatusOK, code: "200", body: map[string]any{"success": true, "data": data}}
}

// miniFail is a mini-app API error, {"success":false,"error":{code,message}}:
// the shape GoPay's container SDK answers errors in (our choice for the
// back end, whose error bodies are not published).
func miniFail(status int, code, message string) *reply {
	return &reply{status: status, code: strconv.Itoa(status), hint: message,
		body: map[string]any{"success": false, "error": map[string]any{"code": code, "message": message}}}
}

// call is one merchant request on its way through a handler.
type call struct {
	emulator.Inbound
	api  api
	doc  gjson.Result
	sig  *evidence.SignatureCheck
	user *user  // the user a mini-app bearer token names
	tok  string // the B2B access token of a BI-SNAP transaction call
}

// routes builds the gin engine.
func (e *Emulator) routes() *gin.Engine {
	g := emulator.NewEngine(e.version, bisnap.InternalError)
	handlers := map[string]struct {
		auth   func(*call) *reply
		handle func(*call) *reply
	}{
		APITokenExchange:  {e.authCredential, e.tokenExchange},
		APIProfile:        {e.authUser, e.profile},
		APICashback:       {e.authUser, e.cashback},
		APIReminderCreate: {e.authUser, e.reminderCreate},
		APIReminderDelete: {e.authUser, e.reminderDelete},
		APIPush:           {e.authUser, e.push},
		APIB2BToken:       {e.authB2B, e.b2bToken},
		APICreatePayment:  {e.authTransaction, e.createPayment},
		APIQueryPayment:   {e.authTransaction, e.queryPayment},
		APICancelPayment:  {e.authTransaction, e.cancelPayment},
		APIRefundPayment:  {e.authTransaction, e.refundPayment},
	}
	for _, a := range apis {
		h := handlers[a.name]
		g.Handle(a.method, a.path, e.serve(a, h.auth, h.handle))
	}
	g.GET("/gopay/pay/:ref", e.launchPage)
	g.POST("/gopay/pay/:ref/:choice", e.launchChoice)
	k := e.control()
	ctl := g.Group(emulator.ControlPrefix)
	// Lists answer a page at a time (?limit=, ?after=), as on every gateway.
	ctl.GET("/payments", func(c *gin.Context) {
		emulator.ServePage(c, e.Payments(), func(p PaymentView) string { return p.PartnerReferenceNo })
	})
	ctl.GET("/exchanges", func(c *gin.Context) {
		emulator.ServePage(c, e.Exchanges(), func(x evidence.Exchange) string { return x.ID })
	})
	ctl.POST("/users/:user/auth_code", e.authCodeRoute)
	ctl.POST("/users/:user/consent", func(c *gin.Context) {
		k.Run(c, emulator.Action{Name: actConsent})
	})
	ctl.POST("/payments/:ref/:action", k.Orders("payment", "ref", paymentActions))
	ctl.POST("/wallet", k.Handle(emulator.Action{Name: actWallet}))
	ctl.POST("/respond_next", k.Handle(emulator.Action{Name: actRespondNext}))
	g.NoRoute(e.unknownPath)
	return g
}

// serve is the shared pipeline: bounded read, nesting bound,
// authentication, an injected answer, the handler, the record.
func (e *Emulator) serve(a api, auth, handle func(*call) *reply) gin.HandlerFunc {
	return func(c *gin.Context) {
		in := &call{Inbound: e.rec.Receive(c.Request), api: a}
		e.answer(c, in, e.process(in, auth, handle))
	}
}

func (e *Emulator) process(in *call, auth, handle func(*call) *reply) *reply {
	if in.TooBig {
		return e.refuse(in, http.StatusRequestEntityTooLarge, "00", "REQUEST_TOO_LARGE", "Request Entity Too Large",
			"the request body exceeds 1 MiB; these bodies are a few hundred bytes")
	}
	if err := emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth); err != nil {
		return e.refuse(in, http.StatusBadRequest, "01", "INVALID_REQUEST", "Invalid Field Format request body", err.Error())
	}
	if rep := auth(in); rep != nil {
		return rep
	}
	if ov, ok := e.injected.Take(in.api.name); ok {
		return e.injectedReply(in.api, ov)
	}
	if len(strings.TrimSpace(string(in.Body))) > 0 || in.api.method == http.MethodPost {
		if !gjson.ValidBytes(in.Body) || !gjson.ParseBytes(in.Body).IsObject() {
			return e.refuse(in, http.StatusBadRequest, "01", "INVALID_REQUEST", "Invalid Field Format request body",
				"the body must be one JSON object in UTF-8")
		}
		in.doc = gjson.ParseBytes(in.Body)
	}
	return handle(in)
}

// refuse answers in the API's own dialect.
func (e *Emulator) refuse(in *call, status int, snapCase, miniCode, snapMessage, hint string) *reply {
	if in.api.snap {
		return in.api.fail(status, snapCase, snapMessage, hint)
	}
	return miniFail(status, miniCode, hint)
}

// injectedReply is a respond_next answer.
func (e *Emulator) injectedReply(a api, ov override) *reply {
	hint := "this answer was injected by the test scenario (respond_next); nothing changed at the gateway"
	if a.snap {
		st, _ := strconv.Atoi(ov.code[:3])
		return &reply{status: st, code: ov.code, hint: hint, body: map[string]any{"responseCode": ov.code, "responseMessage": ov.message}}
	}
	st, _ := strconv.Atoi(ov.code)
	r := miniFail(st, "INJECTED", ov.message)
	r.hint = hint
	return r
}

// answer writes the reply and records the call.
func (e *Emulator) answer(c *gin.Context, in *call, rep *reply) {
	body := encodeJSON(rep.body)
	c.Data(rep.status, "application/json", body)
	e.rec.AddCall(emulator.Call{API: in.api.name, Order: callOrder(in), Signature: in.sig, ResponseCode: rep.code, Hint: rep.hint, Violations: in.Violations},
		in.Inbound, in.Violations, emulator.Answer{Status: rep.status, Header: c.Writer.Header(), Body: body})
}

// callOrder is what a call is about, when the shared reading
// (emulator.OrderRef) cannot tell: a cashback names its disbursement by
// reference_id, so a retry sent later from a queue is attributed to the
// scenario whose call first used that reference.
func callOrder(in *call) string {
	if in.api.name != APICashback || in.TooBig || emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth) != nil {
		return ""
	}
	if v := gjson.GetBytes(in.Body, "reference_id"); v.Type == gjson.String && len(v.Str) <= 128 {
		return v.Str
	}
	return ""
}

// unknownPath answers a path neither GoPay host serves, naming the real ones.
func (e *Emulator) unknownPath(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, emulator.ControlPrefix+"/") || strings.HasPrefix(p, "/gopay/") {
		emulator.ControlError(c, http.StatusNotFound, "no such route "+c.Request.Method+" "+clip(p)+
			"; see GET /_uatrun/payments, POST /_uatrun/users/{user}/auth_code, POST /_uatrun/payments/{ref}/{pay|fail|abandon|notify|return_shopper}")
		return
	}
	in := &call{Inbound: e.rec.Receive(c.Request), api: api{name: apiUnknown, service: "00"}}
	var paths []string
	for _, a := range apis {
		paths = append(paths, a.method+" "+a.path)
	}
	rep := miniFail(http.StatusNotFound, "NOT_FOUND", "GoPay does not serve "+c.Request.Method+" "+clip(p)+"; its paths are: "+strings.Join(paths, "; "))
	e.answer(c, in, rep)
}

// clip keeps hostile values from flooding a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func quote(s string) string { return strconv.Quote(clip(s)) }

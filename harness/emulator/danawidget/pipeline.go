package danawidget

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/emulator/dana"
	"github.com/uatrun/uatrun/harness/evidence"
)

func encodeJSON(v any) []byte { return bisnap.Encode(v) }

// inbound is one merchant request on its way through validation.
type inbound struct {
	emulator.Inbound
	svc   service
	debug bool
	doc   gjson.Result
	sig   *evidence.SignatureCheck
}

type handler func(in *inbound) *bisnap.Reply

// routes builds the engine: the nine APIs, the OAuth page, the cashier,
// the control API and a teaching 404.
func (e *Emulator) routes() *gin.Engine {
	g := emulator.NewEngine(e.version, bisnap.InternalError)
	handlers := map[string]handler{
		APIApplyToken: e.applyToken, APIApplyOTT: e.applyOTT, APIUnbinding: e.unbinding, APIBalance: e.balance,
		APIProfile: e.queryProfile, APIPayment: e.widgetPayment, APIQuery: e.queryPayment, APICancel: e.cancelOrder, APIRefund: e.refundOrder,
		APITxList: e.transactionList,
	}
	for _, s := range services {
		for _, p := range append([]string{s.Path}, s.also...) {
			g.POST(p, e.serve(s, handlers[s.Name]))
		}
	}
	pg := gin.WrapH(e.pg.Handler())
	for _, p := range dana.Paths() {
		g.POST(p, pg)
	}
	g.Any(dana.CheckoutPrefix+"*rest", pg)
	g.GET(oauthPath, e.oauthPage)
	g.POST(oauthPath+"/:choice", e.oauthChoice)
	g.GET(cashierPath, e.cashierPage)
	g.POST(cashierPath+"/:choice", e.cashierChoice)
	k := emulator.Control{Act: e.Act}
	ctl := g.Group(emulator.ControlPrefix)
	ctl.GET("/orders", func(c *gin.Context) {
		emulator.ServePage(c, e.Orders(), func(o OrderView) string { return o.ReferenceNo })
	})
	ctl.GET("/bindings", func(c *gin.Context) {
		emulator.ServePage(c, e.Bindings(), func(b BindingView) string { return b.ID })
	})
	ctl.GET("/exchanges", func(c *gin.Context) {
		emulator.ServePage(c, e.rec.Exchanges(), func(x evidence.Exchange) string { return x.ID })
	})
	ctl.POST("/orders/:ref/:action", k.Orders("order", "ref", orderActions))
	for _, a := range []string{actAuthorize, actRedirect, actRevoke, actRespondNext} {
		ctl.POST("/"+a, k.Handle(emulator.Action{Name: a}))
	}
	g.NoRoute(e.unknownPath)
	return g
}

func (e *Emulator) serve(s service, h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		in := &inbound{Inbound: e.rec.Receive(c.Request), svc: s,
			debug: strings.EqualFold(strings.TrimSpace(c.Request.Header.Get("X-Debug-Mode")), "true")}
		rep := e.process(in, h)
		if s.Name == APITxList {
			rep = txListWording(rep)
		}
		e.answer(c, in, rep)
	}
}

// process applies DANA's order: mandatory headers → header formats →
// signature → partner → body → business rules. Nothing parses the body
// before a byte scan has bounded its nesting. A pending respond_next
// answer wins once authentication has been recorded.
func (e *Emulator) process(in *inbound, h handler) *bisnap.Reply {
	s := in.svc
	if in.TooBig {
		return s.Fail(http.StatusRequestEntityTooLarge, bisnap.CaseGeneral, "Request Entity Too Large", "the request body exceeds 1 MiB")
	}
	if s.auth == authOpenAPI {
		return e.processOpenAPI(in, h)
	}
	hdr := in.Req.Header
	var pre *bisnap.Reply
	if s.auth == authToken {
		_, pre = bisnap.TokenHeaders.Check(s.Service, hdr, e.o.TimestampSkew, e.wall.Now())
	} else {
		_, pre = bisnap.TransactionHeaders.Check(s.Service, hdr, e.o.TimestampSkew, e.wall.Now())
	}
	deep := emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth)
	if pre == nil && strings.TrimSpace(hdr.Get("X-SIGNATURE")) != "" {
		var bad *bisnap.Reply
		switch {
		case s.auth == authToken:
			in.sig, bad = bisnap.VerifyToken(s.Service, e.o.MerchantPublicKey, hdr)
		case deep != nil:
			in.sig = &evidence.SignatureCheck{Scheme: bisnap.SchemeAsymmetric, Detail: "not checked: " + deep.Error()}
		default:
			in.sig, bad = bisnap.VerifyAsymmetric(s.Service, e.o.MerchantPublicKey, in.Req.URL.Path, in.Body, hdr)
		}
		pre = bad
	}
	if pre == nil && deep != nil {
		pre = s.Format("request body", deep.Error()+"; DANA request bodies are one shallow JSON object")
	}
	if pre == nil {
		pre = e.checkPartner(in)
	}
	if s.auth == authSNAP && pre == nil {
		e.trackExternalID(in)
	}
	if ov, ok := e.injected.Take(s.Name); ok {
		return &bisnap.Reply{Code: ov.code, Message: ov.message, Debug: "this answer was injected by the test scenario (respond_next); nothing changed"}
	}
	if pre != nil {
		return pre
	}
	if !utf8.Valid(in.Body) || !gjson.ValidBytes(in.Body) || !gjson.ParseBytes(in.Body).IsObject() {
		return s.Format("request body", "the body must be one JSON object, minified or not, in UTF-8")
	}
	in.doc = gjson.ParseBytes(in.Body)
	return h(in)
}

// checkPartner compares X-PARTNER-ID (and, for the token API,
// X-CLIENT-KEY) with the configured client id.
func (e *Emulator) checkPartner(in *inbound) *bisnap.Reply {
	if e.o.PartnerID == "" {
		return nil
	}
	for _, name := range []string{"X-PARTNER-ID", "X-CLIENT-KEY"} {
		got := in.Req.Header.Get(name)
		if got == "" || got == e.o.PartnerID {
			continue
		}
		return in.svc.Unauthorized(bisnap.CaseGeneral, "Unauthorized. Unknown "+name,
			name+" "+bisnap.Quote(got)+" is not the clientId this gateway was configured with")
	}
	return nil
}

// trackExternalID records an X-EXTERNAL-ID reused within the day
// (bisnap.ExternalIDs says for how long and how). Only authenticated
// calls reach it.
func (e *Emulator) trackExternalID(in *inbound) {
	ext := in.Req.Header.Get("X-EXTERNAL-ID")
	if strings.TrimSpace(ext) == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if first, reused := e.st.extIDs.Use(in.Req.Header.Get("X-PARTNER-ID"), ext, in.Seq, e.wall.Now(), e.clk); reused {
		in.Violations = append(in.Violations, bisnap.ReuseViolation(ext, first))
	}
}

// answer writes the reply in DANA's shape and records the call.
func (e *Emulator) answer(c *gin.Context, in *inbound, rep *bisnap.Reply) {
	var body []byte
	status := bisnap.HTTPStatus(rep.Code)
	if in.svc.auth == authOpenAPI && rep.Fields != nil && rep.Fields["response"] != nil {
		body, status = encodeJSON(rep.Fields), http.StatusOK
	} else {
		body = in.svc.Envelope(rep, in.Body, in.debug)
	}
	c.Data(status, "application/json", body)
	call := emulator.Call{API: in.svc.Name, Signature: in.sig, ResponseCode: rep.Code, Violations: in.Violations, Hint: rep.Debug}
	e.rec.AddCall(call, in.Inbound, in.Violations, emulator.Answer{Status: status, Header: c.Writer.Header(), Body: body})
}

// unknownPath answers a path DANA Widget does not serve with a SNAP-shaped
// 404 listing the real ones.
func (e *Emulator) unknownPath(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, emulator.ControlPrefix+"/") {
		emulator.ControlError(c, http.StatusNotFound, "no such control route "+c.Request.Method+" "+bisnap.Clip(p)+
			"; see GET /_uatrun/orders, /_uatrun/bindings, /_uatrun/exchanges, POST /_uatrun/orders/{ref}/{action}, /_uatrun/authorize, /_uatrun/redirect, /_uatrun/revoke, /_uatrun/respond_next")
		return
	}
	in := &inbound{Inbound: e.rec.Receive(c.Request), svc: unknownService, debug: true}
	var paths []string
	for _, s := range services {
		paths = append(paths, "POST "+s.Path+" ("+s.Name+")")
	}
	rep := unknownService.Fail(http.StatusNotFound, bisnap.CaseGeneral, "Not Found",
		"DANA Widget does not serve "+c.Request.Method+" "+bisnap.Clip(p)+"; its paths are: "+strings.Join(paths, "; ")+
			"; the OAuth page is GET "+oauthPath+". Point your DANA hosts at this emulator without a path suffix.")
	e.answer(c, in, rep)
}

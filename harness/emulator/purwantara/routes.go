package purwantara

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// HeaderEmulator marks every answer as the emulator's, never Purwantara's.
const HeaderEmulator = emulator.HeaderEmulator

// internalError is Purwantara's envelope when the emulator itself fails.
// Nothing should; this is the last line.
var internalError = []byte(`{"status":500,"success":false,"error":{"code":"INTERNAL_SERVER_ERROR","message":"Server Error"}}`)

// routes builds the gin engine: the create endpoints, inquiry and
// cancel, the payment simulator, the control API and a teaching 404.
func (e *Emulator) routes() *gin.Engine {
	g := emulator.NewEngine(e.version, internalError)
	for _, ch := range channels {
		g.POST("/v1/"+ch.path, e.serve(ch.api, e.create(ch)))
		g.GET(ch.inquiryPath, e.serveWith(APIInquiry, func(in *inbound, c *gin.Context) *reply {
			return e.inquiry(ch, c.Param("uuid"))
		}))
		if ch.listPath != "" {
			g.GET(ch.listPath, e.serve(APIList, func(*inbound) *reply { return e.list(ch) }))
		}
	}
	g.POST("/v1/virtual-account/cancel/:uuid", e.serveWith(APICancel, func(in *inbound, c *gin.Context) *reply {
		return e.cancel(c.Param("uuid"))
	}))
	g.GET("/simulator/:uuid", e.simulatorPage)
	g.POST("/simulator/:uuid/:action", e.simulatorAction)
	k := emulator.Control{Act: e.Act}
	ctl := g.Group(emulator.ControlPrefix)
	ctl.GET("/transactions", func(c *gin.Context) {
		emulator.ServePage(c, e.Transactions(), func(t TransactionView) string { return t.UUID })
	})
	ctl.GET("/exchanges", func(c *gin.Context) { emulator.ServePage(c, e.Exchanges(), exchangeID) })
	ctl.POST("/transactions/:ref/:action", k.Orders("transaction", "ref", txActions))
	ctl.POST("/respond_next", k.Handle(emulator.Action{Name: actRespondNext}))
	ctl.GET("/callback_url", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"url": e.CallbackURL()}) })
	// POST /_uatrun/callback_url {"url": …} is the dashboard's Settings > Team > Callback URL.
	ctl.POST("/callback_url", k.Handle(emulator.Action{Name: actCallbackURL}))
	ctl.GET("/dashboard", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"callback_url": e.CallbackURL()}) })
	ctl.POST("/dashboard", e.controlDashboard)
	g.NoRoute(e.unknownPath)
	return g
}

// serveWith is serve for handlers that need the route's parameters.
func (e *Emulator) serveWith(api string, h func(*inbound, *gin.Context) *reply) gin.HandlerFunc {
	return func(c *gin.Context) {
		in := e.receive(c.Request, api)
		e.answer(c, in, e.process(in, func(in *inbound) *reply { return h(in, c) }))
	}
}

// unknownPath answers a path Purwantara does not serve with a 404 that
// lists the real ones, and records it as a call.
func (e *Emulator) unknownPath(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, emulator.ControlPrefix+"/") || strings.HasPrefix(p, "/simulator/") {
		emulator.ControlError(c, http.StatusNotFound, "no such control route "+c.Request.Method+" "+p+
			"; see GET /_uatrun/transactions, GET /_uatrun/exchanges, POST /_uatrun/transactions/{uuid}/{pay|fail|expire|notify|return_shopper}, "+
			"POST /_uatrun/respond_next, GET|POST /_uatrun/callback_url, GET|POST /_uatrun/dashboard, GET /simulator/{uuid}")
		return
	}
	in := e.receive(c.Request, APIUnknown)
	msg := "Purwantara does not serve " + c.Request.Method + " " + clip(p, 200) + ". The create endpoints are " + channelPaths() +
		"; point your Purwantara base URL at this emulator (the /v1/ prefix stays in your paths)."
	e.answer(c, in, fail(http.StatusNotFound, msg))
}

// exchangeID is the paging cursor of /_uatrun/exchanges.
func exchangeID(x evidence.Exchange) string { return x.ID }

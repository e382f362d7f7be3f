package dana

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
)

// HeaderEmulator marks every answer as the emulator's, never DANA's.
const HeaderEmulator = emulator.HeaderEmulator

// encodeJSON writes v compactly without HTML escaping (bisnap.Encode).
func encodeJSON(v any) []byte { return bisnap.Encode(v) }

// routes builds the gin engine: the five DANA APIs, the hosted checkout,
// the control API and a teaching 404 for everything else.
func (e *Emulator) routes() *gin.Engine {
	g := emulator.NewEngine(e.version, bisnap.InternalError)
	handlers := map[string]handler{APICreateOrder: e.createOrder, APIQueryPayment: e.queryPayment,
		APICancelOrder: e.cancelOrder, APIRefundOrder: e.refundOrder, APIConsultPay: e.consultPay}
	for _, a := range apis {
		g.POST(a.path, e.serve(a, handlers[a.name]))
	}
	g.GET("/checkout/:ref", e.checkoutPage)
	g.POST("/checkout/:ref/:choice", e.checkoutChoice)
	k := e.control()
	ctl := g.Group(emulator.ControlPrefix)
	ctl.GET("/orders", func(c *gin.Context) {
		emulator.ServePage(c, e.Orders(), func(o OrderView) string { return o.ReferenceNo })
	})
	ctl.GET("/exchanges", func(c *gin.Context) { emulator.ServePage(c, e.Exchanges(), exchangeID) })
	ctl.POST("/orders/:ref/:action", k.Orders("order", "ref", orderActions))
	ctl.POST("/respond_next", k.Handle(emulator.Action{Name: actRespondNext}))
	g.NoRoute(e.unknownPath)
	return g
}

// unknownPath answers a path DANA does not serve with a SNAP-shaped 404
// whose debugMessage lists the real paths, and records it as a call.
func (e *Emulator) unknownPath(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, emulator.ControlPrefix+"/") || strings.HasPrefix(p, "/checkout/") {
		emulator.ControlError(c, http.StatusNotFound, "no such control route "+c.Request.Method+" "+p+
			"; see GET /_uatrun/orders, GET /_uatrun/exchanges, POST /_uatrun/orders/{ref}/{pay|fail|expire|notify|return_shopper}, POST /_uatrun/respond_next")
		return
	}
	in := e.receive(c.Request, unknownAPI)
	in.debug = true // the path listing is the point of this answer
	var paths []string
	for _, a := range apis {
		paths = append(paths, "POST "+a.path+" ("+a.name+")")
	}
	rep := unknownAPI.fail(http.StatusNotFound, "00", "Not Found",
		"DANA Gapura does not serve "+c.Request.Method+" "+clip(p)+"; its paths are: "+strings.Join(paths, "; ")+
			". Point your DANA base URL at this emulator without a path suffix.")
	e.answer(c, in, rep)
}

// exchangeID is the paging cursor of /_uatrun/exchanges.
func exchangeID(x evidence.Exchange) string { return x.ID }

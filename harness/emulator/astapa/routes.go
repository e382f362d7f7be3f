package astapa

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// HeaderEmulator marks every answer as the emulator's, never Astapa's.
const HeaderEmulator = emulator.HeaderEmulator

// internalError is the emulator's answer when it fails itself, in the
// error shape it uses for Astapa. Nothing should; this is the last line.
var internalError = []byte(`{"error":"internal_error","message":"Internal Server Error"}`)

// encodeJSON writes v compactly without HTML escaping.
func encodeJSON(v any) []byte { return emulator.CompactJSON(v, internalError) }

func (e *Emulator) routes() *gin.Engine {
	g := emulator.NewEngine(e.version, internalError)
	g.POST("/api/platform/shop-payment", e.serve(APICreatePayment, e.createPayment))
	g.GET("/api/platform/shop-payment/verify", e.serve(APIVerify, e.verify))
	g.GET("/invoice/:purchase", e.invoicePage)
	g.POST("/invoice/:purchase/:choice", e.invoiceChoice)
	g.GET("/purchase/callback", e.callbackPage)
	ctl := g.Group(emulator.ControlPrefix)
	ctl.GET("/orders", func(c *gin.Context) {
		emulator.ServePage(c, e.Payments(), func(p PaymentView) string { return p.PurchaseID })
	})
	ctl.GET("/exchanges", func(c *gin.Context) { emulator.ServePage(c, e.Exchanges(), exchangeID) })
	ctl.POST("/orders/:id/:action", e.controlAction)
	ctl.POST("/respond_next", emulator.Control{Act: e.Act}.Handle(emulator.Action{Name: actRespondNext}))
	ctl.GET("/dashboard", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"webhook_url": e.WebhookURL()}) })
	ctl.POST("/dashboard", e.controlDashboard)
	g.NoRoute(e.unknownPath)
	return g
}

var orderActions = []string{actPay, actCancel, actExpire, actRefund, actNotify}

// controlAction serves POST /_uatrun/orders/{order_id}/{action}. Its 404
// lists the actions joined by commas, unlike the other emulators' lists.
func (e *Emulator) controlAction(c *gin.Context) {
	name := c.Param("action")
	if !slices.Contains(orderActions, name) {
		emulator.ControlError(c, http.StatusNotFound, "unknown order action "+quote(name)+"; valid: "+strings.Join(orderActions, ", "))
		return
	}
	emulator.Control{Act: e.Act}.Run(c, emulator.Action{Name: name, Order: c.Param("id")})
}

// WebhookURL is the project-level webhook URL now in force.
func (e *Emulator) WebhookURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.webhookURL
}

// SetWebhookURL changes the project-level webhook URL, as the merchant does
// in Astapa's project settings.
func (e *Emulator) SetWebhookURL(u string) error {
	if err := emulator.CheckAbsURL(u); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.webhookURL = u
	return nil
}

// controlDashboard serves POST /_uatrun/dashboard {"webhook_url": …}.
func (e *Emulator) controlDashboard(c *gin.Context) {
	p, err := emulator.ControlParams(c.Request)
	if err == nil {
		for k := range p {
			if k != "webhook_url" {
				err = errors.New("unknown setting " + quote(k) + "; settings: webhook_url")
			}
		}
	}
	if err == nil {
		err = e.SetWebhookURL(p["webhook_url"])
	}
	if err != nil {
		emulator.ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	c.JSON(http.StatusOK, gin.H{"webhook_url": e.WebhookURL()})
}

// unknownPath answers a path Astapa does not serve and records it.
func (e *Emulator) unknownPath(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, emulator.ControlPrefix+"/") {
		emulator.ControlError(c, http.StatusNotFound, "no such control route; see GET /_uatrun/orders, GET /_uatrun/exchanges, POST /_uatrun/orders/{order_id}/{pay|cancel|expire|refund|notify}, POST /_uatrun/respond_next, POST /_uatrun/dashboard")
		return
	}
	if c.Request.Method == http.MethodGet && e.storePage(c) {
		return
	}
	in := e.receive(c, APIUnknownPath)
	e.answer(c, in, fail(http.StatusNotFound, "not_found", "Not Found",
		"the emulator serves POST /api/platform/shop-payment and GET /api/platform/shop-payment/verify?order_id=; point your Astapa base URL (https://astapa.com) at it"))
}

// exchangeID is the paging cursor of /_uatrun/exchanges.
func exchangeID(x evidence.Exchange) string { return x.ID }

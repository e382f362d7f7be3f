package midtrans

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// HeaderEmulator marks every answer as the emulator's, never Midtrans'.
const HeaderEmulator = emulator.HeaderEmulator

// internalError is Midtrans' answer when the emulator itself fails.
// Nothing should; this is the last line.
var internalError = []byte(`{"status_code":"500","status_message":"Internal Server Error"}`)

// encodeJSON writes v compactly without HTML escaping, so URLs in answers
// read as they were sent.
func encodeJSON(v any) []byte { return emulator.CompactJSON(v, internalError) }

// routes builds the gin engine: Snap and Core API paths (one host stands
// in for both app. and api.), the payment page, the control API and a
// teaching 404 for everything else.
func (e *Emulator) routes() *gin.Engine {
	g := emulator.NewEngine(e.version, internalError)
	g.POST("/snap/v1/transactions", e.serve(APICreateTransaction, e.createTransaction))
	g.POST("/snap/v1/transactions/:id/cancel", e.serve(APISnapCancel, e.snapCancel))
	g.GET("/v2/:id/status", e.serve(APIStatus, e.getStatus))
	g.POST("/v2/:id/cancel", e.serve(APICancel, e.cancelTxn))
	g.POST("/v2/:id/expire", e.serve(APIExpire, e.expireTxn))
	g.POST("/v2/:id/refund", e.serve(APIRefund, e.refundTxn))
	g.POST("/v2/:id/refund/online/direct", e.serve(APIRefund, e.refundDirect))
	g.POST("/v2/:id/approve", e.serve(APIApprove, e.approveTxn))
	g.POST("/v2/:id/deny", e.serve(APIDeny, e.denyTxn))
	g.GET(redirectPath+":token", e.payPage)
	g.POST(redirectPath+":token/:choice", e.payChoice)
	k := emulator.Control{Act: e.Act}
	ctl := g.Group(emulator.ControlPrefix)
	ctl.GET("/orders", func(c *gin.Context) {
		emulator.ServePage(c, e.Transactions(), func(t TransactionView) string { return t.TransactionID })
	})
	ctl.GET("/exchanges", func(c *gin.Context) { emulator.ServePage(c, e.Exchanges(), exchangeID) })
	ctl.POST("/orders/:id/:action", k.Orders("order", "id", orderActions))
	ctl.POST("/respond_next", k.Handle(emulator.Action{Name: actRespondNext}))
	ctl.GET("/dashboard", func(c *gin.Context) { c.JSON(http.StatusOK, e.Dashboard()) })
	ctl.POST("/dashboard", e.controlDashboard)
	g.NoRoute(e.unknownPath)
	return g
}

// orderActions are the actions the control API exposes per transaction.
var orderActions = []string{actChoose, actPay, actDeny, actExpire, actChallenge, actAccept, actNotify, actReturnShopper,
	actRefundPending, actRefundSettle, actRefundDeny}

// servedPaths lists the real paths for the teaching 404.
var servedPaths = []string{
	"POST /snap/v1/transactions (create_transaction)", "POST /snap/v1/transactions/{token}/cancel (snap_cancel)", "GET /v2/{order_id}/status (status)",
	"POST /v2/{order_id}/cancel (cancel)", "POST /v2/{order_id}/expire (expire)",
	"POST /v2/{order_id}/refund and /refund/online/direct (refund)", "POST /v2/{order_id}/approve (approve)",
	"POST /v2/{order_id}/deny (deny)",
}

// unknownPath answers a path Midtrans does not serve (here) with a
// Midtrans-shaped 404 and records it as a call.
func (e *Emulator) unknownPath(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, emulator.ControlPrefix+"/") || strings.HasPrefix(p, redirectPath) {
		emulator.ControlError(c, http.StatusNotFound, "no such route "+c.Request.Method+" "+p+
			"; see GET /_uatrun/orders, GET /_uatrun/exchanges, POST /_uatrun/orders/{order_id}/{choose|pay|deny|expire|challenge|accept|notify|return_shopper|refund_pending|refund_settle|refund_deny}, POST /_uatrun/respond_next")
		return
	}
	in := e.receive(c, APIUnknownPath)
	rep := in.fail(http.StatusNotFound, "404", "The requested resource is not found",
		"the emulator does not serve "+c.Request.Method+" "+p+"; it serves "+strings.Join(servedPaths, "; ")+
			". Point both the Snap base (app.sandbox.midtrans.com) and the Core API base (api.sandbox.midtrans.com) at it, without a path suffix.")
	e.answer(c, in, rep)
}

// exchangeID is the paging cursor of /_uatrun/exchanges.
func exchangeID(x evidence.Exchange) string { return x.ID }
